"""SQLModel tables. Every datetime is stored in UTC (see :class:`UTCDateTime`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC (portable to SQLite), hands back aware UTC datetimes."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


# A Telegram user id (above 2^31 today) in a column that was created INTEGER: BIGINT on PostgreSQL (migration
# i18_n_bigint_ids). SQLite stores every integer in up to 8 bytes whatever the declared type, and rebuilding
# ``event`` to rename its type is refused while reminders reference it, so there it stays INTEGER.
TELEGRAM_ID = BigInteger().with_variant(Integer(), "sqlite")


def utc_column(nullable: bool = False) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable)


class IndicatorKind(StrEnum):
    STRUKTUR = "struktur"
    PROSES = "proses"
    HASIL = "hasil"


class IndicatorState(StrEnum):
    BELUM = "belum"
    PROSES = "proses"
    LENGKAP = "lengkap"
    TERVERIFIKASI = "terverifikasi"
    DITOLAK = "ditolak"

    @property
    def is_complete(self) -> bool:
        return self in (IndicatorState.LENGKAP, IndicatorState.TERVERIFIKASI)


class Province(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=2)
    name: str = Field(max_length=80)
    timezone: str = Field(max_length=40)


class Region(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=5)
    province_code: str = Field(foreign_key="province.code", index=True, max_length=2)
    kind: str = Field(max_length=10)
    name: str = Field(max_length=80)
    timezone: str = Field(max_length=40)


class Criterion(SQLModel, table=True):
    number: int = Field(primary_key=True)
    group_name: str = Field(max_length=80)
    name: str = Field(max_length=200)


class Catalog(SQLModel, table=True):
    """One row per catalog import; the newest is the catalog in force."""

    id: int | None = Field(default=None, primary_key=True)
    label: str = Field(max_length=200)
    is_sample: bool = False
    indicator_count: int = 0
    imported_at: datetime = Field(sa_column=utc_column())


class Indicator(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=20)
    criterion_number: int = Field(foreign_key="criterion.number", index=True)
    kind: str = Field(max_length=10)
    text: str
    weight: float = 1.0
    position: int = 0
    active: bool = True


class Cycle(SQLModel, table=True):
    """A KKP HAM cycle: data of ``data_year``, assessed and awarded (10 Dec) in ``award_year``."""

    __table_args__ = (UniqueConstraint("data_year", "award_year"),)

    id: int | None = Field(default=None, primary_key=True)
    data_year: int
    award_year: int


class ChecklistEntry(SQLModel, table=True):
    """The state of one indicator for one region in one cycle; no row means ``belum``."""

    __tablename__ = "checklist_entry"
    __table_args__ = (
        UniqueConstraint("cycle_id", "region_code", "indicator_code"),
        # the national overview: complete entries per region of a cycle, from the index alone
        Index("ix_checklist_entry_cycle_state", "cycle_id", "state", "region_code", "indicator_code"),
        Index("ix_checklist_entry_cycle_updated", "cycle_id", "updated_at"),  # the newest change
    )

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    region_code: str = Field(foreign_key="region.code", index=True, max_length=5)
    indicator_code: str = Field(foreign_key="indicator.code", max_length=20)
    state: str = Field(sa_column=Column(String(16), nullable=False))
    link: str | None = None
    note: str | None = None
    updated_at: datetime = Field(sa_column=utc_column())
    updated_by: int | None = Field(default=None, sa_column=Column(TELEGRAM_ID, nullable=True))
    # when (and by whom) it last went to ``lengkap``: the Kanwil's verification queue, oldest first
    handed_in_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    handed_in_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class EventKind(StrEnum):
    RAKOR = "rakor"
    AKSIHAM = "aksiham"
    KKPHAM = "kkpham"
    VERIFIKASI = "verifikasi"
    HARIHAM = "hariham"
    LAIN = "lain"


class EventStatus(StrEnum):
    DRAFT = "draft"  # from the yearly template: dates still to be confirmed, no reminders
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class ScopeKind(StrEnum):
    NATIONAL = "nasional"
    PROVINCES = "provinsi"
    REGIONS = "wilayah"


class Event(SQLModel, table=True):
    """A rakor, a reporting window, a deadline... Local date/time in ``timezone``; UTC in ``starts_at``."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=12)
    title: str = Field(max_length=300)
    timezone: str = Field(max_length=40)
    start_date: date
    start_time: time | None = None
    end_date: date | None = None
    end_time: time | None = None
    starts_at: datetime = Field(sa_column=utc_column())
    scope_kind: str = Field(max_length=10)
    scope_codes: str = ""  # comma-separated province or kab/kota codes
    period: str | None = Field(default=None, max_length=3)  # Aksi HAM: B04, B08, B12
    location: str | None = None
    notes: str | None = None
    offsets: str | None = Field(default=None, max_length=100)  # "3d,1d,2h"; None: defaults of the kind
    status: str = Field(default=EventStatus.CONFIRMED.value, max_length=10)
    version: int = 1  # grows whenever the date or time changes
    created_by: int | None = Field(default=None, sa_column=Column(TELEGRAM_ID, nullable=True))
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())


class Subscription(SQLModel, table=True):
    """A chat that receives the reminders of one kab/kota or one province."""

    __table_args__ = (UniqueConstraint("chat_id", "target_code"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    target_code: str = Field(max_length=5)  # "63.05" (kab/kota) or "63" (province)
    active: bool = True
    created_by: int | None = Field(default=None, sa_column=Column(TELEGRAM_ID, nullable=True))
    created_at: datetime = Field(sa_column=utc_column())  # when it (last) became active: nothing is planned before


class AksiReport(SQLModel, table=True):
    """A whole period (B04/B08/B12) of a year reported, with its nilai capaian (``score``); actions: aksi_models."""

    __tablename__ = "aksi_report"
    __table_args__ = (UniqueConstraint("region_code", "year", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    region_code: str = Field(foreign_key="region.code", max_length=5)
    year: int
    period: str = Field(max_length=3)
    score: float | None = None
    reported_at: datetime = Field(sa_column=utc_column())
    recorded_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class ReminderStatus(StrEnum):
    """Where a row of the delivery engine stands (the reminder ledger and the outbox share it)."""

    PENDING = "pending"
    CLAIMED = "claimed"  # a copy of the bot took it; see schedules/engine.py for the crash policy
    SENT = "sent"
    SKIPPED = "skipped"  # nothing left to do for the recipient when it fell due
    SUPERSEDED = "superseded"  # a later reminder of the same event went out instead
    MISSED = "missed"  # fell due while the bot was down, after the deadline: in a "terlewat" summary
    CANCELLED = "cancelled"
    FAILED = "failed"  # the chat blocked the bot or does not exist, or Telegram kept refusing


DeliveryStatus = ReminderStatus


class Delivery(SQLModel):
    """The delivery state every row the engine sends carries (``schedules/engine.py``): when it is due, who
    holds it, how it went. Shared by the reminder ledger and the outbox; each table keeps its own key."""

    due_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    status: str = Field(default=ReminderStatus.PENDING.value, sa_type=String(12), nullable=False)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    message_id: int | None = Field(default=None, sa_type=BigInteger, nullable=True)
    attempts: int = 0
    last_error: str | None = None


class Reminder(Delivery, table=True):
    """The ledger: one row per (event, version, chat, offset); the database is the truth."""

    __table_args__ = (
        UniqueConstraint("event_id", "event_version", "chat_id", "offset_key"),
        Index("ix_reminder_status_due", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    event_version: int
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    offset_key: str = Field(max_length=20)  # "7d", "2h", "15m", "open-3d", "snooze-20250618", "moved", "escalate"
    deadline_at: datetime = Field(sa_column=utc_column())  # after this the reminder is useless
    acknowledged_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    acknowledged_by: int | None = Field(default=None, sa_column=Column(TELEGRAM_ID, nullable=True))


class Role(StrEnum):
    ADMIN = "admin"  # everything, everywhere
    STAF = "staf"  # Bidang HAM staff of one province
    PIC = "pic"  # focal point of one kab/kota
    PEMANTAU = "pemantau"  # read-only


class Person(SQLModel, table=True):
    """Someone the bot has met on Telegram."""

    id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    first_name: str = Field(default="", max_length=200)
    username: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(sa_column=utc_column())
    last_seen: datetime = Field(sa_column=utc_column())
    language: str | None = Field(default=None, max_length=5)  # chosen with /bahasa; None: from Telegram
    telegram_language: str | None = Field(default=None, max_length=10)  # the app's language_code, last seen
    language_hint_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))  # told of /bahasa en


class RoleBinding(SQLModel, table=True):
    """A person's role, for one province (staf) or kab/kota (pic, pemantau); admins have no target."""

    __tablename__ = "role_binding"
    __table_args__ = (UniqueConstraint("user_id", "role", "target_code"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    role: str = Field(max_length=10)
    target_code: str = Field(default="", max_length=5)  # "" for admin
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime = Field(sa_column=utc_column())


class Invite(SQLModel, table=True):
    """A single-use deep link that binds whoever opens it to a role and a region."""

    token: str = Field(primary_key=True, max_length=40)
    role: str = Field(max_length=10)
    target_code: str = Field(max_length=5)
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
    used_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    used_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class Chat(SQLModel, table=True):
    """A chat the bot is in (groups by their title), for reports with names."""

    id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    kind: str = Field(max_length=20)  # private, group, supergroup, channel
    title: str = Field(default="", max_length=300)
    member: bool = True  # False once the bot was removed or blocked
    updated_at: datetime = Field(sa_column=utc_column())


class AuditEntry(SQLModel, table=True):
    """Every change: who, when, what, before and after (JSON)."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=utc_column())
    actor_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    action: str = Field(max_length=40)  # checklist.state, event.create, binding.add, broadcast.confirm ...
    subject: str = Field(max_length=100)  # what changed, e.g. "63.05/1.02", "event#12", "user#123"
    region_code: str | None = Field(default=None, max_length=5, index=True)
    province_code: str | None = Field(default=None, max_length=2, index=True)
    before: str | None = None
    after: str | None = None


class Broadcast(SQLModel, table=True):
    """A results message for one province, previewed, then confirmed and delivered."""

    id: int | None = Field(default=None, primary_key=True)
    province_code: str = Field(max_length=2)
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime = Field(sa_column=utc_column())
    status: str = Field(default="preview", max_length=12)  # preview, confirmed, cancelled
    to_pics: bool = False
    text: str = ""
    chart: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    reported_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class Outbox(Delivery, table=True):
    """Messages that are not reminders (broadcasts, their delivery reports, digests): one row per (key), sent
    once. Keys: "broadcast:12:-100123" (":chart" for a chart of its own), "report:12", "digest:63:2026-W48:555"."""

    __table_args__ = (
        Index("ix_outbox_status_due", "status", "due_at"),
        Index("ix_outbox_broadcast_status", "broadcast_id", "status"),  # has a broadcast settled?
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    broadcast_id: int | None = Field(default=None, foreign_key="broadcast.id")
    text: str
    with_chart: bool = False
    buttons: str | None = None  # an inline keyboard, JSON (``bot.messaging.buttons``)


class ConversationState(SQLModel, table=True):
    """Where one person's multi-step conversation in one chat stands (guided /jadwal_tambah, a pending
    data-dukung note). Kept in the database, not in memory, so a restart or another copy of the bot behind a
    webhook continues it; it expires when left alone."""

    __tablename__ = "conversation_state"

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    user_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    kind: str = Field(max_length=30)
    step: str = Field(max_length=30)
    data: str = Field(default="{}", max_length=4000)  # JSON
    expires_at: datetime = Field(sa_column=utc_column())


class EvidenceFile(SQLModel, table=True):
    """A data-dukung document or photo sent to the bot for one indicator of one kab/kota (kept on Telegram)."""

    __tablename__ = "evidence_file"
    __table_args__ = (Index("ix_evidence_file_target", "cycle_id", "region_code", "indicator_code"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id")
    region_code: str = Field(foreign_key="region.code", max_length=5)
    indicator_code: str = Field(foreign_key="indicator.code", max_length=20)
    kind: str = Field(max_length=10)  # document, photo
    file_id: str = Field(max_length=200)  # Telegram's, to send it back
    file_unique_id: str = Field(max_length=100)
    file_name: str = Field(max_length=255)
    mime_type: str | None = Field(default=None, max_length=100)
    file_size: int | None = None
    uploaded_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    uploaded_at: datetime = Field(sa_column=utc_column())


class Worker(SQLModel, table=True):
    """A running copy of the bot: its heartbeat tells the others whether the rows it claimed are still in hand."""

    id: str = Field(primary_key=True, max_length=64)  # "host:pid:random", the ``claimed_by`` of its rows
    host: str = Field(max_length=64)
    pid: int
    # the boot and pid namespace the pid belongs to (bot/core/liveness.py, this_machine); None: not known
    machine: str | None = Field(default=None, max_length=80)
    version: str = Field(default="", max_length=20)
    mode: str = Field(default="", max_length=10)  # polling, webhook
    started_at: datetime = Field(sa_column=utc_column())
    beat_at: datetime = Field(sa_column=utc_column())
    last_tick_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    last_telegram_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    stopped_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class PollingLease(SQLModel, table=True):
    """Which copy polls Telegram (``bot/lease.py``); ``version`` changes with every write."""
    __tablename__ = "polling_lease"
    name: str = Field(primary_key=True, max_length=20)
    holder: str | None = Field(default=None, max_length=64)  # a worker id; None: nobody polls
    version: int = Field(default=0)
    acquired_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    renewed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


import bot.core.aksi_models  # noqa: E402,F401  (Aksi HAM by action: registers its tables with these)
import bot.core.review_models  # noqa: E402,F401  (the Kanwil's decisions, told to the PIC: review_notice)

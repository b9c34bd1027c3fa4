"""People, their roles, invitations and what they may see by default."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.core.claims import claimed, dialect_insert
from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.i18n import N_
from bot.core.models import Invite, Person, Role, RoleBinding
from bot.domain import audit
from bot.domain.subscriptions import of_chat, subscribe, unsubscribe
from bot.reference import ProvinceRef, RegionRef, provinces, regions

INVITE_DAYS = 7
SEEN_EVERY = timedelta(hours=1)  # how stale last_seen may get before it is written again


@dataclass(frozen=True)
class Grants:
    """Everything access decisions need about one person in one chat."""

    user_id: int | None
    admin: bool = False
    staf: frozenset[str] = frozenset()  # province codes
    pic: frozenset[str] = frozenset()  # kab/kota codes
    pemantau: frozenset[str] = frozenset()  # kab/kota codes
    bound_chat: tuple[str, ...] = ()  # what the chat the person writes in is bound to

    @property
    def has_role(self) -> bool:
        return self.admin or bool(self.staf or self.pic or self.pemantau)

    def default_target(self, group: bool = True) -> RegionRef | ProvinceRef | None:
        """What /status with no argument means: the group's binding (``group``), else own kab/kota, own
        province. ``group=False``: the person's own region wherever they write (a command that needs a right
        on the place, in a group bound to a place that is not theirs)."""
        for code in self.bound_chat if group else ():
            return provinces().get(code) or regions().get(code)
        if self.pic:
            return regions()[sorted(self.pic)[0]]
        if self.staf:
            return provinces()[sorted(self.staf)[0]]
        if self.pemantau:
            return regions()[sorted(self.pemantau)[0]]
        return None

    @property
    def home_province(self) -> str | None:
        target = self.default_target()
        if isinstance(target, ProvinceRef):
            return target.code
        return target.province_code if target else None


def seen(session: Session, clock: Clock, user_id: int, first_name: str, username: str | None,
         language_code: str | None = None) -> Person:
    """Remember a person's names and the language of their Telegram app (for what the bot sends unasked)."""
    person = session.get(Person, user_id)
    now = clock.now()
    code = (language_code or "")[:10] or None
    if person is None:
        person = Person(id=user_id, first_name=first_name, username=username, created_at=now, last_seen=now,
                        telegram_language=code)
        session.add(person)
    elif person_is_stale(person, now, first_name, username, language_code):
        person.first_name, person.username, person.last_seen = first_name, username, now
        person.telegram_language = code or person.telegram_language
    session.flush()
    return person


def person_is_stale(person: Person | None, now: datetime, first_name: str, username: str | None,
                    language_code: str | None) -> bool:
    """Whether :func:`seen` would write: someone new, renamed, not seen for ``SEEN_EVERY``, or whose Telegram
    app changed language."""
    return (person is None or person_changed(person, first_name, username, language_code)
            or now - person.last_seen > SEEN_EVERY)


def person_changed(person: Person | None, first_name: str, username: str | None, language_code: str | None) -> bool:
    """Someone new, renamed, or whose Telegram app changed language: what the bot shows of them is out of date."""
    if person is None:
        return True
    code = (language_code or "")[:10] or None
    return ((person.first_name, person.username) != (first_name, username)
            or bool(code and code != person.telegram_language))


def grants(session: Session, admin_ids: frozenset[int], user_id: int | None, chat_id: int | None) -> Grants:
    if user_id is None:
        return Grants(None)
    rows = session.exec(select(RoleBinding).where(RoleBinding.user_id == user_id)).all()
    by_role: dict[str, set[str]] = {r.value: set() for r in Role}
    for row in rows:
        by_role[row.role].add(row.target_code)
    bound = tuple(s.target_code for s in of_chat(session, chat_id)) if chat_id is not None and chat_id < 0 else ()
    return Grants(
        user_id, admin=user_id in admin_ids or bool(by_role["admin"]), staf=frozenset(by_role["staf"]),
        pic=frozenset(by_role["pic"]), pemantau=frozenset(by_role["pemantau"]), bound_chat=bound,
    )


def bootstrap_admins(session: Session, clock: Clock, admin_ids: frozenset[int]) -> None:
    for user_id in admin_ids:
        if not session.exec(select(RoleBinding).where(RoleBinding.user_id == user_id,
                                                      RoleBinding.role == Role.ADMIN.value)).first():
            session.add(RoleBinding(user_id=user_id, role=Role.ADMIN.value, target_code="", created_at=clock.now()))
    session.flush()


def check_target(role: Role, target: RegionRef | ProvinceRef) -> None:
    if role is Role.STAF and not isinstance(target, ProvinceRef):
        raise UserError(N_("Peran staf berlaku untuk provinsi; sebutkan provinsinya (mis. Kalsel)."))
    if role in (Role.PIC, Role.PEMANTAU) and not isinstance(target, RegionRef):
        raise UserError(N_("Peran {role} berlaku untuk satu kab/kota; sebutkan kab/kotanya."), role=role.value)


def parse_role(text: str) -> Role:
    value = {"pemantau": "pemantau", "viewer": "pemantau", "pic": "pic", "staf": "staf", "staff": "staf"}.get(
        text.strip().lower())
    if value is None:
        raise UserError(N_("Peran “{value}” tidak dikenal: staf, pic atau pemantau."), value=text)
    return Role(value)


def create_invite(session: Session, clock: Clock, role: Role, target: RegionRef | ProvinceRef, actor: int | None,
                  days: int = INVITE_DAYS) -> Invite:
    check_target(role, target)
    invite = Invite(token=secrets.token_urlsafe(18), role=role.value, target_code=target.code, created_by=actor,
                    created_at=clock.now(), expires_at=clock.now() + timedelta(days=days))
    session.add(invite)
    audit.record(session, clock, actor, "invite.create", f"invite:{role.value}", *_codes(target.code),
                 after={"role": role.value, "target": target.code, "expires_at": invite.expires_at})
    session.flush()
    return invite


def _codes(code: str) -> tuple[str | None, str | None]:
    """(region code, province code) for the audit trail."""
    if code in regions():
        return code, regions()[code].province_code
    return None, code or None


def accept_invite(session: Session, clock: Clock, token: str, user_id: int) -> RoleBinding:
    """Single use and expiring: binds ``user_id``; a focal point's private chat gets its reminders.

    The invitation is claimed by one conditional UPDATE (``bot.core.claims``): two people opening it at the same
    moment, on one copy of the bot or two, bind exactly one; the other is told it has been used."""
    invite = session.get(Invite, token[:100])
    if invite is None:
        raise UserError(N_("Tautan undangan tidak dikenal."))
    now = clock.now()
    if not claimed(session, update(Invite).where(col(Invite.token) == invite.token, col(Invite.used_at).is_(None),
                                                 col(Invite.expires_at) > now).values(used_at=now, used_by=user_id)):
        session.refresh(invite)  # as the one who came first left it
        if invite.used_at is not None and invite.used_by == user_id:  # the same person, twice: already theirs
            binding = _binding(session, user_id, invite.role, invite.target_code)
            if binding is not None:
                return binding
        if invite.used_at is not None:
            raise UserError(N_("Tautan undangan ini sudah dipakai. Minta tautan baru ke staf Kanwil."))
        raise UserError(N_("Tautan undangan ini sudah kedaluwarsa. Minta tautan baru ke staf Kanwil."))
    session.execute(dialect_insert(session)(RoleBinding).values(
        user_id=user_id, role=invite.role, target_code=invite.target_code, created_by=invite.created_by,
        created_at=now).on_conflict_do_nothing(index_elements=["user_id", "role", "target_code"]))
    binding = _binding(session, user_id, invite.role, invite.target_code)
    assert binding is not None  # inserted just now, or there already (the conflict)
    if invite.role == Role.PIC.value:
        subscribe(session, clock, user_id, regions()[invite.target_code], user_id)  # their own doing
    audit.record(session, clock, user_id, "binding.add", f"user:{user_id}", *_codes(invite.target_code),
                 after={"role": invite.role, "target": invite.target_code, "invite_by": invite.created_by})
    session.flush()
    return binding


def _binding(session: Session, user_id: int, role: str, target_code: str) -> RoleBinding | None:
    return session.exec(select(RoleBinding).where(RoleBinding.user_id == user_id, RoleBinding.role == role,
                                                  RoleBinding.target_code == target_code)).first()


def bindings_in(session: Session, code: str | None) -> list[RoleBinding]:
    """Bindings of a kab/kota, of a province (its staf and its kab/kota's people), or all."""
    rows = session.exec(select(RoleBinding).order_by(col(RoleBinding.role), col(RoleBinding.target_code),
                                                     col(RoleBinding.user_id))).all()
    if code is None:
        return list(rows)
    if code in provinces():
        return [b for b in rows if b.target_code == code
                or (b.target_code in regions() and regions()[b.target_code].province_code == code)]
    return [b for b in rows if b.target_code == code]


def people_by_id(session: Session, ids: set[int]) -> dict[int, Person]:
    if not ids:
        return {}
    return {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(ids)))}


def find_person(session: Session, text: str) -> int:
    """A user id, or a @username the bot has met."""
    text = text.strip()
    if text.lstrip("-").isdigit():
        if not 0 < int(text) < 2**63:
            raise UserError(N_("Pengguna “{value}” tidak dikenal; pakai ID Telegram atau @username."), value=text[:40])
        return int(text)
    person = session.exec(select(Person).where(Person.username == text.lstrip("@"))).first()
    if person is None:
        raise UserError(N_("Pengguna “{value}” tidak dikenal; pakai ID Telegram atau @username."), value=text)
    return person.id


def remove_bindings(session: Session, clock: Clock, user_id: int, actor: int | None,
                    keep: Callable[[RoleBinding], bool] = lambda b: False) -> list[RoleBinding]:
    """Remove the user's bindings (except those ``keep`` wants); their private reminders stop too."""
    removed = []
    for binding in session.exec(select(RoleBinding).where(RoleBinding.user_id == user_id)).all():
        if keep(binding):
            continue
        removed.append(binding)
        if binding.role == Role.PIC.value:
            unsubscribe(session, user_id, binding.target_code)
        audit.record(session, clock, actor, "binding.remove", f"user:{user_id}", *_codes(binding.target_code),
                     before={"role": binding.role, "target": binding.target_code})
        session.delete(binding)
    session.flush()
    return removed


def has_admin(session: Session) -> bool:
    """Whether anyone holds the admin role in the database (besides ``PANTAU_ADMIN_IDS``)."""
    return session.exec(select(RoleBinding).where(RoleBinding.role == Role.ADMIN.value)).first() is not None


def ensure_viewer(session: Session, clock: Clock, user_id: int, query: str) -> RegionRef | None:
    """Make ``user_id`` a pemantau (read only) of the kab/kota named ``query`` (the console's ``--viewer``)."""
    from bot.domain.regions import resolve

    region = resolve(query).region
    if region is None:
        return None
    known = session.exec(select(RoleBinding).where(RoleBinding.user_id == user_id,
                                                   RoleBinding.role == Role.PEMANTAU.value,
                                                   RoleBinding.target_code == region.code)).first()
    if known is None:
        session.add(RoleBinding(user_id=user_id, role=Role.PEMANTAU.value, target_code=region.code,
                                created_at=clock.now()))
        session.flush()
    return region

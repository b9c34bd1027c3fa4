"""What the verification loop sends on its own, through the delivery engine's outbox (looked at every tick):

* **To the PIC**: the Kanwil's decisions on their kab/kota (``review_notice``, recorded by
  :mod:`bot.domain.decisions` however the decision was made) are told in **one message per review sitting**:
  once ``PANTAU_REVIEW_BATCH_MINUTES`` (default 5) have passed since the last decision on that kab/kota, its
  decisions are taken as one batch (one conditional UPDATE: one copy of the bot takes it) and one outbox row
  is queued for each PIC of the kab/kota, in their private chat, key ``review:<kab/kota>:<batch>:<user>``:
  told once, across restarts and copies. Sent-back indicators come with their reason and a button that opens
  the indicator, verified ones as a count. Groups are not told: the private chat is where a PIC fixes data
  dukung, and a province's group is no place to list one kab/kota's shortcomings.
* **To the staf**: at their reminder hour (``PANTAU_REMINDER_HOUR`` in their province's zone, on working days,
  not in the quiet hours, at the latest ``LATE`` after it when the bot was down), one line when indicators
  handed in before that hour still wait: "Menunggu verifikasi: 15 indikator dari 3 kab/kota", with a button to
  ``/verifikasi``. Nothing when the queue is empty. Key ``antrean:<province>:<local date>:<user>``: once a day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot.core import zones
from bot.core.clock import Clock
from bot.core.i18n import Translator, translator
from bot.core.models import Outbox, Role, RoleBinding
from bot.core.settings import Settings
from bot.domain import decisions
from bot.domain.cycles import current_cycle
from bot.domain.language import reader_language
from bot.domain.verification import waiting
from bot.messaging.buttons import stored
from bot.messaging.ledger import enqueue
from bot.reference import provinces
from bot.render import Reply
from bot.render.verification import pic_notice, queue_line
from bot.views.review import QueueLineView, review_notice
from schedules.planner import policy_from
from schedules.policy import Policy

LATE = timedelta(hours=3)  # a daily line the bot could not send at the hour goes out until this much later


def _row(key: str, chat_id: int, reply: Reply, now: datetime) -> dict[str, object]:
    return dict(key=key, chat_id=chat_id, text=reply.text, buttons=stored(reply.buttons), due_at=now)


def _pics(session: Session, region_code: str) -> list[int]:
    return sorted(session.exec(select(RoleBinding.user_id).where(
        RoleBinding.role == Role.PIC.value, RoleBinding.target_code == region_code)).all())


def enqueue_notices(session: Session, clock: Clock, settings: Settings, t: Translator) -> int:
    """Queue the PIC's message for every kab/kota whose review sitting is over; how many rows were queued."""
    now = clock.now()
    rows: list[dict[str, object]] = []
    for code in decisions.regions_due(session, now - timedelta(minutes=settings.review_batch_minutes)):
        batch = decisions.take_batch(session, code)
        view = review_notice(session, batch) if batch is not None else None
        if batch is None or view is None:
            continue
        replies: dict[str, Reply] = {}  # one rendering per language the PICs read
        for user in _pics(session, code):
            locale = reader_language(session, user, t.locale)
            if locale not in replies:
                replies[locale] = pic_notice(t if locale == t.locale else translator(locale), view)
            rows.append(_row(f"review:{code}:{batch.number}:{user}", user, replies[locale], now))
    return enqueue(session, rows)


def line_moment(now: datetime, zone: str, policy: Policy) -> datetime | None:
    """Today's reminder hour in ``zone`` when the daily line is due now (a working day, the hour passed, not
    more than ``LATE`` ago, not in the quiet hours); else None."""
    local = now.astimezone(zones.zone(zone))
    if not policy.is_working_day(local.date()):
        return None
    moment = policy.morning_of(local.date(), zone)
    if not moment <= local < moment + LATE or policy.in_quiet_hours(local.time()):
        return None
    return moment


def enqueue_queue_lines(session: Session, clock: Clock, settings: Settings, t: Translator) -> int:
    """Queue today's line for every staf whose province's reminder hour has come and whose queue holds
    indicators handed in before it."""
    now, policy = clock.now(), policy_from(settings)
    staff: dict[str, list[int]] = {}
    for b in session.exec(select(RoleBinding).where(RoleBinding.role == Role.STAF.value)):
        if b.target_code in provinces():
            staff.setdefault(b.target_code, []).append(b.user_id)
    rows: list[dict[str, object]] = []
    cycle = None
    for code, users in sorted(staff.items()):
        province = provinces()[code]
        moment = line_moment(now, province.timezone, policy)
        if moment is None:
            continue
        keys = {u: f"antrean:{code}:{moment.date().isoformat()}:{u}" for u in sorted(set(users))}
        known = set(session.exec(select(Outbox.key).where(col(Outbox.key).in_(list(keys.values())))))
        todo = [u for u, k in keys.items() if k not in known]
        if not todo:
            continue
        cycle = cycle or current_cycle(session, clock, settings.cycle)
        view = QueueLineView(province, waiting(session, cycle, province, handed_in_before=moment))
        if not view.waiting.total:
            continue
        replies: dict[str, Reply] = {}
        for user in todo:
            locale = reader_language(session, user, t.locale)
            if locale not in replies:
                replies[locale] = queue_line(t if locale == t.locale else translator(locale), view)
            rows.append(_row(keys[user], user, replies[locale], now))
    return enqueue(session, rows)

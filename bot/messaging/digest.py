"""The weekly digest to each province's staf (Monday 08:00 local by default): regions behind, checklist
changes of the week, reminders nobody answered, events of the next two weeks. Queued in the outbox under a
key per (province, ISO week, person), so it goes out once a week even across restarts; a bot that was down
on Monday sends it when it comes back that week."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, col, select

from bot.core.clock import Clock
from bot.core.i18n import Translator, translator
from bot.core.models import Outbox, Role, RoleBinding
from bot.core.settings import Settings
from bot.domain.checklist import Thresholds
from bot.domain.language import reader_language
from bot.messaging.ledger import enqueue
from bot.reference import provinces
from bot.views.digest import DigestView, build, due_week
from schedules.planner import policy_from


def enqueue_due(session: Session, clock: Clock, settings: Settings, thresholds: Thresholds, t: Translator,
                render: Callable[[Translator, DigestView], str]) -> int:
    """Queue this week's digest for every staf whose province's digest moment has passed."""
    staff: dict[str, list[int]] = {}
    for b in session.exec(select(RoleBinding).where(RoleBinding.role == Role.STAF.value)):
        staff.setdefault(b.target_code, []).append(b.user_id)
    rows: list[dict[str, object]] = []
    for code, users in sorted(staff.items()):
        province = provinces()[code]
        week = due_week(clock.now(), province.timezone, settings.digest_weekday, settings.digest_time,
                        policy_from(settings).is_working_day)
        if week is None:
            continue
        keys = {u: f"digest:{code}:{week}:{u}" for u in users}
        known = set(session.exec(select(Outbox.key).where(col(Outbox.key).in_(list(keys.values())))))
        todo = [u for u, k in keys.items() if k not in known]
        if not todo:
            continue
        view = build(session, clock, settings, province, thresholds)
        texts: dict[str, str] = {}  # one rendering per language the staf read
        for u in todo:
            locale = reader_language(session, u, t.locale)
            if locale not in texts:
                texts[locale] = render(t if locale == t.locale else translator(locale), view)
            rows.append(dict(key=keys[u], chat_id=u, text=texts[locale], due_at=clock.now()))
    # written at the end, in one statement: SQLite has one writer, and the bot's event loop must not wait
    # on a lock held while every province's digest is being put together
    return enqueue(session, rows)

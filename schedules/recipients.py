"""Who is reminded of an event, and what each of them still has to do.

A chat bound to a kab/kota covers that kab/kota; a chat bound to a province covers its kab/kota.
For a KKP HAM deadline a kab/kota has work while its checklist is incomplete; for an Aksi HAM
window while an action of that period is not reported (handed in or complete: ``bot.domain.aksi_grid``), and
the reminder names those actions; for everything else (a rakor...) always.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bot.core.clock import Clock
from bot.core.models import Event, EventKind, ScopeKind, Subscription
from bot.core.settings import get_settings
from bot.domain.aksi_grid import outstanding
from bot.domain.catalog import active_indicators
from bot.domain.checklist import complete_counts
from bot.domain.cycles import current_cycle
from bot.domain.subscriptions import active_subscriptions, of_chat
from bot.reference import RegionRef, provinces, regions
from schedules.calendar import Scope, scope_of


@dataclass(frozen=True)
class RegionWork:
    region: RegionRef
    has_work: bool
    missing: int = 0  # KKP HAM: indicators not complete; Aksi HAM: actions not reported or incomplete
    total: int = 0  # KKP HAM: indicators; Aksi HAM: actions of the year
    unreported: tuple[int, ...] = ()  # Aksi HAM: the actions with no report for the window's period
    incomplete: tuple[int, ...] = ()  # Aksi HAM: those the Kanwil found incomplete


@dataclass(frozen=True)
class Recipient:
    chat_id: int
    zone: str
    work: tuple[RegionWork, ...]  # the kab/kota in scope this chat speaks for
    since: datetime | None = None  # since when the chat has been bound to one of them: nothing is due before

    @property
    def needs_reminder(self) -> bool:
        return any(w.has_work for w in self.work)

    @property
    def pending(self) -> tuple[RegionWork, ...]:
        return tuple(w for w in self.work if w.has_work)


@dataclass
class Coverage:
    zone: str  # of the chat's first binding
    regions: list[RegionRef]  # the kab/kota of the scope the chat is bound to
    since: datetime  # the earliest of those bindings


def covered_regions(session: Session, scope: Scope, chats: int | Collection[int] | None = None
                    ) -> dict[int, Coverage]:
    """chat id -> what it covers of the scope, for every (or one, or some) active chat."""
    in_scope = scope.region_codes()
    out: dict[int, Coverage] = {}
    if isinstance(chats, int):
        subs = of_chat(session, chats)
    elif chats is not None:
        subs = list(session.exec(select(Subscription).where(
            Subscription.active, col(Subscription.chat_id).in_(sorted(chats))).order_by(col(Subscription.id))))
    elif scope.kind is ScopeKind.NATIONAL:
        subs = active_subscriptions(session)
    else:  # only the chats bound to these kab/kota or their provinces (a province's rakor: a few rows)
        wanted = in_scope | {regions()[c].province_code for c in in_scope}
        subs = list(session.exec(select(Subscription).where(
            Subscription.active, col(Subscription.target_code).in_(sorted(wanted))).order_by(col(Subscription.id))))
    for sub in subs:
        code = sub.target_code
        if code in provinces():
            members = [r for r in regions().values() if r.province_code == code and r.code in in_scope]
            zone = provinces()[code].timezone
        else:
            members = [regions()[code]] if code in in_scope else []
            zone = regions()[code].timezone
        if not members:
            continue
        seen = out.setdefault(sub.chat_id, Coverage(zone, [], sub.created_at))
        seen.regions.extend(r for r in members if r not in seen.regions)
        seen.since = min(seen.since, sub.created_at)
    return out


def work_of(session: Session, clock: Clock, event: Event, codes: set[str], cycle_setting: str | None,
            aksi_actions: int | None = None) -> dict[str, RegionWork]:
    """``aksi_actions``: ``PANTAU_AKSI_ACTIONS`` (None: read from the environment, for callers without
    settings at hand)."""
    if event.kind == EventKind.KKPHAM:
        total = len(active_indicators(session))
        done = complete_counts(session, current_cycle(session, clock, cycle_setting), codes)
        return {c: RegionWork(regions()[c], total == 0 or done[c] < total, total - done[c], total) for c in codes}
    if event.kind == EventKind.AKSIHAM and event.period:
        year = (event.end_date or event.start_date).year
        default = aksi_actions if aksi_actions is not None else get_settings().aksi_actions
        left = outstanding(session, year, event.period, codes, default)
        return {c: RegionWork(regions()[c], w.has_work, len(w.unreported) + len(w.incomplete), w.total,
                              w.unreported, w.incomplete) for c, w in left.items()}
    return {c: RegionWork(regions()[c], True) for c in codes}


def recipients(session: Session, clock: Clock, event: Event, cycle_setting: str | None,
               only_chat: int | Collection[int] | None = None, aksi_actions: int | None = None) -> list[Recipient]:
    covered = covered_regions(session, scope_of(event), only_chat)
    codes = {r.code for c in covered.values() for r in c.regions}
    work = work_of(session, clock, event, codes, cycle_setting, aksi_actions)
    return [
        Recipient(chat_id, c.zone, tuple(work[r.code] for r in sorted(c.regions, key=lambda r: r.code)), c.since)
        for chat_id, c in sorted(covered.items())
    ]


def chat_zone(session: Session, chat_id: int, default: str) -> str:
    """The zone a chat lives in: that of the first kab/kota or province it is bound to."""
    return chat_zones(session, {chat_id: default})[chat_id]


def chat_zones(session: Session, defaults: Mapping[int, str]) -> dict[int, str]:
    """:func:`chat_zone` of several chats (``defaults``: chat -> its zone when it is bound to nothing), in one
    query: the planner asks it for every reader of every event."""
    out = dict(defaults)
    if not defaults:
        return out
    found: set[int] = set()
    for sub in session.exec(select(Subscription).where(col(Subscription.chat_id).in_(sorted(defaults)),
                                                       Subscription.active).order_by(col(Subscription.id))):
        if sub.chat_id in found:
            continue  # the first binding decides, as of_chat lists them
        place = provinces().get(sub.target_code) or regions().get(sub.target_code)
        if place is not None:
            out[sub.chat_id] = place.timezone
            found.add(sub.chat_id)
    return out

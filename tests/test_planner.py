"""The ledger: idempotent planning, only regions with work, edits and cancellations."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from bot.core.models import IndicatorState, Reminder
from bot.domain.aksi import record_report
from bot.domain.checklist import set_state
from bot.domain.subscriptions import subscribe
from bot.reference import provinces, regions
from schedules.calendar import parse_line
from schedules.events import add, cancel, confirm, edit, move
from schedules.planner import sync_all

TAPIN, HSS, KALSEL = regions()["63.05"], regions()["63.06"], provinces()["63"]
TAPIN_CHAT, HSS_CHAT, KALSEL_GROUP = 5001, 5002, -1005


def rows(rt, **where):
    with rt.session() as session:
        found = session.exec(select(Reminder).order_by(Reminder.chat_id, Reminder.due_at)).all()
    return [r for r in found if all(getattr(r, k) == v for k, v in where.items())]


def setup_chats(rt):
    with rt.session() as session:
        subscribe(session, rt.clock, TAPIN_CHAT, TAPIN, 111)
        subscribe(session, rt.clock, HSS_CHAT, HSS, 111)
        subscribe(session, rt.clock, KALSEL_GROUP, KALSEL, 111)


def create(rt, line):
    with rt.session() as session:
        return add(session, rt.clock, rt.settings, parse_line(line), 111).id


def test_planning_is_idempotent(catalog):
    setup_chats(catalog)
    create(catalog, "rakor Kalsel 2024-02-15 09:00 Rakor data dukung")
    first = [(r.chat_id, r.offset_key, r.due_at) for r in rows(catalog)]
    for _ in range(3):
        with catalog.session() as session:
            assert sync_all(session, catalog.clock, catalog.settings) == 0
    assert [(r.chat_id, r.offset_key, r.due_at) for r in rows(catalog)] == first
    chats = {r.chat_id for r in rows(catalog)}
    assert chats == {TAPIN_CHAT, HSS_CHAT, KALSEL_GROUP, 111}  # 111: the admin's escalation
    tapin = [r.offset_key for r in rows(catalog, chat_id=TAPIN_CHAT)]
    assert tapin == ["7d", "3d", "1d", "2h", "0d"]


def test_offsets_already_past_when_created_are_not_planned(catalog):
    setup_chats(catalog)
    create(catalog, "rakor Tapin 2024-01-30 09:00 Rakor mendadak")  # clock: Thursday 25 Jan 2024, 10:00 WITA
    # 7d (23 Jan) is past; 3d (Saturday 27) moves to Friday 26
    assert [r.offset_key for r in rows(catalog, chat_id=TAPIN_CHAT)] == ["3d", "1d", "2h", "0d"]


def test_kkp_deadline_reminds_only_incomplete_regions(catalog):
    setup_chats(catalog)
    with catalog.session() as session:
        cycle = catalog.cycle(session)
        for c in range(1, 11):
            for i in range(1, 13):
                set_state(session, catalog.clock, cycle, HSS, f"{c}.{i:02d}", IndicatorState.LENGKAP, 111)
    create(catalog, "kkpham Kalsel 2024-03-31 Batas data dukung")
    assert rows(catalog, chat_id=HSS_CHAT) == []
    assert rows(catalog, chat_id=TAPIN_CHAT)
    assert rows(catalog, chat_id=KALSEL_GROUP)  # the province group still has regions with work


def test_aksi_window_reminds_only_those_who_have_not_reported(catalog):
    setup_chats(catalog)
    with catalog.session() as session:
        record_report(session, catalog.clock, TAPIN, 2024, "B04", 90, 111)
    create(catalog, "aksiham Kalsel 2024-04-28..2024-05-06 Pelaporan Aksi HAM B04")
    assert rows(catalog, chat_id=TAPIN_CHAT) == []
    assert rows(catalog, chat_id=HSS_CHAT)


def test_a_short_window_is_reminded_of_its_opening_not_of_its_close_before_it_opens(catalog):
    setup_chats(catalog)
    # Monday 4 to Wednesday 6 March 2024: the close's H-7 and H-3 would come before it opens
    create(catalog, "aksiham Kalsel 2024-03-04..2024-03-06 Pelaporan Aksi HAM B04")
    tapin = [(r.offset_key, r.due_at) for r in rows(catalog, chat_id=TAPIN_CHAT)]
    assert tapin == [("open-3d", datetime(2024, 3, 1, 0, 0, tzinfo=UTC)),  # Friday 08:00 WITA
                     ("open-0d", datetime(2024, 3, 4, 0, 0, tzinfo=UTC)),  # the opening morning
                     ("1d", datetime(2024, 3, 5, 0, 0, tzinfo=UTC)), ("0d", datetime(2024, 3, 6, 0, 0, tzinfo=UTC))]
    assert {r.offset_key for r in rows(catalog, chat_id=111)} == {"escalate"}  # none tied to the opening


def test_moving_a_window_moves_its_opening_reminders(catalog):
    setup_chats(catalog)
    event_id = create(catalog, "aksiham Kalsel 2024-03-04..2024-03-06 Pelaporan Aksi HAM B04")
    with catalog.session() as session:
        move(session, catalog.clock, catalog.settings, event_id, datetime(2024, 3, 18).date(), None)
    pending = [(r.offset_key, r.due_at) for r in rows(catalog, chat_id=TAPIN_CHAT, status="pending")]
    assert pending[:2] == [("open-3d", datetime(2024, 3, 15, 0, 0, tzinfo=UTC)),
                           ("open-0d", datetime(2024, 3, 18, 0, 0, tzinfo=UTC))]
    assert {r.status for r in rows(catalog, chat_id=TAPIN_CHAT, event_version=1)} == {"cancelled"}


def test_editing_offsets_replans_and_cancels_the_rest(catalog):
    setup_chats(catalog)
    event_id = create(catalog, "rakor Tapin 2024-02-15 09:00 Rakor")
    with catalog.session() as session:
        edit(session, catalog.clock, catalog.settings, event_id, "ingatkan", "1d,15m")
    pending = [r.offset_key for r in rows(catalog, chat_id=TAPIN_CHAT, status="pending")]
    assert pending == ["1d", "15m"]
    assert len(rows(catalog, chat_id=TAPIN_CHAT, status="cancelled")) == 4  # 7d, 3d, 2h, 0d


def test_moving_an_event_cancels_old_reminders_and_plans_new_ones(catalog):
    setup_chats(catalog)
    event_id = create(catalog, "rakor Tapin 2024-02-15 09:00 Rakor")
    with catalog.session() as session:
        event, changed = move(session, catalog.clock, catalog.settings, event_id,
                              datetime(2024, 2, 22).date(), datetime(2024, 1, 1, 10, 30).time())
    assert changed and event.version == 2
    old = rows(catalog, chat_id=TAPIN_CHAT, event_version=1)
    new = rows(catalog, chat_id=TAPIN_CHAT, event_version=2)
    assert {r.status for r in old} == {"cancelled"}
    assert [r.offset_key for r in new] == ["7d", "3d", "1d", "0d", "2h"]  # 2h: 08:30
    assert new[-2].due_at == datetime(2024, 2, 22, 0, 0, tzinfo=UTC)


def test_drafts_send_nothing_until_confirmed(catalog):
    from schedules.template import load_template

    setup_chats(catalog)
    with catalog.session() as session:
        drafts = load_template(session, catalog.clock, 2024, "Asia/Jakarta", None)
        assert sync_all(session, catalog.clock, catalog.settings) == 0
    assert rows(catalog) == []
    rakor_b08 = next(e for e in drafts if e.title == "Rakor Aksi HAM B08 2024" and e.scope_codes == "63")
    with catalog.session() as session:
        confirm(session, catalog.clock, catalog.settings, rakor_b08.id)
    assert rows(catalog, chat_id=TAPIN_CHAT)


def test_cancelling_cancels_everything_pending(catalog):
    setup_chats(catalog)
    event_id = create(catalog, "rakor Tapin 2024-02-15 09:00 Rakor")
    with catalog.session() as session:
        cancel(session, catalog.clock, catalog.settings, event_id)
    assert {r.status for r in rows(catalog)} == {"cancelled"}  # nobody was reminded yet: no notices either


def test_unsubscribed_chat_loses_its_pending_reminders(catalog):
    from bot.domain.subscriptions import deactivate_chat

    setup_chats(catalog)
    create(catalog, "rakor Tapin 2024-02-15 09:00 Rakor")
    with catalog.session() as session:
        deactivate_chat(session, TAPIN_CHAT)
        sync_all(session, catalog.clock, catalog.settings)
    assert {r.status for r in rows(catalog, chat_id=TAPIN_CHAT)} == {"cancelled"}


def test_escalation_also_reaches_the_provinces_staf(catalog):
    from tests.conftest import grant

    grant(catalog, 333, "staf", "63")
    grant(catalog, 334, "staf", "64")
    setup_chats(catalog)
    create(catalog, "rakor Tapin 2024-02-15 09:00 Rakor")
    assert sorted(r.chat_id for r in rows(catalog, offset_key="escalate")) == [111, 333]

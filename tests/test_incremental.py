"""Incremental planning (only what changed) and the wake-up that brings dispatch forward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.core import wakeup
from bot.core.models import Event, IndicatorState, Reminder, ReminderStatus, Subscription
from bot.domain.checklist import set_state
from bot.domain.subscriptions import subscribe
from bot.reference import regions
from schedules.incremental import IncrementalPlanner, plan_now
from schedules.planner import ESCALATE, Planned, insert_rows, sync_all
from tests.conftest import grant
from tests.test_planner import TAPIN, TAPIN_CHAT, create, rows, setup_chats


def test_nothing_changed_plans_nothing_and_an_edit_plans_only_that_event(catalog):
    setup_chats(catalog)
    create(catalog, "rakor Kalsel 2024-06-19 09:00 Rakor satu")
    create(catalog, "kkpham Kalsel 2024-06-30 Tenggat KKP HAM")
    planner = IncrementalPlanner()
    first = plan_now(catalog, planner)
    assert first.full and first.planned == 2
    planned = len(rows(catalog))
    again = plan_now(catalog, planner)
    assert (again.planned, again.added) == (0, 0)
    with catalog.session() as session:  # a new event, written behind the planner's back
        from schedules.calendar import parse_line
        from schedules.events import add

        add(session, catalog.clock, catalog.settings, parse_line("rakor Tapin 2024-07-02 09:00 Rakor dua"), 111)
    third = plan_now(catalog, planner)
    assert not third.full and third.planned == 1
    assert len(rows(catalog)) > planned


def test_a_checklist_change_replans_the_kkp_ham_deadlines_only(catalog):
    setup_chats(catalog)
    create(catalog, "rakor Kalsel 2024-06-19 09:00 Rakor satu")
    create(catalog, "kkpham Kalsel 2024-06-30 Tenggat KKP HAM")
    planner = IncrementalPlanner()
    plan_now(catalog, planner)
    with catalog.session() as session:
        set_state(session, catalog.clock, catalog.cycle(session), TAPIN, "1.01", IndicatorState.LENGKAP, 111)
    report = plan_now(catalog, planner)
    assert not report.full and report.planned == 1


def test_a_new_subscription_replans_only_the_events_its_region_is_in_and_reaches_the_new_chat(catalog):
    create(catalog, "rakor Kalsel 2024-06-19 09:00 Rakor Kalsel")
    create(catalog, "rakor Jabar 2024-06-20 09:00 Rakor Jawa Barat")
    create(catalog, "kkpham nasional 2024-06-30 Tenggat KKP HAM")
    planner = IncrementalPlanner()
    plan_now(catalog, planner)
    assert rows(catalog, chat_id=7007) == []
    with catalog.session() as session:
        subscribe(session, catalog.clock, 7007, regions()["63.05"], 111)
    report = plan_now(catalog, planner)
    assert not report.full and report.planned == 2  # Kalsel's rakor and the national deadline, not Jawa Barat's
    with catalog.session() as session:
        titles = {session.get(Event, r.event_id).title for r in rows(catalog, chat_id=7007)}
    assert titles == {"Rakor Kalsel", "Tenggat KKP HAM"}
    assert_same_as_planning_everything(catalog)


def assert_same_as_planning_everything(rt) -> None:
    """What planning only the changed chats left is what re-planning every event would leave."""
    def ledger():
        return sorted((r.event_id, r.chat_id, r.offset_key, r.due_at, r.status) for r in rows(rt))

    before = ledger()
    with rt.session() as session:
        assert sync_all(session, rt.clock, rt.settings) == 0
    assert ledger() == before


def test_an_ended_subscription_cancels_that_chats_reminders_at_the_next_plan(catalog):
    setup_chats(catalog)
    create(catalog, "rakor Kalsel 2024-06-19 09:00 Rakor Kalsel")
    planner = IncrementalPlanner()
    plan_now(catalog, planner)
    assert rows(catalog, chat_id=TAPIN_CHAT)
    with catalog.session() as session:
        for sub in session.exec(select(Subscription).where(Subscription.chat_id == TAPIN_CHAT)):
            sub.active = False
    report = plan_now(catalog, planner)
    assert not report.full and report.planned == 1
    assert {r.status for r in rows(catalog, chat_id=TAPIN_CHAT)} == {ReminderStatus.CANCELLED.value}
    assert_same_as_planning_everything(catalog)


def test_a_new_staf_replans_their_provinces_events_so_they_hear_the_escalation(catalog):
    setup_chats(catalog)
    create(catalog, "rakor Kalsel 2024-06-19 09:00 Rakor Kalsel")
    create(catalog, "rakor Jabar 2024-06-20 09:00 Rakor Jawa Barat")
    planner = IncrementalPlanner()
    plan_now(catalog, planner)
    grant(catalog, 4242, "staf", "63")
    report = plan_now(catalog, planner)
    assert not report.full and report.planned == 1
    assert [r.offset_key for r in rows(catalog, chat_id=4242)] == [ESCALATE]
    assert_same_as_planning_everything(catalog)


def test_a_new_day_replans_nothing_and_a_new_award_year_replans_everything(catalog):
    setup_chats(catalog)
    create(catalog, "rakor Kalsel 2024-06-19 09:00 Rakor Kalsel")
    create(catalog, "kkpham Kalsel 2024-06-30 Tenggat KKP HAM")
    settings = catalog.settings.model_copy(update={"cycle": None})  # the cycle follows the calendar
    planner = IncrementalPlanner()

    def plan():
        with catalog.session() as session:
            report = planner.sync(session, catalog.clock, settings)
        planner.accept()
        return report

    assert plan().full
    catalog.clock.advance(timedelta(days=1))
    next_day = plan()
    assert (next_day.planned, next_day.full) == (0, False)
    catalog.clock.set(datetime(2025, 1, 2, 1, 0, tzinfo=UTC))  # 2025: the KKP HAM cycle awarded in 2025 begins
    assert plan().full


class Listener:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


def test_new_due_rows_wake_the_dispatcher_once_committed(catalog):
    setup_chats(catalog)
    event_id = create(catalog, "rakor Kalsel 2024-06-19 09:00 Rakor satu")
    listener = Listener()
    wakeup.listen(listener.__call__)
    try:
        now = catalog.clock.now()
        try:
            with catalog.session() as session:
                event = session.get(Event, event_id)
                insert_rows(session, event, [Planned(5001, "snooze-a", now, now + timedelta(days=1))])
                assert listener.calls == 0  # not before the commit ...
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        assert listener.calls == 0  # ... nor after a rollback
        with catalog.session() as session:
            event = session.get(Event, event_id)
            insert_rows(session, event, [Planned(5001, "snooze-b", now, now + timedelta(days=1))])
        assert listener.calls == 1
        with catalog.session() as session:
            assert session.exec(select(Reminder).where(Reminder.offset_key == "snooze-b")).one()
    finally:
        wakeup.forget(listener.__call__)


async def test_the_dispatch_timer_sleeps_until_the_next_due_row(bot):
    rt = bot.runtime
    (timer,) = bot.app.bot_data["timers"]  # one delivery engine, one timer for the ledger and the outbox
    assert timer._delay() == rt.settings.tick_seconds  # nothing due in either
    setup_chats(rt)
    event_id = create(rt, "rakor Kalsel 2028-06-19 09:00 Rakor jauh")
    with rt.session() as session:  # only far-away rows: sleep a whole tick, then look again
        for r in session.exec(select(Reminder)):
            session.delete(r)
    assert timer._delay() == rt.settings.tick_seconds
    now = rt.clock.now()
    with rt.session() as session:
        event = session.get(Event, event_id)
        insert_rows(session, event, [Planned(5001, "snooze-x", now + timedelta(seconds=7), now + timedelta(days=1))])
    assert timer._delay() == 7.0
    with rt.session() as session:
        event = session.get(Event, event_id)
        insert_rows(session, event, [Planned(5001, "snooze-y", now - timedelta(seconds=3), now + timedelta(days=1))])
    assert timer._delay() == 0.0


def test_planning_and_the_national_overview_on_postgresql(pg_url, clock):
    from bot.domain.catalog import import_sample
    from bot.domain.checklist import national_progress, region_progress
    from bot.domain.runtime import Runtime
    from tests.conftest import make_settings

    rt = Runtime.start(make_settings(pg_url), clock)
    try:
        with rt.session() as session:
            import_sample(session, rt.clock)
            set_state(session, rt.clock, rt.cycle(session), TAPIN, "1.01", IndicatorState.LENGKAP, 111)
        setup_chats(rt)
        create(rt, "kkpham Kalsel 2024-06-30 Tenggat KKP HAM")
        planner = IncrementalPlanner()
        assert plan_now(rt, planner).full and rows(rt)
        assert plan_now(rt, planner).planned == 0
        with rt.session() as session:
            national = national_progress(session, rt.cycle(session), rt.thresholds)
            tapin = region_progress(session, rt.cycle(session), TAPIN, rt.thresholds)
        assert national.regions == 514 and len(national.provinces) == 38
        assert tapin.complete == 1 and tapin.last_updated is not None
    finally:
        rt.engine.dispose()

"""Incremental planning (only what changed) and the wake-up that brings dispatch forward."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.checklist import set_state
from bot.models import Event, IndicatorState, Reminder
from bot.reference import regions
from bot.subscriptions import subscribe
from schedules import wakeup
from schedules.incremental import IncrementalPlanner, plan_now
from schedules.planner import Planned, insert_rows
from tests.test_planner import TAPIN, create, rows, setup_chats


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


def test_a_new_subscription_replans_everything_and_reaches_the_new_chat(catalog):
    create(catalog, "rakor Kalsel 2024-06-19 09:00 Rakor satu")
    planner = IncrementalPlanner()
    plan_now(catalog, planner)
    assert rows(catalog, chat_id=7007) == []
    with catalog.session() as session:
        subscribe(session, catalog.clock, 7007, regions()["63.05"], 111)
    report = plan_now(catalog, planner)
    assert report.full
    assert rows(catalog, chat_id=7007)


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
    timer, outbox_timer = bot.app.bot_data["timers"]
    assert outbox_timer._delay() == rt.settings.tick_seconds  # nothing in the outbox
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
    from bot.catalog import import_sample
    from bot.checklist import national_progress, region_progress
    from bot.runtime import Runtime
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

"""The weekly digest: due on Monday 08:00 in the province's zone, once a week, with what staf need."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlmodel import select

from bot.core.models import IndicatorState, Outbox, Reminder
from bot.domain.checklist import set_state
from bot.domain.subscriptions import subscribe
from bot.messaging.digest import enqueue_due
from bot.messaging.engine import DeliveryEngine
from bot.reference import provinces, regions
from bot.render.digest import digest as render_digest
from bot.views.digest import build, due_week
from schedules.calendar import parse_line
from schedules.events import add
from schedules.policy import Policy
from tests.conftest import STAF, grant
from tests.fakes import RecordingSender

KALSEL = provinces()["63"]
MONDAY_0759_WITA = datetime(2024, 1, 28, 23, 59, tzinfo=UTC)
MONDAY_0800_WITA = datetime(2024, 1, 29, 0, 0, tzinfo=UTC)


def test_due_week():
    assert due_week(MONDAY_0759_WITA, "Asia/Makassar", 0, time(8, 0)) is None
    assert due_week(MONDAY_0800_WITA, "Asia/Makassar", 0, time(8, 0)) == "2024-W05"
    # the same instant is still Sunday 23:59 in Papua? no: 08:59 WIT Monday, due there too
    assert due_week(MONDAY_0759_WITA, "Asia/Jayapura", 0, time(8, 0)) == "2024-W05"
    # 06:59 WIB: not yet in Sumatra
    assert due_week(MONDAY_0759_WITA, "Asia/Jakarta", 0, time(8, 0)) is None


def test_a_missed_digest_waits_for_a_working_day_of_its_week():
    """First started on a Saturday (or down on Monday until the weekend): no digest that day; next week's comes
    on Monday. Missed on a Monday that is a holiday, it comes on the next working day of that week."""
    working = Policy().is_working_day
    saturday = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)  # Saturday 5 December 2026, 10.00 WITA
    assert due_week(saturday, "Asia/Makassar", 0, time(8, 0)) == "2026-W49"  # without the rule: sent on Saturday
    assert due_week(saturday, "Asia/Makassar", 0, time(8, 0), working) is None
    assert due_week(saturday + timedelta(days=2), "Asia/Makassar", 0, time(8, 0), working) == "2026-W50"
    tuesday = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 1 December: Monday's was missed, a working day
    assert due_week(tuesday, "Asia/Makassar", 0, time(8, 0), working) == "2026-W49"
    new_year = datetime(2024, 1, 1, 2, 0, tzinfo=UTC)  # Monday 1 January 2024, a holiday: the next day instead
    assert due_week(new_year, "Asia/Makassar", 0, time(8, 0), working) is None
    assert due_week(new_year + timedelta(days=1), "Asia/Makassar", 0, time(8, 0), working) == "2024-W01"


async def test_digest_content_and_once_a_week(catalog):
    rt = catalog
    grant(rt, STAF, "staf", "63")
    tapin, hss = regions()["63.05"], regions()["63.06"]
    with rt.session() as session:
        subscribe(session, rt.clock, 5001, tapin, STAF)
        cycle = rt.cycle(session)
        for i in range(1, 13):
            set_state(session, rt.clock, cycle, hss, f"1.{i:02d}", IndicatorState.LENGKAP, STAF)
        add(session, rt.clock, rt.settings, parse_line("rakor Kalsel 2024-02-02 09:00 Rakor evaluasi B12"), STAF)
        add(session, rt.clock, rt.settings, parse_line("kkpham Kalsel 2024-03-31 Batas data dukung"), STAF)
    # the rakor's 7d reminder (Friday 26 Jan, 08:00 WITA) goes out and nobody answers
    rt.clock.set(datetime(2024, 1, 26, 0, 0, tzinfo=UTC))
    await DeliveryEngine(rt.engine, rt.clock, lambda: rt.settings, RecordingSender()).run_once()

    rt.clock.set(MONDAY_0759_WITA)
    with rt.session() as session:
        assert enqueue_due(session, rt.clock, rt.settings, rt.thresholds, rt.t, render_digest) == 0
    rt.clock.set(MONDAY_0800_WITA)
    with rt.session() as session:
        view = build(session, rt.clock, rt.settings, KALSEL, rt.thresholds)
        assert enqueue_due(session, rt.clock, rt.settings, rt.thresholds, rt.t, render_digest) == 1
        assert enqueue_due(session, rt.clock, rt.settings, rt.thresholds, rt.t, render_digest) == 0
        (row,) = session.exec(select(Outbox)).all()
    assert row.chat_id == STAF and row.key == "digest:63:2024-W05:333"
    assert view.changes == {"63.06": 12}
    assert [(e.title, r.code) for e, r in view.unanswered] == [("Rakor evaluasi B12", "63.05")]
    assert [e.title for e in view.events] == ["Rakor evaluasi B12"]  # the March deadline is beyond 2 weeks
    text = row.text
    assert "Ringkasan mingguan: Provinsi Kalimantan Selatan" in text
    assert "• Kab. Hulu Sungai Selatan: 12 perubahan" in text
    assert "• Kab. Tapin: Rakor evaluasi B12" in text
    assert "Rakor evaluasi B12: Jumat, 2 Februari 2024 pukul 09.00 WITA" in text
    assert "<b>Perlu pendampingan</b>" in text


def test_each_staf_reads_the_digest_in_their_language(catalog):
    from bot.domain.language import choose_language

    rt = catalog
    grant(rt, STAF, "staf", "63")
    grant(rt, 334, "staf", "63")
    with rt.session() as session:
        choose_language(session, rt.clock, 334, "Staf", None, "en")
    rt.clock.set(MONDAY_0800_WITA)
    with rt.session() as session:
        assert enqueue_due(session, rt.clock, rt.settings, rt.thresholds, rt.t, render_digest) == 2
        texts = {r.chat_id: r.text for r in session.exec(select(Outbox))}
    assert "Ringkasan mingguan: Provinsi Kalimantan Selatan" in texts[STAF]
    assert "Weekly digest: Kalimantan Selatan" in texts[334]


async def test_unanswered_reminders_of_a_province_group_count_every_kab_kota_but_those_that_answered(catalog):
    """A group bound to the whole province was reminded for its 13 kab/kota and did not answer: each of them is
    unanswered in the digest, except Tapin, whose own group answered."""
    from sqlmodel import col

    from bot.core.models import Reminder

    rt = catalog
    grant(rt, STAF, "staf", "63")
    tapin = regions()["63.05"]
    with rt.session() as session:
        subscribe(session, rt.clock, 5001, tapin, STAF)
        subscribe(session, rt.clock, 5002, KALSEL, STAF)
        add(session, rt.clock, rt.settings, parse_line("rakor Kalsel 2024-02-02 09:00 Rakor evaluasi B12"), STAF)
    rt.clock.set(datetime(2024, 1, 26, 0, 0, tzinfo=UTC))  # the 7d reminders go out (Friday 08.00 WITA)
    await DeliveryEngine(rt.engine, rt.clock, lambda: rt.settings, RecordingSender()).run_once()
    with rt.session() as session:  # Tapin's own group answers
        for row in session.exec(select(Reminder).where(Reminder.chat_id == 5001, col(Reminder.status) == "sent")):
            row.acknowledged_at, row.acknowledged_by = rt.clock.now(), STAF
    rt.clock.set(MONDAY_0800_WITA)
    with rt.session() as session:
        view = build(session, rt.clock, rt.settings, KALSEL, rt.thresholds)
    codes = {r.code for _e, r in view.unanswered}
    assert len(codes) == 12 and "63.05" not in codes and "63.06" in codes


async def test_a_reminder_sent_an_hour_before_the_digest_is_not_yet_unanswered(catalog):
    """Nobody could have answered yet: a reminder counts as unanswered after the two hours escalation also waits
    (``ESCALATION_DELAY``), so the Monday digest does not name a kab/kota reminded at 07.00 the same morning."""
    from schedules.planner import ESCALATION_DELAY

    rt = catalog
    grant(rt, STAF, "staf", "63")
    with rt.session() as session:
        subscribe(session, rt.clock, 5001, regions()["63.05"], STAF)
        add(session, rt.clock, rt.settings, parse_line("rakor Kalsel 2024-02-02 09:00 Rakor evaluasi B12"), STAF)
    rt.clock.set(MONDAY_0800_WITA - timedelta(hours=1))
    await DeliveryEngine(rt.engine, rt.clock, lambda: rt.settings, RecordingSender()).run_once()
    with rt.session() as session:  # the 7d reminder (due on Friday) leaves late, at 07.00 on Monday
        sent = session.exec(select(Reminder).where(Reminder.chat_id == 5001, Reminder.status == "sent")).all()
    assert sent and {row.sent_at for row in sent} == {rt.clock.now()}
    rt.clock.set(MONDAY_0800_WITA)
    with rt.session() as session:
        assert build(session, rt.clock, rt.settings, KALSEL, rt.thresholds).unanswered == ()
    rt.clock.set(MONDAY_0800_WITA - timedelta(hours=1) + ESCALATION_DELAY)
    with rt.session() as session:
        view = build(session, rt.clock, rt.settings, KALSEL, rt.thresholds)
    assert [(e.title, r.code) for e, r in view.unanswered] == [("Rakor evaluasi B12", "63.05")]

"""Events: the one-line form, scopes, periods, the yearly template, the .ics export."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from icalendar import Calendar

from bot.errors import UserError
from bot.models import EventStatus, ScopeKind
from schedules.calendar import load_template, parse_line, parse_scope, upcoming
from schedules.events import add
from schedules.ics import to_ics


def test_the_example_line():
    d = parse_line("rakor Kalsel 2025-06-19 09:00 Rakor Aksi HAM B08 | ingatkan 3d,1d,2h")
    assert (d.kind, d.scope.kind, d.scope.codes) == ("rakor", ScopeKind.PROVINCES, ("63",))
    assert (d.start_date, d.start_time, d.title, d.offsets) == (date(2025, 6, 19), time(9, 0), "Rakor Aksi HAM B08",
                                                               "3d,1d,2h")


def test_regions_with_spaces_windows_and_options():
    d = parse_line("aksiham Tanah Laut, HSS 2025-08-28..2025-09-05 Pelaporan Aksi HAM | lokasi SAPA-HAM | catatan x")
    assert d.scope == parse_scope("63.01,63.06")
    assert (d.start_date, d.end_date, d.start_time) == (date(2025, 8, 28), date(2025, 9, 5), None)
    assert (d.location, d.notes) == ("SAPA-HAM", "x")


@pytest.mark.parametrize("line", [
    "", "rakor Kalsel", "rapat Kalsel 2025-06-19 Judul", "rakor Kalsel 2025-13-40 Judul",
    "rakor 2025-06-19 Judul", "rakor Atlantis 2025-06-19 Judul", "rakor Mura 2025-06-19 Judul",
    "rakor Kalsel 2025-06-19 25:00 Judul", "rakor Kalsel 2025-06-19", "rakor Kalsel,Tapin 2025-06-19 Judul",
    "rakor Kalsel 2025-06-19 Judul | ingatkan 2h", "rakor Kalsel 2025-06-19 Judul | bunyi keras",
    "aksiham Kalsel 2025-09-05..2025-08-28 Judul",
])
def test_malformed_lines_are_refused(line):
    with pytest.raises(UserError):
        parse_line(line)


def test_national_scope_and_zone(runtime):
    draft = parse_line("hariham nasional 2025-12-10 Hari HAM")
    with runtime.session() as session:
        event = add(session, runtime.clock, runtime.settings, draft, 111)
    assert event.scope_kind == "nasional" and event.timezone == "Asia/Jakarta"
    with runtime.session() as session:
        event = add(session, runtime.clock, runtime.settings, parse_line("rakor Tapin 2025-06-19 09:00 R"), 111)
    assert event.timezone == "Asia/Makassar"
    assert event.starts_at == datetime(2025, 6, 19, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize("title,day,period", [
    ("Pelaporan Aksi HAM B08", date(2025, 5, 1), "B08"), ("Laporan b12", date(2025, 1, 1), "B12"),
    ("Pelaporan Aksi HAM", date(2025, 5, 6), "B04"), ("Pelaporan", date(2025, 9, 5), "B08"),
    ("Pelaporan", date(2025, 12, 5), "B12"),
])
def test_aksi_period(runtime, title, day, period):
    with runtime.session() as session:
        event = add(session, runtime.clock, runtime.settings, parse_line(f"aksiham Kalsel {day} {title}"), 1)
    assert event.period == period


def test_yearly_template_is_drafts_and_idempotent(runtime):
    with runtime.session() as session:
        created = load_template(session, runtime.clock, 2026, "Asia/Jakarta", None)
        again = load_template(session, runtime.clock, 2026, "Asia/Jakarta", None)
    assert len(created) == 12 and again == []
    assert {e.status for e in created} == {EventStatus.DRAFT.value}
    kinds = [e.kind for e in created]
    assert kinds.count("aksiham") == 3 and "hariham" in kinds
    hari_ham = next(e for e in created if e.kind == "hariham")
    assert hari_ham.start_date == date(2026, 12, 10) and "2025" in hari_ham.title
    b08 = next(e for e in created if e.period == "B08")
    assert (b08.start_date, b08.end_date) == (date(2026, 8, 28), date(2026, 9, 5))


def test_upcoming_filters_by_region(runtime):
    with runtime.session() as session:
        for line in ("rakor Kalsel 2024-02-01 A", "rakor Kaltim 2024-02-02 B", "rakor nasional 2024-02-03 C",
                     "rakor Kalsel 2024-01-01 Lewat"):
            add(session, runtime.clock, runtime.settings, parse_line(line), 1)
        titles = [e.title for e in upcoming(session, runtime.clock, {"63.05"})]
        everything = [e.title for e in upcoming(session, runtime.clock)]
    assert titles == ["A", "C"]
    assert everything == ["A", "B", "C"]


def test_ics_export(runtime):
    with runtime.session() as session:
        add(session, runtime.clock, runtime.settings, parse_line("rakor Kalsel 2025-06-19 09:00 Rakor B08"), 1)
        add(session, runtime.clock, runtime.settings,
            parse_line("aksiham Kalsel 2025-08-28..2025-09-05 Pelaporan B08 | lokasi SAPA-HAM"), 1)
        events = upcoming(session, runtime.clock)
    cal = Calendar.from_ical(to_ics(events, runtime.clock.now()))
    items = cal.walk("VEVENT")
    assert [str(i["summary"]) for i in items] == ["Rakor B08", "Pelaporan B08"]
    assert items[0].decoded("dtstart") == datetime(2025, 6, 19, 1, 0, tzinfo=UTC)
    assert items[1].decoded("dtstart") == date(2025, 8, 28) and items[1].decoded("dtend") == date(2025, 9, 6)
    assert str(items[1]["location"]) == "SAPA-HAM"

"""Events: the one-line form, scopes, periods, the yearly template, the .ics export."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.core.errors import UserError
from bot.core.models import EventStatus, ScopeKind
from bot.io.ics import to_ics
from bot.render.calendar import kind_label
from schedules.calendar import create_event, parse_line, parse_scope, upcoming
from schedules.events import add, event_today, managed_targets
from schedules.template import load_template


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


@pytest.mark.parametrize("text,codes", [
    ("Tapin, Kalsel", ("63.05",)), ("Tapin, Kalimantan Selatan", ("63.05",)),
    ("Kota Bandung, Jawa Barat", ("32.73",)), ("Sorong, Papua Barat Daya", ("96.01",)),
    ("Tapin, HSS", ("63.05", "63.06")), ("Kalsel, Kaltim", ("63", "64")),
])
def test_a_kab_kota_named_with_its_province_is_one_region_and_a_list_is_a_list(text, codes):
    assert parse_scope(text).codes == codes


def test_a_kab_kota_followed_by_another_province_is_refused_not_guessed():
    with pytest.raises(UserError):
        parse_scope("Tapin, Jawa Barat")


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
    # a rakor per province: the January kickoff, data dukung, and one before each Aksi HAM period
    assert len(created) == 8 + 5 * 38 and again == []
    assert {e.status for e in created} == {EventStatus.DRAFT.value}
    kinds = [e.kind for e in created if e.scope_kind == "nasional"]
    assert kinds.count("aksiham") == 3 and "hariham" in kinds
    hari_ham = next(e for e in created if e.kind == "hariham")
    assert hari_ham.start_date == date(2026, 12, 10)
    assert hari_ham.title == "Peringatan Hari HAM Sedunia 2026: penganugerahan KKP HAM Tahun 2025"
    b08 = next(e for e in created if e.period == "B08")
    assert (b08.start_date, b08.end_date) == (date(2026, 8, 28), date(2026, 9, 4))  # 5 Sep 2026 is a Saturday


def test_template_dates_move_to_the_previous_working_day(runtime):
    with runtime.session() as session:
        y2026 = load_template(session, runtime.clock, 2026, "Asia/Jakarta", None)
        y2027 = load_template(session, runtime.clock, 2027, "Asia/Jakarta", None)
    closing = next(e for e in y2026 if e.title.endswith("ditutup"))
    assert closing.start_date == date(2026, 5, 29)  # 31 May is Sunday and Waisak, 30 May a Saturday
    kickoff = next(e for e in y2027 if e.title == "Rakor awal tahun Aksi HAM 2027" and e.scope_codes == "63")
    assert kickoff.start_date == date(2027, 1, 22)  # 23 January 2027 is a Saturday
    kalsel_b12 = next(e for e in y2027 if e.title == "Rakor Aksi HAM B12 2027" and e.scope_codes == "63")
    assert kalsel_b12.start_date == date(2027, 9, 17)  # ten weeks before 28 November: Sunday 19 September
    from schedules.policy import Policy
    assert all(Policy().is_working_day(e.start_date) for e in y2026 + y2027)
    assert all(Policy().is_working_day(e.end_date) for e in y2026 + y2027 if e.end_date)


def test_template_rakor_is_at_nine_in_each_kanwils_zone(runtime):
    with runtime.session() as session:
        created = load_template(session, runtime.clock, 2026, "Asia/Jakarta", None)
    rakor = {e.scope_codes: e for e in created if e.title == "Rakor Aksi HAM B08 2026"}
    assert len(rakor) == 38
    for code, zone in (("63", "Asia/Makassar"), ("94", "Asia/Jayapura"), ("31", "Asia/Jakarta")):
        event = rakor[code]
        assert event.timezone == zone
        assert event.starts_at.astimezone(ZoneInfo(zone)).time() == time(9, 0)


def test_template_creates_nothing_in_the_past(runtime):
    from bot.core.clock import FixedClock

    mid_june = FixedClock(datetime(2026, 6, 15, 3, 0, tzinfo=UTC))
    with runtime.session() as session:
        created = load_template(session, mid_june, 2026, "Asia/Jakarta", None)
    assert created and min(e.end_date or e.start_date for e in created) >= date(2026, 6, 15)
    assert not any(e.period == "B04" for e in created)


def test_upcoming_filters_by_region(runtime):
    with runtime.session() as session:
        for line in ("rakor Kalsel 2024-02-01 A", "rakor Kaltim 2024-02-02 B", "rakor nasional 2024-02-03 C"):
            add(session, runtime.clock, runtime.settings, parse_line(line), 1)
        # an event that has since passed (adding one already past is refused)
        create_event(session, runtime.clock, parse_line("rakor Kalsel 2024-01-01 Lewat"), "Asia/Jakarta", 1)
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
    cal = Calendar.from_ical(to_ics(events, runtime.clock.now(), "Pantau HAM", lambda k: kind_label(runtime.t, k)))
    items = cal.walk("VEVENT")
    assert [str(i["summary"]) for i in items] == ["Rakor B08", "Pelaporan B08"]
    # the kind as /jadwal names it, never the key typed in /jadwal_tambah ("rakor", "aksiham")
    assert [i["categories"].cats for i in items] == [["Rapat koordinasi"], ["Pelaporan Aksi HAM"]]
    assert items[0].decoded("dtstart") == datetime(2025, 6, 19, 1, 0, tzinfo=UTC)
    assert items[1].decoded("dtstart") == date(2025, 8, 28) and items[1].decoded("dtend") == date(2025, 9, 6)
    assert str(items[1]["location"]) == "SAPA-HAM"


def test_changes_that_change_nothing_are_not_audited(runtime):
    from sqlmodel import select

    from bot.core.models import AuditEntry
    from schedules.events import confirm, edit

    with runtime.session() as session:
        event = add(session, runtime.clock, runtime.settings, parse_line("rakor Tapin 2024-06-19 09:00 Rakor"), 1)
        edit(session, runtime.clock, runtime.settings, event.id, "judul", "Rakor", 1)
        edit(session, runtime.clock, runtime.settings, event.id, "ingatkan", "", 1)
        confirm(session, runtime.clock, runtime.settings, event.id, 1)
        edit(session, runtime.clock, runtime.settings, event.id, "judul", "Rakor B08", 1)
        actions = [a.action for a in session.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["event.create", "event.edit"]


def test_today_of_an_event_is_read_in_its_zone_and_an_unknown_id_in_the_national_one(runtime):
    runtime.clock.set(datetime(2024, 6, 18, 16, 30, tzinfo=UTC))  # 23.30 WIB, already 00.30 WITA on the 19th
    with runtime.session() as session:
        tapin = add(session, runtime.clock, runtime.settings, parse_line("rakor Tapin 2024-07-01 09:00 R"), 1)
        national = add(session, runtime.clock, runtime.settings, parse_line("hariham nasional 2024-12-10 H"), 1)
        assert event_today(session, runtime.clock, tapin.id, "Asia/Jakarta") == date(2024, 6, 19)
        assert event_today(session, runtime.clock, national.id, "Asia/Jakarta") == date(2024, 6, 18)
        for unknown in (999, 0, -1, 2**63):
            assert event_today(session, runtime.clock, unknown, "Asia/Jakarta") == date(2024, 6, 18)
            assert event_today(session, runtime.clock, unknown, "Asia/Makassar") == date(2024, 6, 19)


def test_who_may_change_an_event_is_asked_about_every_place_of_its_scope(runtime):
    from bot.reference import provinces, regions

    with runtime.session() as session:
        two = add(session, runtime.clock, runtime.settings, parse_line("rakor Tapin, HSS 2025-06-19 R"), 1)
        kalsel = add(session, runtime.clock, runtime.settings, parse_line("rakor Kalsel 2025-06-19 R"), 1)
        national = add(session, runtime.clock, runtime.settings, parse_line("hariham nasional 2025-12-10 H"), 1)
        assert managed_targets(session, two.id) == (regions()["63.05"], regions()["63.06"])
        assert managed_targets(session, kalsel.id) == (provinces()["63"],)
        assert managed_targets(session, national.id) == ("nasional",)
        assert [managed_targets(session, unknown) for unknown in (999, 0, -1, 2**63)] == [(), (), (), ()]

"""The yearly template as practice has it: Hari HAM never earlier, Aksi HAM rakor weeks before each
window (a setting), a January kickoff, windows from the periods data, the RANHAM assumption said."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.cli.main import main
from bot.core.models import Event
from bot.core.settings import Settings
from bot.domain import periods
from schedules.policy import Policy
from schedules.template import load_template, next_working_day, plan_year, previous_working_day
from tests.test_periods import HEADER


def by_title(year: int, weeks: int = 10) -> dict[str, object]:
    return {e.title: e for e in plan_year(year, weeks)}


@pytest.mark.parametrize("year,day", [
    (2021, date(2021, 12, 10)),  # Friday
    (2022, date(2022, 12, 12)),  # Saturday: ceremonies on Monday 12 December
    (2023, date(2023, 12, 11)),  # Sunday
    (2026, date(2026, 12, 10)),  # Thursday
    (2027, date(2027, 12, 10)),  # Friday
    (2028, date(2028, 12, 11)),  # Sunday
])
def test_hari_ham_is_the_tenth_or_the_next_working_day(year, day):
    hari_ham = by_title(year)[f"Peringatan Hari HAM Sedunia {year}: penganugerahan KKP HAM Tahun {year - 1}"]
    assert hari_ham.kind == "hariham" and hari_ham.start == day


def test_hari_ham_is_never_moved_earlier():
    for year in range(2020, 2041):
        (hari_ham,) = [e for e in plan_year(year) if e.kind == "hariham"]
        assert hari_ham.start >= date(year, 12, 10) and Policy().is_working_day(hari_ham.start), year


def test_working_day_rules_both_ways():
    assert previous_working_day(date(2022, 12, 10)) == date(2022, 12, 9)
    assert next_working_day(date(2022, 12, 10)) == date(2022, 12, 12)
    # Idul Fitri 2024 with cuti bersama (8-15 April): forwards past all of it, backwards before it
    assert next_working_day(date(2024, 4, 10)) == date(2024, 4, 16)
    assert previous_working_day(date(2024, 4, 10)) == date(2024, 4, 5)


@pytest.mark.parametrize("weeks,period,expected,seen", [
    (10, "B08", date(2024, 6, 19), "Kalteng, 19 Juni 2024"),
    (6, "B08", date(2024, 7, 17), "Bengkulu, 17 Juli 2024"),
    (11, "B08", date(2024, 6, 12), "Sulbar held it on 11 June 2024"),
    (10, "B04", date(2024, 2, 16), "Jateng held it on 13 February 2024"),
    (7, "B12", date(2022, 10, 10), "Salatiga held it on 11 October 2022"),
])
def test_aksi_ham_rakor_come_weeks_before_the_window(weeks, period, expected, seen):
    year = expected.year
    rakor = by_title(year, weeks)[f"Rakor Aksi HAM {period} {year}"]
    assert rakor.province_wide and rakor.time == "09:00"
    assert rakor.start == expected, seen
    window = by_title(year, weeks)[f"Pelaporan Aksi HAM {period} {year}"]
    assert 5 * 7 <= (window.start - rakor.start).days <= 12 * 7  # "1-3 months before a window, not days"


def test_the_year_opens_with_a_kickoff_rakor_in_january():
    kickoff = by_title(2024)["Rakor awal tahun Aksi HAM 2024"]
    assert kickoff.start == date(2024, 1, 23) and kickoff.province_wide  # as Sulut did on 23 January 2024
    assert "B04/B08/B12" in kickoff.notes


def test_windows_and_their_titles_come_from_the_periods_data(monkeypatch, tmp_path):
    path = tmp_path / "periods.csv"
    path.write_text(HEADER + "B06,1,6,07-01,07-10,Januari–Juni,2021,,Perpres Y,2030,\n"
                             "B12,1,12,11-28,12-05,Januari–Desember,2021,,Perpres Y,2030,\n", encoding="utf-8")
    monkeypatch.setattr(periods, "_rows", lambda: periods.read(path))
    periods.periods.cache_clear()
    try:
        titles = by_title(2026)
    finally:
        periods.periods.cache_clear()
    assert [t for t in titles if t.startswith("Pelaporan Aksi HAM")] == \
        ["Pelaporan Aksi HAM B06 2026", "Pelaporan Aksi HAM B12 2026"]
    b06 = titles["Pelaporan Aksi HAM B06 2026"]
    assert (b06.start, b06.end) == (date(2026, 7, 1), date(2026, 7, 10))
    assert "Laporan kumulatif Januari–Juni" in b06.notes and "diasumsikan" not in b06.notes
    assert titles["Rakor Aksi HAM B06 2026"].start == date(2026, 4, 22)  # ten weeks before 1 July


def test_the_template_says_ranham_periods_are_assumed_to_continue():
    assumed = "Periode Aksi HAM mengikuti Perpres 53/2021 (RANHAM 2021–2025), diasumsikan berlanjut sampai ada " \
        "Perpres baru."
    for e in plan_year(2026):
        if "Aksi HAM" in e.title:
            assert assumed in e.notes, e.title
    assert all("diasumsikan" not in e.notes for e in plan_year(2024))
    assert "Periode Aksi HAM menurut Perpres 53/2021 (RANHAM 2021–2025)." in by_title(2024)[
        "Pelaporan Aksi HAM B08 2024"].notes


def test_drafts_carry_the_notes_and_rakor_at_nine_local(runtime):
    with runtime.session() as session:
        created = load_template(session, runtime.clock, 2026, "Asia/Jakarta", None)
    kickoff = {e.scope_codes: e for e in created if e.title == "Rakor awal tahun Aksi HAM 2026"}
    assert len(kickoff) == 38
    assert kickoff["71"].starts_at.astimezone(ZoneInfo("Asia/Makassar")).time() == time(9, 0)  # Sulut, WITA
    b08 = next(e for e in created if e.title == "Pelaporan Aksi HAM B08 2026")
    assert "diasumsikan berlanjut sampai ada Perpres baru" in b08.notes and b08.period == "B08"


def test_the_setting_reaches_the_template_command(runtime, monkeypatch, capsys):
    """``pantau-ham calendar template`` runs on the real clock: a year two ahead is never past."""
    from sqlmodel import select

    year = date.today().year + 2
    monkeypatch.setenv("DATABASE_URL", str(runtime.engine.url))
    monkeypatch.setenv("PANTAU_AKSI_RAKOR_WEEKS_BEFORE", "6")
    assert main(["calendar", "template", str(year)]) == 0
    assert f"draf acara dibuat untuk {year}" in capsys.readouterr().out
    with runtime.session() as session:
        rakor = session.exec(select(Event).where(Event.title == f"Rakor Aksi HAM B08 {year}",
                                                 Event.scope_codes == "63")).one()
    assert rakor.start_date == previous_working_day(date(year, 8, 28) - timedelta(weeks=6))
    assert rakor.notes.startswith("Tanggal perkiraan: 6 minggu (sesuai pengaturan) sebelum masa pelaporan B08")


@pytest.mark.parametrize("value", ["0", "27", "enam"])
def test_the_setting_is_checked(value):
    with pytest.raises(ValidationError):
        Settings(_env_file=None, aksi_rakor_weeks_before=value)
    assert Settings(_env_file=None).aksi_rakor_weeks_before == 10


@pytest.mark.parametrize("row", [
    "rakor,provinsi,13-01,,09:00,previous,,T,",  # no month 13: refused when the date is built
    "rakor,provinsi,window_start,,09:00,previous,,T,",  # a period date on a row that is not per period
    "rakor,provinsi,01-23,,09:00,earlier,,T,",  # move
    "rakor,kota,01-23,,09:00,previous,,T,",  # scope
])
def test_a_broken_template_row_is_refused(tmp_path, row):
    from schedules.template import _day, read_template

    path = tmp_path / "template.csv"
    path.write_text("kind,scope,start,end,time,move,each_period,title,notes\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ValueError):
        for item in read_template(path):
            _day(item.start, 2026, None, 10)

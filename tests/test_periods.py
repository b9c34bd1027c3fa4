"""Aksi HAM periods as data (``bot/reference/aksi_periods.csv``): what the shipped rows say, how a year
picks its rows, how a deadline finds its period, and that /aksi says when periods are assumed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from babel.dates import get_month_names

from bot.core.errors import UserError
from bot.domain import periods
from bot.domain.aksi import parse_period
from bot.domain.periods import Period, period_for_deadline, period_for_month, period_of
from tests.conftest import replies

HEADER = "code,first_month,last_month,window_start,window_end,label,valid_from,valid_until,basis,basis_until,note\n"


@pytest.fixture
def rows(monkeypatch, tmp_path):
    """Use another periods file for one test (the shipped one is cached)."""
    def use(text: str) -> None:
        path = tmp_path / "periods.csv"
        path.write_text(HEADER + text, encoding="utf-8")
        monkeypatch.setattr(periods, "_rows", lambda: periods.read(path))
        periods.periods.cache_clear()

    yield use
    periods.periods.cache_clear()


def test_the_shipped_periods_are_the_three_cumulative_reports():
    assert periods.codes() == ("B04", "B08", "B12")
    assert [(p.first_month, p.last_month) for p in periods.periods()] == [(1, 4), (1, 8), (1, 12)]
    assert period_of("b08").window(2022) == (date(2022, 8, 28), date(2022, 9, 5))
    assert period_of("B12").window(2022) == (date(2022, 11, 28), date(2022, 12, 5))
    assert period_of("B13") is None


def test_each_label_names_the_months_of_its_row():
    months = get_month_names("wide", locale="id")
    for p in periods.periods():
        assert p.label == f"{months[p.first_month]}–{months[p.last_month]}", p.code


def test_ranham_2021_2025_has_ended_so_later_years_are_assumed():
    assert not periods.is_assumed(2025)
    assert periods.is_assumed(2026)
    assert periods.basis(2026) == "Perpres 53/2021 (RANHAM 2021–2025)"
    assert all("diasumsikan berlanjut sampai ada Perpres baru" in p.note for p in periods.periods(2026))


@pytest.mark.parametrize("month,period", [
    (1, "B04"), (4, "B04"), (5, "B04"), (6, "B04"), (7, "B08"), (9, "B08"), (10, "B08"), (11, "B12"), (12, "B12"),
])
def test_a_deadline_belongs_to_the_period_whose_window_is_nearest(month, period):
    assert period_for_deadline(date(2025, month, 15)).code == period


@pytest.mark.parametrize("month,period", [(1, "B04"), (4, "B04"), (5, "B08"), (8, "B08"), (9, "B12"), (12, "B12")])
def test_a_month_is_first_reported_in_the_first_period_that_covers_it(month, period):
    assert period_for_month(month).code == period


def test_a_new_generation_replaces_rows_from_its_year(rows):
    rows("B04,1,4,04-28,05-06,Januari–April,2021,,Perpres 53/2021,2025,\n"
         "B08,1,8,08-28,09-05,Januari–Agustus,2021,,Perpres 53/2021,2025,\n"
         "B12,1,12,11-28,12-05,Januari–Desember,2021,2026,Perpres 53/2021,2025,\n"
         "B06,1,6,07-01,07-08,Januari–Juni,2027,,Perpres X/2026,2030,\n"
         "B12,1,12,12-15,01-10,Januari–Desember,2027,,Perpres X/2026,2030,\n")
    assert periods.codes(2026) == ("B04", "B08", "B12")
    assert periods.codes(2027) == ("B04", "B06", "B08", "B12")
    assert period_of("B12", 2027).window(2027) == (date(2027, 12, 15), date(2028, 1, 10))  # across the new year
    assert periods.codes(2019) == ("B04", "B08", "B12")  # before every row: the oldest rows
    assert periods.basis(2027) == "Perpres 53/2021; Perpres X/2026"  # B04 and B08 still from 2021
    assert period_for_deadline(date(2027, 7, 20)).code == "B06"
    assert parse_period("b06", 2027) == "B06"
    with pytest.raises(UserError):
        parse_period("B06", 2026)


@pytest.mark.parametrize("row", [
    "B4,1,4,04-28,05-06,x,2021,,b,,\n",  # code
    "B04,5,4,04-28,05-06,x,2021,,b,,\n",  # months
    "B04,1,4,04-31,05-06,x,2021,,b,,\n",  # no 31 April
    "B04,1,4,4-28,05-06,x,2021,,b,,\n",  # MM-DD
    "B04,1,4,04-28,05-06,x,,,b,,\n",  # valid_from
    "B04,1,4,04-28,05-06,x,2021,2020,b,,\n",  # valid_until before valid_from
])
def test_a_broken_periods_file_is_refused(tmp_path, row):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + row, encoding="utf-8")
    with pytest.raises(ValueError):
        periods.read(path)


def test_period_dataclass_window_and_validity():
    p = Period("B04", 1, 4, (4, 28), (5, 6), "Januari–April", 2021, 2030, "b", 2025, "")
    assert list(p.months) == [1, 2, 3, 4]
    assert p.applies_in(2021) and p.applies_in(2030) and not p.applies_in(2031) and not p.applies_in(2020)
    assert p.assumed_in(2026) and not p.assumed_in(2025)


async def test_aksi_says_when_the_periods_are_assumed(bot):
    bot.runtime.clock.set(datetime(2026, 6, 10, 2, 0, tzinfo=UTC))  # a report of B04 2026 once 2026 has begun
    (reply,) = replies(await bot.say("/aksi Tapin B04 2026 80"))
    text = reply.params["text"]
    assert "B04 (Januari–April): dilaporkan per periode" in text and "nilai capaian <b>80</b>" in text
    assert "Periode pelaporan mengikuti Perpres 53/2021 (RANHAM 2021–2025); diasumsikan berlanjut sampai ada " \
        "Perpres baru." in text
    bot.runtime.clock.set(datetime(2024, 1, 25, 2, 0, tzinfo=UTC))
    (reply,) = replies(await bot.say("/aksi Tapin"))  # 2024: within RANHAM 2021-2025
    assert "Aksi HAM 2024" in reply.params["text"] and "diasumsikan" not in reply.params["text"]


@pytest.mark.parametrize("today,expected,closed", [
    (date(2026, 1, 5), ("B04", 2026), None),
    (date(2026, 5, 6), ("B04", 2026), None),  # the window's last day
    (date(2026, 5, 7), ("B08", 2026), ("B04", date(2026, 5, 6))),
    (date(2026, 12, 5), ("B12", 2026), ("B08", date(2026, 9, 5))),
    (date(2026, 12, 8), ("B04", 2027), ("B12", date(2026, 12, 5))),  # after B12: next year's B04, never B04 2026
])
def test_the_period_being_reported_or_next_and_the_last_closed(today, expected, closed):
    period, year = periods.current_or_next(today)
    assert (period.code, year) == expected
    found = periods.last_closed(today)
    assert (None if found is None else (found[0].code, found[2])) == closed
    assert period.starts(year) == date(year, 1, 1)  # each report is cumulative from January

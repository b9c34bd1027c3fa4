"""Due times: each recipient's own 08:00, quiet hours, weekends, holidays, never after the deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.core.errors import UserError
from bot.core.models import Event
from bot.core.offsets import Offset, parse_offsets
from schedules.planner import plan_rows
from schedules.policy import Policy

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"


def event(day: date, at: time | None = None, zone: str = WITA, kind: str = "rakor", offsets: str | None = None,
          end: date | None = None) -> Event:
    from schedules.calendar import local_instant

    return Event(id=1, kind=kind, title="Rakor", timezone=zone, start_date=day, start_time=at, end_date=end,
                 starts_at=local_instant(day, at, zone), scope_kind="nasional", offsets=offsets, version=1)


def due(rows, chat, key):
    return next(r.due_at for r in rows if r.chat_id == chat and r.offset_key == key)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_day_offsets_land_at_eight_in_each_recipients_zone():
    rows = plan_rows(event(date(2025, 6, 19), offsets="1d"), [(1, WIB), (2, WITA), (3, WIT)], Policy(), frozenset())
    assert due(rows, 1, "1d") == utc(2025, 6, 18, 1, 0)  # 08:00 WIB
    assert due(rows, 2, "1d") == utc(2025, 6, 18, 0, 0)  # 08:00 WITA
    assert due(rows, 3, "1d") == utc(2025, 6, 17, 23, 0)  # 08:00 WIT


def test_rakor_defaults_and_the_two_hour_reminder():
    rows = plan_rows(event(date(2025, 6, 19), time(9, 0)), [(2, WITA)], Policy(), frozenset())
    assert [r.offset_key for r in rows] == ["7d", "3d", "1d", "2h", "0d"]  # in order of due time
    assert due(rows, 2, "0d") == utc(2025, 6, 19, 0, 0)  # 08:00 WITA, an hour before the rakor
    assert due(rows, 2, "2h") == utc(2025, 6, 18, 23, 0)  # 07:00 WITA
    assert all(r.deadline_at == utc(2025, 6, 19, 1, 0) for r in rows)


def test_a_timed_event_is_seen_on_the_recipients_own_day():
    # 23:30 WIB on the 19th is already the 20th in Papua (01:30 WIT)
    rows = plan_rows(event(date(2025, 6, 19), time(23, 30), zone=WIB, offsets="1d"), [(1, WIB), (3, WIT)],
                     Policy(), frozenset())
    assert due(rows, 1, "1d") == utc(2025, 6, 18, 1, 0)
    assert due(rows, 3, "1d") == utc(2025, 6, 18, 23, 0)  # 08:00 WIT on the 19th


def test_weekend_moves_to_the_previous_friday_and_merges():
    # Monday 23 June 2025: 1d is Sunday, 3d is Friday: both on Friday's morning, the nearer label stays
    rows = plan_rows(event(date(2025, 6, 23), offsets="3d,1d"), [(2, WITA)], Policy(), frozenset())
    assert [(r.offset_key, r.due_at) for r in rows] == [("1d", utc(2025, 6, 20, 0, 0))]


def test_public_holidays_are_skipped():
    # 2 April 2025: 1 April (Idul Fitri, 2nd day) and 31 March (Idul Fitri) are holidays, 29-30 a weekend,
    # 28 March is cuti bersama (Nyepi)
    rows = plan_rows(event(date(2025, 4, 2), kind="kkpham", offsets="1d"), [(1, WIB)], Policy(), frozenset())
    assert due(rows, 1, "1d") == utc(2025, 3, 27, 1, 0)
    relaxed = Policy(skip_weekends=False, skip_holidays=False)
    rows = plan_rows(event(date(2025, 4, 2), kind="kkpham", offsets="1d"), [(1, WIB)], relaxed, frozenset())
    assert due(rows, 1, "1d") == utc(2025, 4, 1, 1, 0)


def test_quiet_hours_push_the_day_level_hour_but_not_an_hour_level_one():
    early = Policy(reminder_time=time(6, 0))
    rows = plan_rows(event(date(2025, 6, 19), time(7, 30), offsets="1d,2h"), [(2, WITA)], early, frozenset())
    assert due(rows, 2, "1d") == utc(2025, 6, 17, 23, 0)  # 07:00 WITA, the end of the quiet hours
    assert due(rows, 2, "2h") == utc(2025, 6, 18, 21, 30)  # 05:30 WITA: on time, quiet or not
    no_quiet = Policy(reminder_time=time(6, 0), quiet=None)
    rows = plan_rows(event(date(2025, 6, 19), time(7, 30), offsets="1d"), [(2, WITA)], no_quiet, frozenset())
    assert due(rows, 2, "1d") == utc(2025, 6, 17, 22, 0)


def test_never_after_the_deadline():
    # a 07:30 rakor: the 08:00 "on the day" reminder would come after it starts
    rows = plan_rows(event(date(2025, 6, 19), time(7, 30), offsets="0d,15m"), [(2, WITA)], Policy(), frozenset())
    assert [r.offset_key for r in rows] == ["15m"]
    # a Sunday deadline: "on the day" moves back to Friday, before it, not to Monday
    rows = plan_rows(event(date(2025, 6, 22), offsets="0d"), [(2, WITA)], Policy(), frozenset())
    assert due(rows, 2, "0d") == utc(2025, 6, 20, 0, 0)


def test_a_window_counts_down_to_its_end():
    window = event(date(2025, 8, 28), kind="aksiham", offsets="1d", end=date(2025, 9, 5))
    rows = plan_rows(window, [(2, WITA)], Policy(), frozenset())
    # 4 September is a Thursday
    assert due(rows, 2, "1d") == utc(2025, 9, 4, 0, 0)


def test_escalation_goes_to_admins_on_the_last_day():
    rows = plan_rows(event(date(2025, 6, 19), offsets="1d"), [(2, WITA)], Policy(), frozenset({7, 9}))
    escalations = [r for r in rows if r.offset_key == "escalate"]
    assert [r.chat_id for r in escalations] == [7, 9]
    assert escalations[0].due_at == utc(2025, 6, 19, 2, 0)  # 10:00 WITA on the day
    assert plan_rows(event(date(2025, 6, 19)), [], Policy(), frozenset({7})) == []


@pytest.mark.parametrize("text,keys", [("3d,1d,2h", ["3d", "1d", "2h"]), ("15m", ["15m"]), ("7d 7d", ["7d"]),
                                       ("H-3, H-1, 2 jam, 30 menit", ["3d", "1d", "2h", "30m"]),
                                       ("h-7,H", ["7d", "0d"]), ("1 hari", ["1d"])])
def test_parse_offsets(text, keys):
    assert [o.key for o in parse_offsets(text, timed=True)] == keys


def test_offsets_are_shown_as_a_kanwil_writes_them():
    from bot.core.i18n import translator
    from bot.render.calendar import offsets_text

    offsets = parse_offsets("3d, 0d, 2h, 30m", timed=True)
    assert offsets_text(translator("id"), offsets) == "H-3, hari H, 2 jam, 30 menit"
    assert offsets_text(translator("en"), offsets) == "3 days before, the day itself, 2 hours, 30 minutes"


def test_three_h_is_refused_with_both_readings():
    with pytest.raises(UserError) as exc:
        parse_offsets("H-7, 3h", timed=True)
    text = exc.value.message.format(**exc.value.values)
    assert "H-3 (3 hari sebelum)" in text and "3 jam" in text


def test_cuti_bersama_are_not_working_days():
    policy = Policy()
    cuti_bersama_2026 = [date(2026, 2, 16), date(2026, 3, 18), date(2026, 3, 20), date(2026, 3, 23),
                         date(2026, 3, 24), date(2026, 5, 15), date(2026, 5, 28), date(2026, 12, 24)]
    assert not any(policy.is_working_day(d) for d in cuti_bersama_2026)
    assert policy.is_working_day(date(2026, 12, 23))


@pytest.mark.parametrize("text,timed", [("3x", True), ("2h", False), ("", True), ("500d", True), ("-1d", True)])
def test_bad_offsets_are_refused(text, timed):
    with pytest.raises(UserError):
        parse_offsets(text, timed)


def test_offset_arithmetic():
    assert Offset("m", 15).delta.total_seconds() == 900
    assert Policy().in_quiet_hours(time(22, 0)) and Policy().in_quiet_hours(time(6, 59))
    assert not Policy().in_quiet_hours(time(7, 0))


def test_holidays_and_cuti_bersama_come_from_the_shipped_table():
    from schedules import policy

    # Friday 20 March 2026: cuti bersama Idul Fitri; Thursday 19 March: Nyepi; 18 March: cuti bersama Nyepi
    assert not any(Policy().is_working_day(date(2026, 3, d)) for d in (18, 19, 20))
    assert Policy().is_working_day(date(2026, 3, 17)) and Policy(skip_holidays=False).is_working_day(date(2026, 3, 20))
    assert {date(2025, 3, 31), date(2025, 4, 1), date(2025, 8, 17)} <= policy.indonesian_holidays(2025)


def test_a_year_outside_the_table_skips_weekends_only_and_says_so_once(caplog):
    from schedules import policy

    policy.indonesian_holidays.cache_clear()
    try:
        with caplog.at_level("WARNING", logger="schedules.policy"):
            # Monday 25 December 2045: Christmas, but the table ends with 2035
            assert Policy().is_working_day(date(2045, 12, 25)) and Policy().is_working_day(date(2045, 1, 2))
            assert not Policy().is_working_day(date(2045, 12, 23))  # a Saturday
            rows = plan_rows(event(date(2045, 12, 26), kind="kkpham", offsets="1d"), [(1, WIB)], Policy(), frozenset())
    finally:
        policy.indonesian_holidays.cache_clear()
    assert due(rows, 1, "1d") == utc(2045, 12, 25, 1, 0)
    said = [r.getMessage() for r in caplog.records if "no holidays known for 2045" in r.getMessage()]
    assert len(said) == 1 and "2020-2035" in said[0] and "weekends only" in said[0]

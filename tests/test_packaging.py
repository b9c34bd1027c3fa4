"""What an office installs: bounded dependencies, PostgreSQL as an extra, pinned versions for CI and the
image, calendar files that Outlook reads in the right zone."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from icalendar import Calendar

from bot.io.ics import to_ics
from schedules.calendar import parse_line, upcoming
from schedules.events import add

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_dependency_has_an_upper_bound():
    requirements = PROJECT["dependencies"] + [r for extra in PROJECT["optional-dependencies"].values() for r in extra]
    unbounded = [r for r in requirements if "<" not in r and "==" not in r]
    assert unbounded == []


def test_postgresql_driver_is_an_extra_and_the_unused_rate_limiter_is_gone():
    assert "psycopg" not in {_name(r) for r in PROJECT["dependencies"]}
    assert "psycopg" in {_name(r) for r in PROJECT["optional-dependencies"]["postgres"]}
    assert "psycopg" in {_name(r) for r in PROJECT["optional-dependencies"]["test"]}
    assert not any("rate-limiter" in r for r in PROJECT["dependencies"])


def test_constraints_pin_every_dependency_and_are_used_by_ci_and_the_image():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.lower().replace("_", "-")] = version
    requirements = PROJECT["dependencies"] + PROJECT["optional-dependencies"]["postgres"]
    missing = [r for r in requirements if _name(r) not in pins]
    assert missing == []
    assert "-c constraints.txt" in (ROOT / ".ci" / "run").read_text()
    assert "constraints.txt" in (ROOT / "Dockerfile").read_text()
    assert "-c constraints.txt" in (ROOT / "scripts" / "install.sh").read_text()


def test_ics_carries_the_time_zone_so_outlook_shows_the_right_hour(runtime):
    with runtime.session() as session:
        add(session, runtime.clock, runtime.settings, parse_line("rakor Kalsel 2025-06-19 09:00 Rakor B08"), 1)
        events = upcoming(session, runtime.clock)
    raw = to_ics(events, runtime.clock.now()).decode()
    cal = Calendar.from_ical(raw)
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Asia/Makassar"
    assert "DTSTART;TZID=Asia/Makassar:20250619T090000" in raw
    assert "TZOFFSETTO:+0800" in raw  # WITA

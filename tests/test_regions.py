"""Names as people type them, and the traps of domain.md."""

from __future__ import annotations

import pytest

from bot.reference import regions
from bot.regions import resolve


@pytest.mark.parametrize("region", list(regions().values()), ids=lambda r: r.code)
def test_every_region_resolves_from_its_official_name(region):
    for typed in (region.official_name, region.short_name, region.code, region.official_name.upper()):
        assert resolve(typed).region == region, typed


@pytest.mark.parametrize(
    "typed,code",
    [
        ("Tapin", "63.05"), ("tapin", "63.05"), ("Kab. Tapin", "63.05"), ("Kabupaten Tapin", "63.05"),
        ("Tapn", "63.05"), ("Rantau", "63.05"), ("6305", "63.05"),
        ("HSS", "63.06"), ("Kandangan", "63.06"), ("Batola", "63.04"), ("Tala", "63.01"), ("Tanbu", "63.10"),
        ("Banjar", "63.03"), ("Kab Banjar", "63.03"),
        ("Banjarmasin", "63.71"), ("Banjarbaru", "63.72"), ("Banjar Baru", "63.72"),
        ("Kotabaru", "63.02"), ("Kota Baru", "63.02"),
        ("Kukar", "64.02"), ("Kubar", "64.07"), ("Paser", "64.01"), ("Penajam Paser Utara", "64.09"), ("PPU", "64.09"),
        ("KTT", "65.04"), ("Kobar", "62.01"), ("Kotim", "62.02"), ("Gumas", "62.10"),
        ("Palangka Raya", "62.71"), ("Palangkaraya", "62.71"),
        ("PALI", "16.12"), ("OKU Timur", "16.08"), ("OKU", "16.01"), ("Muba", "16.06"), ("Muratara", "16.13"),
        ("Pagar Alam", "16.72"), ("Pagaralam", "16.72"), ("Lubuk Linggau", "16.73"), ("Lubuklinggau", "16.73"),
        ("Muara Enim", "16.03"), ("Muaraenim", "16.03"),
        ("Samarnda", "64.72"), ("Balikpapn", "64.71"),
        ("Kota Banjar", "32.79"),
    ],
)
def test_names_people_type(typed, code):
    assert resolve(typed).region is not None, typed
    assert resolve(typed).region.code == code


def test_banjar_is_the_kabupaten_and_offers_the_city_of_the_same_name():
    r = resolve("Banjar")
    assert r.region.official_name == "Kabupaten Banjar"
    assert [o.code for o in r.also] == ["32.79"]


@pytest.mark.parametrize("typed,codes", [("Mura", {"16.05", "62.12"}), ("Martapura", {"63.03", "16.08"})])
def test_ambiguous_names_offer_candidates(typed, codes):
    r = resolve(typed)
    assert r.target is None and r.is_ambiguous
    assert {c.code for c in r.candidates} == codes


def test_own_province_comes_first_among_candidates():
    assert resolve("Mura", prefer_province="62").candidates[0].code == "62.12"
    assert resolve("Mura", prefer_province="16").candidates[0].code == "16.05"


def test_kotawaringin_is_not_stripped_to_waringin():
    r = resolve("Kotawaringin")
    assert r.target is None
    assert {s.code for s in r.suggestions[:2]} == {"62.01", "62.02"}


@pytest.mark.parametrize("typed", ["Kalsel", "Kalimantan Selatan", "63", "kalimantan selatan", "Provinsi Kalsel"])
def test_provinces(typed):
    assert resolve(typed).province.code == "63"


def test_unknown_name_gets_three_suggestions():
    r = resolve("Zzzqxw")
    assert r.target is None and not r.candidates
    assert len(r.suggestions) == 3


def test_a_typo_close_to_two_regions_is_not_guessed():
    # "Kutai" is as close to Kutai Barat as to Kutai Timur and Kutai Kartanegara
    r = resolve("Kutai")
    assert r.target is None
    assert {"64.07", "64.08", "64.02"} & {s.code for s in r.suggestions}

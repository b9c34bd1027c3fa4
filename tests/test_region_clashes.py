"""A province and a kab/kota of the same name are asked, all of them offered (as "Jogja" always was);
former names with their kind word ("Kabupaten Pontianak") find today's region and nothing else."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.core.errors import UserError
from bot.core.models import Event
from bot.domain.regions import label, normalise, province_named, resolve
from bot.reference import ProvinceRef, provinces, regions
from schedules.calendar import parse_scope
from tests.conftest import ADMIN, VIEWER, replies
from tests.fakes import buttons_of


def clashes() -> dict[str, set[str]]:
    """Every province name or alias that is also a kab/kota's name, alias or capital -> the codes it may mean."""
    out: dict[str, set[str]] = {}
    for p in provinces().values():
        for name in (p.name, *p.aliases):
            same = {r.code for r in regions().values()
                    if normalise(name) in {normalise(k) for k in (r.name, *r.aliases, r.capital) if k}}
            if same:
                out[name] = {p.code} | same
    return out


def test_the_clashes_across_the_38_provinces_are_these():
    """Checked over every province: a new alias that clashes shows up here (and in docs/reference/regions.md)."""
    assert clashes() == {
        "Jambi": {"15", "15.71"},
        "Bengkulu": {"17", "17.71"},
        "Jogja": {"34", "34.71"},
        "Gorontalo": {"75", "75.01", "75.71"},
    }


@pytest.mark.parametrize("name", sorted(clashes()))
def test_each_clash_is_asked_with_all_of_them_offered(name):
    r = resolve(name)
    assert r.target is None
    assert {c.code for c in r.candidates} == clashes()[name]
    assert isinstance(r.candidates[0], ProvinceRef)  # the province first, then its kab/kota


def test_the_asker_s_province_comes_first_and_a_kind_word_decides():
    assert [c.code for c in resolve("Gorontalo", prefer_province="75").candidates] == ["75", "75.01", "75.71"]
    assert resolve("Provinsi Gorontalo").target.code == "75"
    assert resolve("Kabupaten Gorontalo").target.code == "75.01"
    assert resolve("Kota Gorontalo").target.code == "75.71"


def test_a_province_after_a_comma_is_the_province():
    assert province_named("Gorontalo").code == "75" and province_named("Irian Jaya Barat").code == "92"
    assert province_named("Tapin") is None
    assert parse_scope("Gorontalo Utara, Gorontalo").codes == ("75.05",)
    assert parse_scope("Kota Bengkulu, Bengkulu").codes == ("17.71",)
    assert parse_scope("Provinsi Jambi").codes == ("15",)
    assert parse_scope("Tapin, 63").codes == ("63.05",)  # a province code after the comma, as before


def test_an_event_line_with_a_clash_lists_the_choices():
    with pytest.raises(UserError) as err:
        parse_scope("Gorontalo")
    message = err.value.message.format(**err.value.values)
    assert message == ("“Gorontalo” bisa berarti beberapa wilayah: Provinsi Gorontalo; Kab. Gorontalo (Gorontalo); "
                       "Kota Gorontalo (Gorontalo). Tulis nama lengkapnya, mis. “Provinsi Gorontalo”.")


def test_former_names_with_their_kind_word():
    assert regions()["61.02"].former_names == ("Kabupaten Pontianak",)
    for text in ("Kabupaten Pontianak", "Kab. Pontianak", "kab pontianak", "Kabupaten Pontianak, Kalbar"):
        assert resolve(text).target.code == "61.02", text
    assert resolve("Pontianak").target.code == "61.71" and resolve("Pontianak").also == ()
    assert resolve("Irian Jaya Barat").target.code == "92"
    assert resolve("Bonebol").target.code == "75.03"
    assert label(resolve("Bonebol").target) == "Kab. Bone Bolango (Gorontalo)"


async def test_status_gorontalo_asks_and_each_button_answers(bot):
    (reply,) = replies(await bot.say("/status Gorontalo", VIEWER))
    assert "“Gorontalo” bisa berarti beberapa wilayah" in reply.params["text"]
    assert [text for text, _ in buttons_of(reply)] == \
        ["Provinsi Gorontalo", "Kab. Gorontalo (Gorontalo)", "Kota Gorontalo (Gorontalo)"]
    (province,) = replies(await bot.press(reply, "Provinsi Gorontalo", VIEWER))
    assert "Gorontalo" in province.params["text"] and "kab/kota" in province.params["text"]
    (kota,) = replies(await bot.press(reply, "Kota Gorontalo (Gorontalo)", VIEWER))
    assert "Kota Gorontalo" in kota.params["text"]


@pytest.mark.parametrize("name,buttons", [
    ("Bengkulu", ["Provinsi Bengkulu", "Kota Bengkulu (Bengkulu)"]),
    ("Jambi", ["Provinsi Jambi", "Kota Jambi (Jambi)"]),
])
async def test_belum_bengkulu_and_jambi_ask_like_jogja(bot, name, buttons):
    (reply,) = replies(await bot.say(f"/belum {name}", VIEWER))
    assert f"“{name}” bisa berarti beberapa wilayah" in reply.params["text"]
    assert [text for text, _ in buttons_of(reply)] == buttons
    (pick,) = replies(await bot.press(reply, buttons[0], VIEWER))
    assert f"Pilih kab/kota di Provinsi {name}" in pick.params["text"]


async def test_jadwal_tambah_with_a_clash_says_which_and_creates_nothing(bot):
    (reply,) = replies(await bot.say("/jadwal_tambah rakor Jambi 2024-06-19 09:00 Rakor Aksi HAM B08", ADMIN))
    text = reply.params["text"]
    assert "“Jambi” bisa berarti beberapa wilayah: Provinsi Jambi; Kota Jambi (Jambi)." in text
    assert "Tidak ada yang dibuat." in text
    with bot.runtime.session() as session:
        assert session.exec(select(Event)).all() == []
    (reply,) = replies(await bot.say("/jadwal_tambah rakor Provinsi Jambi 2024-06-19 09:00 Rakor Aksi HAM B08", ADMIN))
    assert "Cakupan: Jambi" in reply.params["text"]

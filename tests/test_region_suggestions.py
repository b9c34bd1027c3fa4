"""A typo'd or ambiguous kab/kota in a command that acts: the answer finishes that command, never /status.

A button finishes the command where its data can carry it (/umumkan, /riwayat); for a command with more
arguments than a button's 64 bytes hold (/tandai, /undang, /anggota, /cabut) the answer lists the corrected
commands, to tap, copy and send, and no button that would do something else. Also: /jadwal and /kalender
"nasional", and /riwayat without a name."""

from __future__ import annotations

from icalendar import Calendar
from sqlmodel import select

from bot.core.models import Invite
from bot.domain.checklist import indicator_statuses
from bot.reference import regions
from tests.conftest import ADMIN, PIC, STAF, VIEWER, replies
from tests.fakes import buttons_of


def state_of(rt, code: str, indicator: str) -> str:
    with rt.session() as session:
        statuses = indicator_statuses(session, rt.cycle(session), regions()[code])
    return next(s.state for s in statuses if s.indicator.code == indicator).value


async def test_tandai_with_a_typo_offers_the_corrected_command_and_changes_nothing(bot):
    (reply,) = replies(await bot.say("/tandai Tapinn 6.01 lengkap", STAF))
    assert reply.params["text"].splitlines()[:3] == [
        "Wilayah “Tapinn” tidak ditemukan.",
        "Mungkin maksud Anda (ketuk perintahnya untuk menyalin, lalu kirimkan):",
        "<code>/tandai Kabupaten Tapin 6.01 lengkap</code>",
    ]
    assert buttons_of(reply) == []  # no button that would show /status instead
    assert state_of(bot.runtime, "63.05", "6.01") == "belum"


async def test_tandai_with_an_ambiguous_name_lists_the_commands(bot):
    line = "/tandai Martapura 1.01 perlu perbaikan SK <belum> ditandatangani"
    (reply,) = replies(await bot.say(line, ADMIN))  # an admin may change both: both are offered
    assert reply.params["text"].splitlines() == [
        "“Martapura” bisa berarti beberapa wilayah. Ketuk perintah yang dimaksud untuk menyalinnya, lalu kirimkan:",
        "<code>/tandai Kabupaten Ogan Komering Ulu Timur 1.01 perlu perbaikan SK &lt;belum&gt; ditandatangani</code>",
        "<code>/tandai Kabupaten Banjar 1.01 perlu perbaikan SK &lt;belum&gt; ditandatangani</code>",
    ]
    assert buttons_of(reply) == []
    assert state_of(bot.runtime, "63.03", "1.01") == "belum"
    await bot.say("/tandai Kabupaten Banjar 1.01 perlu perbaikan SK <belum> ditandatangani", ADMIN)  # as copied
    assert state_of(bot.runtime, "63.03", "1.01") == "ditolak"


async def test_an_ambiguous_name_of_which_one_place_is_the_askers_means_that_one(bot):
    # "Martapura": Kab. Banjar (Kalsel) or OKU Timur (Sumsel); a Kalsel staf may change only the first
    (reply,) = replies(await bot.say("/tandai Martapura 1.01 lengkap", STAF))
    assert reply.params["text"].startswith("✔️ Kabupaten Banjar, indikator <code>1.01</code>")
    assert state_of(bot.runtime, "63.03", "1.01") == "lengkap"
    assert state_of(bot.runtime, "16.08", "1.01") == "belum"


async def test_undang_with_an_ambiguous_name_creates_no_invitation(bot):
    (reply,) = replies(await bot.say("/undang pic Martapura", ADMIN))
    assert "<code>/undang pic Kabupaten Banjar</code>" in reply.params["text"]
    assert buttons_of(reply) == []
    with bot.runtime.session() as session:
        assert session.exec(select(Invite)).all() == []


async def test_umumkan_with_a_typo_offers_the_province_preview(bot):
    (reply,) = replies(await bot.say("/umumkan Kalsell", STAF))
    assert reply.params["text"] == "Wilayah “Kalsell” tidak ditemukan.\nMungkin maksud Anda:"
    assert buttons_of(reply)[0] == ("Provinsi Kalimantan Selatan", "um|prov|63")
    calls = await bot.press(reply, "um|prov|63", STAF)
    assert any(c.method == "sendPhoto" for c in calls)  # the preview, as /umumkan Kalsel gives it
    assert "Pratinjau" in replies(calls)[-1].params["text"]


async def test_riwayat_with_a_typo_offers_the_history(bot):
    (reply,) = replies(await bot.say("/riwayat Tapinn", STAF))
    assert buttons_of(reply)[0] == ("Kab. Tapin (Kalimantan Selatan)", "rw|63.05|0")
    (history,) = replies(await bot.press(reply, "rw|63.05|0", STAF))
    assert history.params["text"].startswith("<b>Riwayat Kabupaten Tapin</b>")


async def test_riwayat_without_a_name_is_about_ones_own_region(bot):
    (reply,) = replies(await bot.say("/riwayat", PIC))
    assert reply.params["text"].startswith("<b>Riwayat Kabupaten Tapin</b>")
    (reply,) = replies(await bot.say("/riwayat", STAF))
    assert reply.params["text"].startswith("<b>Riwayat Provinsi Kalimantan Selatan</b>")


async def test_jadwal_and_kalender_nasional_list_the_national_events(bot):
    await bot.say("/jadwal_tambah rakor Kalsel 2024-06-19 09:00 Rakor Kalsel")
    await bot.say("/jadwal_tambah hariham nasional 2024-12-10 Hari HAM")
    for who in (STAF, PIC, VIEWER):
        (reply,) = replies(await bot.say("/jadwal nasional", who))
        text = reply.params["text"]
        assert text.startswith("<b>Jadwal nasional</b>") and "Hari HAM" in text, text
        assert "Rakor Kalsel" not in text
    calls = await bot.say("/kalender nasional", STAF)
    (doc,) = [c for c in calls if c.method == "sendDocument"]
    assert doc.params["caption"] == "1 acara mendatang: nasional"
    cal = Calendar.from_ical(next(iter(doc.files.values())))
    assert [str(e["summary"]) for e in cal.walk("VEVENT")] == ["Hari HAM"]


# -- a command that changes something offers only what the asker may change --------------------------------


async def test_a_pics_typo_in_tandai_offers_only_their_own_kab_kota(bot):
    (reply,) = replies(await bot.say("/tandai Tapinn 6.01 lengkap", PIC))
    assert reply.params["text"].splitlines() == [
        "Wilayah “Tapinn” tidak ditemukan.",
        "Mungkin maksud Anda (ketuk perintahnya untuk menyalin, lalu kirimkan):",
        "<code>/tandai Kabupaten Tapin 6.01 lengkap</code>",
    ]  # not Labuhanbatu Selatan nor Pesisir Selatan, which the PIC may not change
    assert state_of(bot.runtime, "63.05", "6.01") == "belum"


async def test_a_name_near_only_other_places_is_not_found_and_the_askers_region_is_named(bot):
    (reply,) = replies(await bot.say("/tandai Pesisirr 6.01 lengkap", PIC))
    assert reply.params["text"] == "Wilayah “Pesisirr” tidak ditemukan. Wilayah Anda: Kabupaten Tapin."
    assert buttons_of(reply) == []
    with bot.runtime.session() as session:
        changed = [s for s in indicator_statuses(session, bot.runtime.cycle(session), regions()["13.01"])
                   if s.state.value != "belum"]
    assert changed == []
    (reply,) = replies(await bot.say("/umumkan Pesisirr", STAF))
    assert reply.params["text"] == "Wilayah “Pesisirr” tidak ditemukan. Wilayah Anda: Provinsi Kalimantan Selatan."
    assert buttons_of(reply) == []


async def test_a_staf_typo_in_umumkan_offers_only_their_province(bot):
    (reply,) = replies(await bot.say("/umumkan Tapinn", STAF))
    assert reply.params["text"] == "Wilayah “Tapinn” tidak ditemukan.\nMungkin maksud Anda:"
    assert buttons_of(reply) == [("Provinsi Kalimantan Selatan", "um|prov|63")]  # not Sumut, not Sumbar


async def test_an_ambiguous_name_none_of_whose_places_is_the_askers_invites_nobody(bot):
    (reply,) = replies(await bot.say("/undang pic Mura", STAF))  # Musi Rawas (Sumsel) or Murung Raya (Kalteng)
    assert reply.params["text"] == ("“Mura” bisa berarti beberapa wilayah, tetapi tidak satu pun termasuk wilayah "
                                    "Anda. Wilayah Anda: Provinsi Kalimantan Selatan.")
    assert buttons_of(reply) == []
    with bot.runtime.session() as session:
        assert session.exec(select(Invite)).all() == []


async def test_a_reading_command_keeps_every_suggestion(bot):
    (reply,) = replies(await bot.say("/status Tapinn", PIC))  # anyone may read any kab/kota
    assert [label for label, _ in buttons_of(reply)] == [
        "Kab. Tapin (Kalimantan Selatan)", "Kab. Labuhanbatu Selatan (Sumatera Utara)",
        "Kab. Pesisir Selatan (Sumatera Barat)"]


async def test_nasional_where_a_command_has_no_national_view_says_what_the_command_is_about(bot):
    expected = {
        "/belum nasional": "/belum berlaku untuk satu kab/kota; tulis nama kab/kotanya.",
        "/checklist Indonesia": "/checklist berlaku untuk satu kab/kota; tulis nama kab/kotanya.",
        "/tandai nasional 1.01 lengkap": "/tandai berlaku untuk satu kab/kota; tulis nama kab/kotanya.",
        "/umumkan nasional": "/umumkan berlaku untuk satu provinsi; tulis nama provinsinya.",
        "/verifikasi nasional": "/verifikasi berlaku untuk satu kab/kota atau provinsi; tulis nama kab/kota atau "
                                "provinsinya.",
        "/undang pic nasional": "/undang berlaku untuk satu kab/kota atau provinsi; tulis nama kab/kota atau "
                                "provinsinya.",
    }
    for line, text in expected.items():
        (reply,) = replies(await bot.say(line, STAF))
        assert reply.params["text"] == text, line
        assert buttons_of(reply) == []  # no Kab. Nias, Provinsi Aceh or Kab. Katingan
    with bot.runtime.session() as session:
        assert session.exec(select(Invite)).all() == []

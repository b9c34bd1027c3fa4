"""A verified indicator's evidence, link and note are the Kanwil's (``bot.domain.access.may_change_evidence``): the
command, the "Tambah tautan/catatan" button, files and imports refuse a PIC alike, and the button is not
offered. An indicator sent back ("perlu perbaikan") stays the PIC's to fix."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.core.models import EvidenceFile, IndicatorState
from bot.domain.access import may_change_evidence, may_set_state
from bot.domain.people import Grants
from bot.reference import regions
from tests.conftest import PIC, STAF, replies
from tests.fakes import buttons_of
from tests.test_files import send_file, snapshot
from tests.test_progress_import import HEADER, xlsx

TAPIN = regions()["63.05"]
VERIFIED_LINK = "https://kanwil.example/diperiksa.pdf"
ROW = ("63.05", "1.04", "terverifikasi", VERIFIED_LINK, "diperiksa Kanwil")
REFUSED = "sudah diverifikasi Kanwil; status, data dukung, tautan dan catatannya hanya dapat diubah staf Bidang HAM"


@pytest.fixture
async def verified(bot):
    await bot.say(f"/tandai Tapin 1.04 terverifikasi {VERIFIED_LINK}", STAF)
    await bot.say("/tandai Tapin 1.04 terverifikasi diperiksa Kanwil", STAF)
    assert snapshot(bot.runtime) == [ROW]
    return bot


async def detail_of(bot, user: int, code: str = "1.04"):
    (menu,) = replies(await bot.say("/checklist Tapin", user))
    (page,) = replies(await bot.press(menu, "kc|63.05|1|0|e", user))
    (detail,) = replies(await bot.press(page, f"ki|63.05|{code}|e", user))
    return detail


def test_the_rule():
    pic = Grants(PIC, pic=frozenset({"63.05"}))
    staf = Grants(STAF, staf=frozenset({"63"}))
    verified = IndicatorState.TERVERIFIKASI
    assert not may_change_evidence(pic, TAPIN, verified) and may_change_evidence(staf, TAPIN, verified)
    assert not may_set_state(pic, TAPIN, verified, verified)  # the same state with a new link: still a change
    assert may_change_evidence(pic, TAPIN, IndicatorState.DITOLAK)
    assert may_set_state(pic, TAPIN, IndicatorState.DITOLAK, IndicatorState.DITOLAK)  # a note while fixing
    assert not may_set_state(pic, TAPIN, IndicatorState.DITOLAK, IndicatorState.LENGKAP)
    assert not may_change_evidence(pic, regions()["63.03"], IndicatorState.BELUM)


async def test_tandai_refuses_a_new_link_on_a_verified_indicator(verified):
    bot = verified
    (reply,) = replies(await bot.say("/tandai Tapin 1.04 terverifikasi https://pic.example/lain.pdf", PIC))
    assert REFUSED in reply.params["text"]
    (reply,) = replies(await bot.say("/tandai Tapin 1.04 lengkap catatan baru", PIC))
    assert REFUSED in reply.params["text"]
    assert snapshot(bot.runtime) == [ROW]


async def test_the_button_is_not_offered_to_the_pic_and_an_old_one_is_refused(verified):
    bot = verified
    labels = [label for label, _ in buttons_of(await detail_of(bot, PIC))]
    assert "📎 Tambah tautan/catatan" not in labels and not [d for _, d in buttons_of(await detail_of(bot, PIC))
                                                              if d.startswith("ks|")]
    assert "Sudah diverifikasi Kanwil" in (await detail_of(bot, PIC)).params["text"]
    assert "📎 Tambah tautan/catatan" in [label for label, _ in buttons_of(await detail_of(bot, STAF))]
    # a message shown before the Kanwil verified still carries the button: pressing it is refused
    (reply,) = replies(await bot.press(await detail_of(bot, STAF), "📎 Tambah tautan/catatan", PIC))
    assert REFUSED in reply.params["text"]
    (hint,) = replies(await bot.say("https://pic.example/lain.pdf", PIC))  # no conversation was opened
    assert "Saya menjawab perintah" in hint.params["text"]
    assert snapshot(bot.runtime) == [ROW]


async def test_a_link_typed_after_the_button_is_refused_once_the_kanwil_verified_meanwhile(bot):
    await bot.say("/tandai Tapin 1.04 lengkap", PIC)
    (ask,) = replies(await bot.press(await detail_of(bot, PIC), "📎 Tambah tautan/catatan", PIC))
    assert "Kirim tautan data dukung" in ask.params["text"]
    await bot.say(f"/tandai Tapin 1.04 terverifikasi {VERIFIED_LINK}", STAF)
    (reply,) = replies(await bot.say("https://pic.example/lain.pdf", PIC))
    assert REFUSED in reply.params["text"]
    assert snapshot(bot.runtime) == [("63.05", "1.04", "terverifikasi", VERIFIED_LINK, None)]


async def test_files_are_refused_by_caption_and_by_reply(verified):
    bot = verified
    (reply,) = replies(await send_file(bot, PIC, b"%PDF", name="lain.pdf", caption="1.04"))
    assert REFUSED in reply.params["text"]
    old_message = await detail_of(bot, STAF)  # it has the indicator's buttons
    (reply,) = replies(await send_file(bot, PIC, b"%PDF", name="lain.pdf", reply_to=old_message))
    assert REFUSED in reply.params["text"]
    (reply,) = replies(await send_file(bot, STAF, b"%PDF", name="kanwil.pdf", caption="Tapin 1.04"))
    assert "dilampirkan" in reply.params["text"] and "Status tetap: <b>terverifikasi</b>" in reply.params["text"]
    with bot.runtime.session() as session:
        assert [f.file_name for f in session.exec(select(EvidenceFile))] == ["kanwil.pdf"]
    # the files stay the PIC's to look at
    assert "📂 Lihat 1 berkas" in [label for label, _ in buttons_of(await detail_of(bot, PIC))]


async def test_an_import_row_changing_a_verified_link_is_refused_and_an_unchanged_one_passes(verified):
    bot = verified
    rows = [HEADER, ["Tapin", "1.04", "terverifikasi", "https://pic.example/lain.pdf", "dari PIC"],
            ["Tapin", "1.05", "lengkap", "", ""]]
    (reply,) = replies(await send_file(bot, PIC, xlsx(rows)))
    assert ("baris 2: indikator 1.04 Kabupaten Tapin sudah diverifikasi Kanwil; status, tautan dan catatannya "
            "hanya dapat diubah staf Bidang HAM") in reply.params["text"]
    assert not buttons_of(reply) and snapshot(bot.runtime) == [ROW]
    # the verified row exactly as stored (a report sent back) passes; the other row is the PIC's
    rows[1] = ["Tapin", "1.04", "terverifikasi", VERIFIED_LINK, "diperiksa Kanwil"]
    (preview,) = replies(await send_file(bot, PIC, xlsx(rows)))
    assert "2 baris sah: 1 berubah, 1 tetap." in preview.params["text"]
    assert "tautan/catatan saja" not in preview.params["text"]
    (done,) = replies(await bot.press(preview, "✅ Kirim", PIC))
    assert "1 baris berubah" in done.params["text"]
    # the Kanwil may replace its own link by import
    (preview,) = replies(await send_file(bot, STAF, xlsx([HEADER, ["Tapin", "1.04", "terverifikasi",
                                                                   "https://kanwil.example/baru.pdf", ""]])))
    assert "tautan/catatan saja: 1" in preview.params["text"]


async def test_a_pic_still_adds_a_note_to_an_indicator_sent_back(bot):
    await bot.say("/tandai Tapin 1.04 perlu perbaikan belum ditandatangani", STAF)
    (ask,) = replies(await bot.press(await detail_of(bot, PIC), "📎 Tambah tautan/catatan", PIC))
    (reply,) = replies(await bot.say("sudah ditandatangani, diunggah ulang", PIC))
    assert "Catatan: sudah ditandatangani, diunggah ulang" in reply.params["text"] and ask
    (reply,) = replies(await send_file(bot, PIC, b"%PDF", name="revisi.pdf", caption="1.04"))
    assert "Status: perlu perbaikan → <b>proses</b>" in reply.params["text"]

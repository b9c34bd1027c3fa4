"""Issue 19's round trip through the real process (``python -m bot run``) over HTTP against the strict stand-in:
a PIC hands in three indicators with a photo each; the staf's ``/verifikasi Tapin`` shows them with the photos;
one is verified, one sent back with a reason (one skipped); the PIC receives that reason within minutes; and
``/status Tapin`` shows the verified and the handed-in counts apart."""

from __future__ import annotations

import pytest

from bot.core.clock import SystemClock
from bot.domain.catalog import import_sample
from bot.domain.runtime import Runtime
from tests.conftest import PIC, STAF, grant, make_settings
from tests.fakes import ApiCall, UpdateFactory, buttons_of
from tests.fakes.http_server import FakeTelegramServer
from tests.processes import eventually, start_bot, stop_bot

pytestmark = pytest.mark.slow  # the bot (or another program) as a real process

REASON = "Dokumen belum ditandatangani/disahkan"


def test_pic_to_kanwil_to_pic_through_the_running_bot(sqlite_url, tmp_path):
    rt = Runtime.start(make_settings(sqlite_url, cycle=None), SystemClock())
    with rt.session() as session:
        import_sample(session, rt.clock)
    grant(rt, STAF, "staf", "63")
    grant(rt, PIC, "pic", "63.05")
    rt.engine.dispose()
    server = FakeTelegramServer().start()
    api = server.api
    factory = UpdateFactory(None, api)
    for chat in (111, STAF, PIC):  # the admin (PANTAU_ADMIN_IDS), the staf and the PIC have written to the bot
        api.register_chat(chat)
    # the Kanwil's decisions are told 3 s after the last one here (5 minutes by default)
    bot = start_bot(server, sqlite_url, tmp_path, PANTAU_REVIEW_BATCH_MINUTES="0.05")

    def sent_to(chat: int, *words: str) -> list[ApiCall]:
        return [c for c in api.calls if c.method in ("sendMessage", "editMessageText", "sendPhoto")
                and int(c.params.get("chat_id", 0)) == chat and not getattr(c.result, "status", None)
                and all(w in (c.params.get("text") or c.params.get("caption") or "") for w in words)]

    def press(call: ApiCall, label: str, user: int, *expect: str) -> ApiCall:
        data = next(d for lbl, d in buttons_of(call) if lbl == label)
        before = len(api.calls)
        server.push(factory.press(call, data, user, raw=True))
        found = eventually(lambda: [c for c in api.calls[before:] if c.method in ("editMessageText", "sendPhoto")
                                  and all(w in (c.params.get("text") or c.params.get("caption") or "")
                                          for w in expect)])
        assert found, (label, expect, [c.params for c in api.calls[before:]])
        return found[-1]

    try:
        for code in ("1.01", "1.02", "1.03"):  # a photo each, then handed in
            photo = [{"file_id": f"foto-{code}", "file_unique_id": f"u-{code}", "width": 800, "height": 600,
                      "file_size": 4096}]
            server.push(factory.message_data("", PIC, photo=photo, caption=code))
        assert eventually(lambda: len(sent_to(PIC, "dilampirkan pada Kabupaten Tapin")) == 3)
        for code in ("1.01", "1.02", "1.03"):
            server.push(factory.message_data(f"/tandai Tapin {code} lengkap", PIC))
        assert eventually(lambda: len(sent_to(PIC, "→ <b>lengkap</b>")) == 3)

        server.push(factory.message_data("/verifikasi Tapin", STAF))
        (card,) = eventually(lambda: sent_to(STAF, "Menunggu verifikasi: 3 indikator dari 1 kab/kota"))
        assert "<code>1.01</code>" in card.params["text"]
        shown = press(card, "🖼️ foto-1.jpg", STAF, "<code>1.01</code>")  # a photo is named per indicator
        assert shown.method == "sendPhoto" and shown.params["photo"] == "foto-1.01"

        card = press(card, "✅ Terverifikasi", STAF, "<code>1.02</code>")
        assert "<code>1.01</code>: <b>terverifikasi</b>" in card.params["text"]
        assert [lbl for lbl, _ in buttons_of(card)][0] == "🖼️ foto-1.jpg"
        shown = press(card, "🖼️ foto-1.jpg", STAF, "<code>1.02</code>")
        assert shown.params["photo"] == "foto-1.02"  # its own photo
        card = press(card, "↩️ Perlu perbaikan", STAF, "Mengapa perlu perbaikan?")
        card = press(card, REASON, STAF, "<code>1.03</code>")
        assert f"<code>1.02</code>: <b>perlu perbaikan</b>. Alasan: {REASON}" in card.params["text"]
        press(card, "⏭ Lewati", STAF, "1 dilewati dan masih menunggu")

        notice = eventually(lambda: sent_to(PIC, "Hasil pemeriksaan Kanwil: Kabupaten Tapin"), 60)
        assert notice, "the PIC was not told"
        text = notice[0].params["text"]
        assert "1 indikator perlu perbaikan" in text and f"Alasan: {REASON}" in text and "<code>1.02</code>" in text
        assert "1 indikator diverifikasi Kanwil</b>: 1.01" in text
        assert buttons_of(notice[0]) == [("↩️ 1.02", "ki|63.05|1.02")]

        server.push(factory.message_data("/status Tapin", STAF))
        (status,) = eventually(lambda: sent_to(STAF, "<b>Kabupaten Tapin</b>, Kalimantan Selatan"))
    finally:
        output = stop_bot(bot, server)
    assert "Terverifikasi Kanwil: <b>1</b> dari 120 indikator" in status.params["text"]
    assert "Diajukan kab/kota, menunggu verifikasi: <b>1</b>" in status.params["text"]
    assert "perlu perbaikan 1" in status.params["text"]
    assert len(sent_to(PIC, "Hasil pemeriksaan Kanwil")) == 1  # told once
    assert not api.refusals, [(c.method, c.result) for c in api.refusals]
    assert "Traceback" not in output, output

"""/umumkan: preview with a chart, confirm, delivery through the shared limiter, report, restarts."""

from __future__ import annotations

import struct
from datetime import timedelta

from sqlmodel import select

from bot.core.models import Chat, Outbox, Subscription
from bot.domain.demo import load_demo
from bot.io.charts import chart_size, progress_chart
from bot.messaging import broadcasts
from bot.messaging.engine import DeliveryEngine
from bot.reference import provinces
from bot.telegram.sender import TelegramSender
from bot.views.broadcast import view
from tests.conftest import PIC, STAF, refused, replies
from tests.fakes import ScriptedError

GROUPS = (-100701, -100702, -100703)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_chart_of_a_province_of_17_regions(catalog):
    with catalog.session() as session:
        load_demo(session, catalog.clock, catalog.cycle(session))
        v = view(session, catalog.clock, catalog.cycle(session), provinces()["16"], catalog.thresholds)
    assert len(v.progress.rows) == 17
    png = progress_chart(v.progress, "KKP HAM Sumatera Selatan", "ambang peduli")
    assert png_size(png) == chart_size(17) == (800, 704)
    assert len(png) > 10_000


async def setup_groups(bot):
    for chat in GROUPS:
        await bot.say("/langganan Kalsel", STAF, chat_id=chat)
    with bot.runtime.session() as session:
        load_demo(session, bot.runtime.clock, bot.runtime.cycle(session))


def results(bot, chat):
    """The announcements a chat received: a photo whose caption is the text, or a text message."""
    return [c for c in bot.api.sent("sendMessage", chat) + bot.api.sent("sendPhoto", chat)
            if "Hasil KKP HAM" in (c.params.get("text") or c.params.get("caption") or "")]


def outbox(bot):
    return DeliveryEngine(bot.runtime.engine, bot.runtime.clock, lambda: bot.runtime.settings,
                            TelegramSender(bot.app.bot))


async def preview(bot):
    calls = await bot.say("/umumkan", STAF)  # staf of one province: straight to the preview
    photo = next(c for c in calls if c.method == "sendPhoto")
    message = replies(calls)[-1]
    return photo, message


async def test_preview_then_confirm_delivers_to_every_group_once(bot):
    await setup_groups(bot)
    photo, message = await preview(bot)
    assert png_size(next(iter(photo.files.values())))[0] == 800
    text = message.params["text"]
    assert text.startswith("<b>Pratinjau</b>: akan dikirim ke 3 grup")
    assert "📢 <b>Hasil KKP HAM: Provinsi Kalimantan Selatan</b>" in text
    assert "Perkiraan predikat dari kelengkapan data dukung: 9 dari 13 kab/kota peduli (69,2%)" in text
    assert "syarat provinsi (sesuai pengaturan) 60%: tercapai ✅" in text
    assert ("Indikator terverifikasi Kanwil: 1.086 dari 1.560 (69,6%) · diajukan kab/kota, menunggu verifikasi: "
            "154") in text
    assert "Per kab/kota: indikator terverifikasi Kanwil (%) · perkiraan predikat" in text
    assert "Perlu pendampingan:" in text and "Paling tertinggal" not in text
    before = len(bot.api.calls)
    assert not [c for c in bot.api.calls[before:] if c.params.get("chat_id") in GROUPS]
    (done,) = replies(await bot.press(message, "✅ Kirim", STAF))
    assert "Sedang dikirim ke 3 penerima" in done.params["text"]
    report = await outbox(bot).run_until_idle()
    # the text fits a caption: one row and one message per group (the chart with the text under it), and the
    # delivery report (an outbox row too)
    assert report.sent == 4 and report.reports == [1]
    for chat in GROUPS:
        (sent,) = bot.api.sent("sendPhoto", chat)
        assert not [c for c in bot.api.calls[before:] if c.method == "sendMessage" and c.params["chat_id"] == chat]
        assert sent.params["caption"] == message.params["text"].split("\n\n", 1)[1]
        assert sent.params["caption"].startswith("📢 <b>Hasil KKP HAM: Provinsi Kalimantan Selatan</b>")
    delivery = bot.api.sent("sendMessage", STAF)[-1].params["text"]
    assert "Laporan pengiriman" in delivery and "Terkirim: 3" in delivery
    again = await outbox(bot).run_until_idle()
    assert again.sent == 0
    calls = await bot.press(message, "✅ Kirim", STAF)  # a second press sends nothing more
    assert "sudah dikirim" in " ".join(c.params.get("text", "") for c in calls)


async def test_focal_points_get_their_own_line(bot):
    await setup_groups(bot)
    await bot.say("/start", PIC)
    _photo, message = await preview(bot)
    (toggled,) = replies(await bot.press(message, "👥 Kirim juga ke PIC", STAF))
    assert "dan 1 PIC" in toggled.params["text"]
    await bot.press(toggled, "✅ Kirim", STAF)
    await outbox(bot).run_until_idle()
    (mine,) = results(bot, PIC)
    assert "Hasil KKP HAM: Kabupaten Tapin" in mine.params["text"] and "peringkat" in mine.params["text"]
    # the province's figure is named as the province's, not read as a second figure of their own
    assert ("Seluruh Provinsi Kalimantan Selatan:\nPerkiraan predikat dari kelengkapan data dukung: 9 dari 13 "
            "kab/kota peduli") in mine.params["text"]
    delivery = bot.api.sent("sendMessage", STAF)[-1].params["text"]
    assert "Pengguna (Kab. Tapin)" in delivery  # a focal point with their kab/kota: first names repeat


async def test_cancel_sends_nothing(bot):
    await setup_groups(bot)
    _photo, message = await preview(bot)
    await bot.press(message, "✖️ Batal", STAF)
    assert (await outbox(bot).run_until_idle()).claimed == 0


async def test_429_is_waited_out_and_a_blocked_group_is_reported(bot):
    await setup_groups(bot)
    _photo, message = await preview(bot)
    await bot.press(message, "✅ Kirim", STAF)
    bot.api.fail_next("sendPhoto", ScriptedError(429, "Too Many Requests: retry after 5", retry_after=5))
    stamps = []
    bot.api.listener = lambda call: stamps.append((call.params.get("chat_id"), bot.time.now()))
    report = await outbox(bot).run_once()
    assert report.sent == 3 and bot.limiter.waited == [5.0]
    assert bot.time.now() >= 5.0  # the fake clock really waited
    for chat in GROUPS:  # one message each (the photo with its caption), the refused one sent again
        assert len([t for c, t in stamps if c == chat]) == 1


async def test_blocked_group(bot):
    await setup_groups(bot)
    with bot.runtime.session() as session:
        for i, chat in enumerate(GROUPS):
            session.get(Chat, chat).title = f"Grup {i + 1}"
    _photo, message = await preview(bot)
    await bot.press(message, "✅ Kirim", STAF)
    bot.api.fail_next("sendPhoto", ScriptedError(403, "Forbidden: bot was kicked from the supergroup chat"))
    report = await outbox(bot).run_until_idle()
    assert report.sent == 3 and report.failed == 1  # two groups and the delivery report; one refused
    assert not results(bot, GROUPS[2])
    delivery = bot.api.sent("sendMessage", STAF)[-1].params["text"]
    # rows go out in chat-id order, so the first (refused) is -100703, "Grup 3"
    assert "Terkirim: 2 (Grup 2, Grup 1)" in delivery and "Diblokir/dikeluarkan: 1 (Grup 3)" in delivery
    with bot.runtime.session() as session:
        blocked = session.exec(select(Subscription).where(Subscription.chat_id.in_(GROUPS))).all()
    assert sorted((s.chat_id, s.active) for s in blocked) == sorted(
        [(GROUPS[0], True), (GROUPS[1], True), (GROUPS[2], False)])


async def test_a_restart_half_way_skips_nobody_and_doubles_nobody(bot):
    await setup_groups(bot)
    _photo, message = await preview(bot)
    await bot.press(message, "✅ Kirim", STAF)

    class Crash(Exception):
        pass

    sent_before_crash = []

    def die_after_first(step, row_id):
        if step == "before_send" and sent_before_crash:
            raise Crash
        if step == "after_send":
            sent_before_crash.append(row_id)

    first = DeliveryEngine(bot.runtime.engine, bot.runtime.clock, lambda: bot.runtime.settings,
                             TelegramSender(bot.app.bot), worker_id="old", checkpoint=die_after_first)
    try:
        await first.run_once()
    except Crash:
        pass
    from datetime import timedelta

    bot.runtime.clock.advance(timedelta(minutes=6))  # the dead process's lease runs out
    await outbox(bot).run_until_idle()
    for chat in GROUPS:
        assert len(results(bot, chat)) == 1, chat
    with bot.runtime.session() as session:
        assert {r.status for r in session.exec(select(Outbox))} == {"sent"}


async def test_a_text_too_long_for_a_caption_follows_the_photo(runtime):
    from bot.core.models import Broadcast, Outbox
    from bot.core.telegram_text import fits_caption
    from tests.fakes import RecordingSender

    short = "📢 <b>Hasil &amp; capaian</b>\n" + "x" * 990
    long = "📢 <b>Hasil &amp; capaian</b>\n" + "x" * 1010
    assert fits_caption(short) and not fits_caption(long)  # tags do not count, the entity is one character
    now = runtime.clock.now()
    with runtime.session() as session:
        b = Broadcast(province_code="63", created_at=now, status="confirmed", text=long, chart=b"PNG")
        session.add(b)
        session.flush()
        session.add(Outbox(key="a", chat_id=-1001, broadcast_id=b.id, text=short, with_chart=True, due_at=now))
        session.add(Outbox(key="b", chat_id=-1002, broadcast_id=b.id, text=long, with_chart=True, due_at=now))
    sender = RecordingSender()
    report = await DeliveryEngine(runtime.engine, runtime.clock, lambda: runtime.settings, sender).run_until_idle()
    assert report.sent == 2
    assert [(c, caption) for c, _png, caption in sender.photos] == [(-1001, short), (-1002, "📢 Hasil &amp; capaian")]
    assert sender.sent == [(-1002, long)]


async def test_one_slow_chat_does_not_hold_up_the_others(runtime):
    import asyncio

    from bot.core.models import Outbox
    from tests.fakes import RecordingSender

    now = runtime.clock.now()
    with runtime.session() as session:
        for i, chat in enumerate((-1001, -1002, -1003)):
            session.add(Outbox(key=f"k{i}", chat_id=chat, text=f"pesan {chat}", due_at=now))
    others_done = asyncio.Event()

    class SlowFirst(RecordingSender):
        async def send(self, chat_id, reply):
            if chat_id == -1001:  # this chat waits (a 429, a slow network) until the others went out
                await asyncio.wait_for(others_done.wait(), timeout=5)
            result = await super().send(chat_id, reply)
            if {c for c, _ in self.sent} >= {-1002, -1003}:
                others_done.set()
            return result

    sender = SlowFirst()
    report = await DeliveryEngine(runtime.engine, runtime.clock, lambda: runtime.settings, sender).run_until_idle()
    assert report.sent == 3
    assert [c for c, _ in sender.sent][-1] == -1001


async def test_umumkan_uses_its_argument(bot):
    from tests.conftest import ADMIN

    await setup_groups(bot)
    calls = await bot.say("/umumkan Kalsel", ADMIN)  # an admin may announce anywhere: no province question
    message = replies(calls)[-1]
    assert "📢 <b>Hasil KKP HAM: Provinsi Kalimantan Selatan</b>" in message.params["text"]
    calls = await bot.say("/umumkan Kaltim", STAF)  # not the staf's province
    assert refused(replies(calls)[-1].params["text"])


async def test_no_kirim_without_recipients_and_it_says_why(bot):
    from tests.fakes import buttons_of

    calls = await bot.say("/umumkan", STAF)  # no group subscribed; one PIC (Tapin) registered
    message = replies(calls)[-1]
    text = message.params["text"]
    assert "belum ada penerima" in text and "/langganan" in text
    assert "tekan “👥 Kirim juga ke PIC” untuk mengirim ke 1 PIC" in text
    assert [label for label, _ in buttons_of(message)] == ["👥 Kirim juga ke PIC", "✖️ Batal"]
    (to_pics,) = replies(await bot.press(message, "👥 Kirim juga ke PIC", STAF))
    assert [label for label, _ in buttons_of(to_pics)] == ["✅ Kirim", "👥 Tanpa PIC", "✖️ Batal"]


async def test_a_region_without_data_is_not_named_as_behind(bot):
    from tests.conftest import ADMIN

    await bot.say("/tandai Tapin 1.01 terverifikasi", ADMIN)  # only Tapin has any data
    message = replies(await bot.say("/umumkan Kalsel", ADMIN))[-1]
    text = message.params["text"]
    assert text.rstrip().endswith("Perlu pendampingan: Kab. Tapin")
    assert "Kab. Tapin: 0,8% · kurang peduli" in text
    assert "Kab. Tanah Laut: belum ada data" in text and "0% · kurang peduli" not in text


def test_a_broadcast_is_found_by_its_id_and_a_missing_one_is_none(runtime, clock):
    with runtime.session() as session:
        made = broadcasts.create(session, clock, provinces()["63"], STAF, "Hasil", b"png")
        key = made.id
    with runtime.session() as session:
        found = broadcasts.find(session, key)
        assert found is not None and (found.province_code, found.text, found.status) == ("63", "Hasil", "preview")
        assert broadcasts.find(session, key + 1000) is None


async def test_next_events_are_those_still_ahead(bot):
    """Thursday 25 January 2024, 10.00 WITA: this morning's 09.00 rakor is over and not "berikutnya"; a deadline
    today (until the day ends) and tomorrow's rakor are."""
    await setup_groups(bot)
    now = bot.runtime.clock.now()
    bot.runtime.clock.set(now - timedelta(hours=3))  # created at 07.00, before it began
    (made,) = replies(await bot.say("/jadwal_tambah rakor Kalsel 2024-01-25 09:00 Rakor pagi ini", STAF))
    assert "Acara dibuat" in made.params["text"]
    bot.runtime.clock.set(now)
    await bot.say("/jadwal_tambah kkpham Kalsel 2024-01-25 Batas hari ini", STAF)
    await bot.say("/jadwal_tambah rakor Kalsel 2024-01-26 09:00 Rakor besok", STAF)
    _photo, message = await preview(bot)
    upcoming = message.params["text"].split("Jadwal berikutnya:", 1)[1]
    assert "Rakor besok" in upcoming and "Batas hari ini" in upcoming and "Rakor pagi ini" not in upcoming

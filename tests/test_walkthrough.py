"""Every command, every button flow and every scheduled message, through the strict stand-in: zero refusals.

Walked in both languages, in a private chat and in a group. The stand-in (``tests.fakes.bot_api``) refuses what
Telegram refuses (HTML it cannot parse, lengths, unknown chats, 429s), so a refusal here is a message
Telegram would not have delivered. The walk presses every button it meets (two levels deep).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.demo import load_demo
from bot.messaging.engine import DeliveryEngine
from bot.telegram.sender import TelegramSender
from tests.conftest import ADMIN, PIC, STAF, VIEWER, BotHarness, grant
from tests.fakes import ApiCall, buttons_of

pytestmark = pytest.mark.slow  # every flow in both languages and both chats: the full run's, not the unit tests'

GROUP = -100500
APOLOGY = ("Maaf, terjadi kesalahan", "Sorry, something went wrong")

LINES = [
    "/start", "/bantuan", "/help", "/status", "/status Tapin", "/status Kalsel", "/status Mura", "/status Tapn",
    "/status Kota Banjar", "/status xyz", "/status <b>&", "/belum", "/belum Tapin", "/belum Tapin 3",
    "/belum Kalsel", "/checklist", "/checklist Tapin", "/checklist Kalsel", "/tandai", "/tandai Tapin",
    "/tandai Tapin 1.01 lengkap https://tapinkab.go.id/perda.pdf", "/tandai Tapin 1.02 proses <i>catatan</i> & co",
    "/tandai Tapin 9.99 lengkap", "/tandai Kalsel 1.01 lengkap", "/jadwal", "/jadwal Tapin", "/jadwal Kalsel",
    "/kalender", "/kalender Kalsel", "/aksi", "/aksi Tapin", "/aksi Tapin B04 2024 80", "/aksi Tapin B13",
    "/riwayat", "/riwayat Tapin", "/jadwal_tambah rakor Kalsel 2024-06-19 09:00 Rakor B08 | ingatkan 3d,1d,2h",
    "/jadwal_tambah kkpham Tapin 2024-03-21 Batas data dukung", "/jadwal_tambah", "/batal",
    "/jadwal_tambah xyz", "/jadwal_ubah", "/jadwal_ubah 1 judul Rakor B08 (diubah)", "/jadwal_ubah 1 lokasi Aula",
    "/jadwal_ubah 1 tanggal 2024-06-20 10:00", "/jadwal_ubah 999 judul X", "/jadwal_batal", "/jadwal_batal 999",
    "/langganan", "/langganan Tapin", "/undang", "/undang pic Tapin", "/undang staf Kalsel", "/anggota",
    "/anggota Kalsel", "/cabut", "/cabut @nobody", "/umumkan", "/berhenti", "/foo", "/stat Tapin", "halo",
    "/keluar",
]


async def walk(bot: BotHarness, calls: list[ApiCall], user: int, depth: int) -> None:
    """Press every button of every message in ``calls`` (and of what they answer), ``depth`` levels deep."""
    if depth == 0:
        return
    for call in list(calls):
        if isinstance(call.result, dict):
            for _label, data in buttons_of(call):
                if not data or data.startswith(("um|send", "ra|", "rz|")):  # sending and answering: below
                    continue
                more = await bot.press(call, data, user)
                await walk(bot, [c for c in more if c.method in ("sendMessage", "editMessageText")], user, depth - 1)


def texts(bot: BotHarness) -> str:
    return "\n".join(str(c.params.get("text") or c.params.get("caption") or "") for c in bot.api.calls)


@pytest.mark.parametrize("locale", ["id", "en"])
@pytest.mark.parametrize("where", ["private", "group"])
async def test_every_flow_is_accepted_by_telegram(catalog, locale, where):
    rt = catalog
    rt.settings = rt.settings.model_copy(update={"locale": locale})
    grant(rt, VIEWER, "pemantau", "63.05")
    grant(rt, STAF, "staf", "63")
    grant(rt, PIC, "pic", "63.05")
    with rt.session() as session:
        load_demo(session, rt.clock, rt.cycle(session))
    bot = BotHarness(rt)
    bot.api.register_chat(ADMIN)
    await bot.app.initialize()
    await bot.app.post_init(bot.app)
    chat = None if where == "private" else GROUP
    try:
        await bot.app.process_update(bot.factory.my_member(GROUP, "member", ADMIN, "Grup HAM Kalsel"))
        await bot.say("/langganan Kalsel", STAF, chat_id=GROUP)
        await bot.say("/start", PIC)
        for user in (ADMIN, PIC):
            for line in LINES:
                calls = await bot.say(line, user, chat_id=chat)
                await walk(bot, calls, user, depth=2)
        # the guided conversation, step by step
        (kind,) = [c for c in await bot.say("/jadwal_tambah", ADMIN, chat_id=chat) if c.method == "sendMessage"]
        (scope,) = [c for c in await bot.press(kind, buttons_of(kind)[0][1]) if c.method == "editMessageText"]
        await bot.say("Tapin", ADMIN, chat_id=chat)
        date_msg = bot.api.last()
        await bot.say("2024-02-20", ADMIN, chat_id=chat)
        time_msg = bot.api.last()
        await bot.press(time_msg, buttons_of(time_msg)[0][1])
        await bot.say("Rakor panduan <uji> & coba", ADMIN, chat_id=chat)
        preview = bot.api.last()
        await bot.press(preview, buttons_of(preview)[0][1])
        assert date_msg and scope
        # a broadcast to the group and the focal points, and its delivery report
        umumkan = await bot.say("/umumkan", STAF)
        message = [c for c in umumkan if c.method == "sendMessage"][-1]
        toggle = next(data for _, data in buttons_of(message) if "|pic|" in data)
        toggled = [c for c in await bot.press(message, toggle, STAF) if c.method == "editMessageText"][-1]
        kirim = [data for _, data in buttons_of(toggled) if "|ok|" in data]  # only offered with a recipient
        if kirim:
            await bot.press(toggled, kirim[0], STAF)
        outbox = DeliveryEngine(rt.engine, rt.clock, lambda: rt.settings, TelegramSender(bot.app.bot))
        await outbox.run_until_idle()
        # reminders, their buttons, a moved and a cancelled notice, the escalation, the "terlewat" summary
        dispatcher = DeliveryEngine(rt.engine, rt.clock, lambda: rt.settings, TelegramSender(bot.app.bot))
        await bot.say("/langganan Tapin", STAF, chat_id=GROUP)
        for when in (datetime(2024, 3, 14, 0, 0, tzinfo=UTC), datetime(2024, 3, 20, 0, 0, tzinfo=UTC)):
            rt.clock.set(when)
            await dispatcher.run_once()
        reminder = next(c for c in reversed(bot.api.calls) if c.method == "sendMessage"
                        and int(c.params["chat_id"]) == GROUP and buttons_of(c))
        for _, data in buttons_of(reminder):
            await bot.press(reminder, data, ADMIN)
        await bot.say("/jadwal_ubah 2 tanggal 2024-03-22", ADMIN)
        await bot.say("/jadwal_batal 2", ADMIN)
        rt.clock.set(datetime(2024, 3, 21, 2, 0, tzinfo=UTC))
        await dispatcher.run_once()
        rt.clock.set(datetime(2024, 6, 25, 0, 0, tzinfo=UTC))  # the bot was "down": missed reminders fold
        await dispatcher.run_once()
        rt.clock.set(datetime(2024, 7, 1, 0, 0, tzinfo=UTC))  # Monday: the weekly digest
        await dispatcher.run_once()
        await outbox.run_until_idle()
    finally:
        await bot.app.shutdown()
    refused = sorted({f"{c.method}: {c.result.description[:70]} <- {str(c.params.get('text') or '')[:60]!r}"
                      for c in bot.api.refusals})
    assert not refused, "\n".join(refused)
    sent = texts(bot)
    assert not any(a in sent for a in APOLOGY)
    assert len(bot.api.sent("sendMessage")) > 150

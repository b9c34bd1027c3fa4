"""Conversations live in the database: a restart (or another copy of the bot) continues them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.core.models import ChecklistEntry, Event
from tests.conftest import ADMIN, PIC, BotHarness, replies


async def restarted(bot: BotHarness) -> BotHarness:
    """A new Application on the same database, as after a restart or on a second replica."""
    await bot.app.shutdown()
    fresh = BotHarness(bot.runtime)
    fresh.api.chats.update(bot.api.chats)
    fresh.api.messages.update(bot.api.messages)
    await fresh.app.initialize()
    return fresh


async def test_guided_jadwal_tambah_survives_a_restart_at_every_step(bot):
    (kind,) = replies(await bot.say("/jadwal_tambah"))
    bot = await restarted(bot)
    (scope,) = replies(await bot.press(kind, "Rapat koordinasi"))
    bot = await restarted(bot)
    (date_msg,) = replies(await bot.say("Tapin"))
    assert "Tanggal?" in date_msg.params["text"]
    bot = await restarted(bot)
    (time_msg,) = replies(await bot.say("2024-02-20"))
    bot = await restarted(bot)
    (title_msg,) = replies(await bot.press(time_msg, "09.00"))
    bot = await restarted(bot)
    (preview,) = replies(await bot.say("Rakor sesudah restart"))
    bot = await restarted(bot)
    (saved,) = replies(await bot.press(preview, "💾 Simpan"))
    assert "✔️ Acara dibuat" in saved.params["text"]
    with bot.runtime.session() as session:
        assert [e.title for e in session.exec(select(Event))] == ["Rakor sesudah restart"]
    assert not bot.api.refusals
    await bot.app.shutdown()


async def test_a_conversation_is_per_person_and_chat(bot):
    """The admin's open wizard does not swallow another person's text, nor the admin's text elsewhere."""
    await bot.say("/jadwal_tambah")
    (hint,) = replies(await bot.say("Tapin", PIC))
    assert "/bantuan" in hint.params["text"]
    assert replies(await bot.say("Tapin", ADMIN, chat_id=-100321)) == []  # group text is not for the bot


async def test_a_conversation_expires(bot):
    (kind,) = replies(await bot.say("/jadwal_tambah"))
    bot.runtime.clock.advance(timedelta(hours=1))
    calls = await bot.press(kind, "Rapat koordinasi")
    alert = next(c for c in calls if c.method == "answerCallbackQuery")
    assert "sudah berakhir" in alert.params["text"]


async def test_pending_note_survives_a_restart(bot):
    await bot.say("/tandai Tapin 1.01 proses", PIC)
    (menu,) = replies(await bot.say("/checklist Tapin", PIC))
    (page,) = replies(await bot.press(menu, "kc|63.05|1|0|e", PIC))
    (detail,) = replies(await bot.press(page, "ki|63.05|1.01|e", PIC))
    await bot.press(detail, "📎 Tambah tautan/catatan", PIC)
    bot = await restarted(bot)
    (done,) = replies(await bot.say("https://tapinkab.go.id/perda-bantuan-hukum.pdf", PIC))
    assert "Data dukung" in done.params["text"]
    with bot.runtime.session() as session:
        entry = session.exec(select(ChecklistEntry).where(ChecklistEntry.indicator_code == "1.01")).one()
    assert entry.link == "https://tapinkab.go.id/perda-bantuan-hukum.pdf"
    (reply,) = replies(await bot.say("/batal", PIC))
    assert "Tidak ada yang sedang berlangsung" in reply.params["text"]
    await bot.app.shutdown()


async def test_unknown_commands_and_plain_text_get_a_hint(bot):
    (reply,) = replies(await bot.say("/foo"))
    assert "/foo tidak dikenal" in reply.params["text"] and "/bantuan" in reply.params["text"]
    (reply,) = replies(await bot.say("/stat Tapin"))
    assert "Maksud Anda /status?" in reply.params["text"]
    (reply,) = replies(await bot.say("halo"))
    assert "/bantuan" in reply.params["text"]
    # in a group: only a command addressed to this bot is answered
    assert replies(await bot.say("/foo", ADMIN, chat_id=-100322)) == []
    assert replies(await bot.say("/foo@AnotherBot", ADMIN, chat_id=-100322)) == []
    (reply,) = replies(await bot.say("/foo@PantauHAMBot", ADMIN, chat_id=-100322))
    assert "/foo tidak dikenal" in reply.params["text"]
    assert not bot.api.refusals


def test_expired_rows_are_not_current(runtime):
    from bot.domain import conversations
    from bot.domain.conversations import Conversation

    with runtime.session() as session:
        conversations.save(session, runtime.clock, 1, 2, Conversation("k", "s", {"a": 1}), ttl=timedelta(minutes=5))
    with runtime.session() as session:
        assert conversations.current(session, runtime.clock, 1, 2).data == {"a": 1}
        assert conversations.current(session, runtime.clock, 1, 2, kind="other") is None
    runtime.clock.advance(timedelta(minutes=6))
    with runtime.session() as session:
        assert conversations.current(session, runtime.clock, 1, 2) is None
    assert runtime.clock.now() > datetime(2024, 1, 25, tzinfo=UTC)

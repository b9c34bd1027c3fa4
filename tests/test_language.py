"""Per-person language: Telegram's language_code, /bahasa (stored), groups in PANTAU_LOCALE, menus in both."""

from __future__ import annotations

from telegram import Update

from bot.models import Person
from tests.conftest import ADMIN, VIEWER, replies


async def say_as(bot, text: str, user_id: int, language_code: str, chat_id: int | None = None):
    data = bot.factory.message(text, user_id, chat_id).to_dict()
    data["message"]["from"]["language_code"] = language_code
    before = len(bot.api.calls)
    await bot.app.process_update(Update.de_json(data, bot.app.bot))
    return bot.api.calls[before:]


async def test_english_telegram_gets_english_and_others_indonesian(bot):
    (english,) = replies(await say_as(bot, "/status Tapin", VIEWER, "en-GB"))
    assert "Verified by the Kanwil" in english.params["text"]
    assert "KKP HAM 2024 (awarded 2025)" in english.params["text"]
    (indonesian,) = replies(await say_as(bot, "/status Tapin", VIEWER, "id"))
    assert "Terverifikasi Kanwil" in indonesian.params["text"]
    (other,) = replies(await say_as(bot, "/status Tapin", VIEWER, "de"))
    assert "Terverifikasi Kanwil" in other.params["text"]


async def test_bahasa_is_stored_and_wins_over_telegram(bot):
    (done,) = replies(await say_as(bot, "/bahasa en", VIEWER, "id"))
    assert "in English" in done.params["text"]
    with bot.runtime.session() as session:
        assert session.get(Person, VIEWER).language == "en"
    (reply,) = replies(await say_as(bot, "/status Tapin", VIEWER, "id"))
    assert "Verified by the Kanwil" in reply.params["text"]
    (back,) = replies(await say_as(bot, "/bahasa id", VIEWER, "en"))
    assert "bahasa Indonesia" in back.params["text"]
    (reply,) = replies(await say_as(bot, "/status Tapin", VIEWER, "en"))
    assert "Terverifikasi Kanwil" in reply.params["text"]
    (bad,) = replies(await say_as(bot, "/bahasa jawa", VIEWER, "id"))
    assert "Bahasa “jawa” tidak tersedia" in bad.params["text"]


async def test_a_group_reads_the_configured_language(bot):
    await bot.say("/langganan Tapin", ADMIN, chat_id=-100555)
    await say_as(bot, "/bahasa en", ADMIN, "id")
    (reply,) = replies(await say_as(bot, "/status Tapin", ADMIN, "en", chat_id=-100555))
    assert "Terverifikasi Kanwil" in reply.params["text"]


async def test_one_persons_language_does_not_leak_to_the_next(bot):
    await say_as(bot, "/status Tapin", VIEWER, "en")
    (reply,) = replies(await bot.say("/status Tapin", VIEWER))
    assert "Terverifikasi Kanwil" in reply.params["text"]


async def test_private_menus_offer_bahasa_in_both_languages(bot):
    from tests.conftest import PIC

    menus = bot.api.menus
    assert "bahasa" in menus[("chat", ADMIN, "")] and "bahasa" in menus[("chat", ADMIN, "en")]
    await bot.say("/start", PIC)
    assert "bahasa" in menus[("chat", PIC, "")]
    assert "bahasa" not in menus[("all_group_chats", None, "")]  # a personal choice, not a group's
    english = [c for c in bot.api.sent("setMyCommands") if c.params.get("language_code") == "en"
               and c.params.get("scope", {}).get("chat_id") == ADMIN][-1]
    assert {"command": "bahasa", "description": "Choose the language: id or en"} in english.params["commands"]


async def test_reminders_reach_a_private_chat_in_its_persons_language(catalog):
    from datetime import UTC, datetime

    from bot.language import choose_language
    from bot.reference import regions
    from bot.subscriptions import subscribe
    from schedules.calendar import parse_line
    from schedules.dispatcher import Dispatcher
    from schedules.events import add
    from tests.fakes import RecordingSender

    rt = catalog
    with rt.session() as session:
        subscribe(session, rt.clock, 4242, regions()["63.05"], None)  # a focal point's private chat
        subscribe(session, rt.clock, -100777, regions()["63.05"], None)  # Tapin's group
        choose_language(session, rt.clock, 4242, "PIC", None, "en")
        add(session, rt.clock, rt.settings, parse_line("rakor Tapin 2024-02-02 09:00 Rakor evaluasi"), None)
    rt.clock.set(datetime(2024, 1, 26, 0, 0, tzinfo=UTC))  # the 7-day reminder, Friday 08:00 WITA
    sender = RecordingSender()
    await Dispatcher(rt.engine, rt.clock, lambda: rt.settings, sender).run_once()
    (private,) = sender.texts(4242)
    (group,) = sender.texts(-100777)
    assert "Reminder" in private and "Pengingat" not in private
    assert "Pengingat: Rakor evaluasi" in group


async def test_what_the_bot_sends_unasked_follows_the_telegram_app_language(bot):
    """No /bahasa chosen: a person whose Telegram app is in English gets reminders in English too."""
    from datetime import UTC, datetime

    from bot.language import reader_language
    from bot.reference import regions
    from bot.subscriptions import subscribe
    from schedules.calendar import parse_line
    from schedules.dispatcher import Dispatcher
    from schedules.events import add
    from tests.fakes import RecordingSender

    await say_as(bot, "/start", 4343, "en-US")
    await say_as(bot, "/start", 4344, "id")
    rt = bot.runtime
    with rt.session() as session:
        assert (reader_language(session, 4343, "id"), reader_language(session, 4344, "id")) == ("en", "id")
        for chat in (4343, 4344):
            subscribe(session, rt.clock, chat, regions()["63.05"], None)
        add(session, rt.clock, rt.settings, parse_line("rakor Tapin 2024-02-02 09:00 Rakor evaluasi"), None)
    rt.clock.set(datetime(2024, 1, 26, 0, 0, tzinfo=UTC))
    sender = RecordingSender()
    await Dispatcher(rt.engine, rt.clock, lambda: rt.settings, sender).run_once()
    assert "Reminder" in sender.texts(4343)[0] and "Pengingat" in sender.texts(4344)[0]
    await say_as(bot, "/bahasa id", 4343, "en-US")  # a choice wins over the app's language
    with rt.session() as session:
        assert reader_language(session, 4343, "id") == "id"


async def test_a_broadcast_is_written_in_the_groups_language_whatever_the_sender_reads(bot):
    from tests.conftest import STAF

    await bot.say("/langganan Kalsel", STAF, chat_id=-100778)
    await say_as(bot, "/bahasa en", STAF, "en")
    message = replies(await say_as(bot, "/umumkan", STAF, "en"))[-1]
    text = message.params["text"]
    assert text.startswith("<b>Preview</b>")  # what the sender reads: English
    assert "📢 <b>Hasil KKP HAM: Provinsi Kalimantan Selatan</b>" in text  # what the groups will read

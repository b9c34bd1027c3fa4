"""Per-person language: Indonesian for everyone, English for those who chose it with /bahasa en (stored);
a Telegram app in English is told once that /bahasa en exists; groups in PANTAU_LOCALE."""

from __future__ import annotations

from telegram import Update

from bot.core.models import Person
from tests.conftest import ADMIN, PIC, VIEWER, replies


async def say_as(bot, text: str, user_id: int, language_code: str, chat_id: int | None = None):
    data = bot.factory.message(text, user_id, chat_id).to_dict()
    data["message"]["from"]["language_code"] = language_code
    before = len(bot.api.calls)
    await bot.app.process_update(Update.de_json(data, bot.app.bot))
    return bot.api.calls[before:]


HINT = "This bot answers in Indonesian. For answers in English, send /bahasa en."


async def test_an_english_telegram_app_reads_indonesian_and_is_told_once_of_bahasa_en(bot):
    first = replies(await say_as(bot, "/status Tapin", VIEWER, "en-GB"))
    assert [c.params["text"] for c in first[:1]] == [HINT]  # one short line, in English
    assert "<b>Belum ada data</b> pada siklus ini" in first[1].params["text"] and len(first) == 2
    (again,) = replies(await say_as(bot, "/status Tapin", VIEWER, "en-GB"))  # told once only
    assert "<b>Belum ada data</b> pada siklus ini" in again.params["text"]
    (other,) = replies(await say_as(bot, "/status Tapin", VIEWER, "de"))
    assert "<b>Belum ada data</b> pada siklus ini" in other.params["text"]
    with bot.runtime.session() as session:
        assert session.get(Person, VIEWER).language is None  # told, not chosen for


async def test_the_hint_is_remembered_across_a_restart_and_not_given_to_indonesian_apps(bot):
    from tests.conftest import BotHarness

    await say_as(bot, "/bantuan", 5151, "en-US")
    replies_id = replies(await say_as(bot, "/bantuan", 5152, "id"))
    assert HINT not in [c.params["text"] for c in replies_id]
    again = BotHarness(bot.runtime, bot.api)  # a new process: the database remembers
    await again.app.initialize()
    try:
        calls = replies(await say_as(again, "/bantuan", 5151, "en-US"))
    finally:
        await again.app.shutdown()
    assert HINT not in [c.params["text"] for c in calls] and len(calls) == 1


async def test_choosing_english_straight_away_gets_no_hint(bot):
    (done,) = replies(await say_as(bot, "/bahasa en", 5153, "en"))
    assert "in English" in done.params["text"]
    (reply,) = replies(await say_as(bot, "/bantuan", 5153, "en"))
    assert "KKP HAM" in reply.params["text"] and HINT not in reply.params["text"]


async def test_bahasa_is_stored_and_wins_over_telegram(bot):
    (done,) = replies(await say_as(bot, "/bahasa en", VIEWER, "id"))
    assert "in English" in done.params["text"]
    with bot.runtime.session() as session:
        assert session.get(Person, VIEWER).language == "en"
    (reply,) = replies(await say_as(bot, "/status Tapin", VIEWER, "id"))
    assert "<b>No data yet</b> in this cycle" in reply.params["text"]
    (back,) = replies(await say_as(bot, "/bahasa id", VIEWER, "en"))
    assert "bahasa Indonesia" in back.params["text"]
    (reply,) = replies(await say_as(bot, "/status Tapin", VIEWER, "en"))
    assert "<b>Belum ada data</b> pada siklus ini" in reply.params["text"]
    (bad,) = replies(await say_as(bot, "/bahasa jawa", VIEWER, "id"))
    assert "Bahasa “jawa” tidak tersedia" in bad.params["text"]


async def test_a_group_reads_the_configured_language(bot):
    await bot.say("/langganan Tapin", ADMIN, chat_id=-100555)
    await say_as(bot, "/bahasa en", ADMIN, "id")
    (reply,) = replies(await say_as(bot, "/status Tapin", ADMIN, "en", chat_id=-100555))
    assert "<b>Belum ada data</b> pada siklus ini" in reply.params["text"]


async def test_one_persons_language_does_not_leak_to_the_next(bot):
    await say_as(bot, "/bahasa en", VIEWER, "en")
    await say_as(bot, "/status Tapin", VIEWER, "en")
    (reply,) = replies(await bot.say("/status Tapin", PIC))
    assert "<b>Belum ada data</b> pada siklus ini" in reply.params["text"]


async def test_private_menus_offer_bahasa_and_follow_the_chosen_language(bot):
    menus = bot.api.menus
    assert "bahasa" in menus[("chat", ADMIN, "")] and not menus.get(("chat", ADMIN, "en"))
    await say_as(bot, "/start", PIC, "en-US")
    assert "bahasa" in menus[("chat", PIC, "")] and "saya" in menus[("chat", PIC, "")]
    assert "bahasa" not in menus[("all_group_chats", None, "")]  # a personal choice, not a group's

    def menu_of(chat_id):
        return [c for c in bot.api.sent("setMyCommands") if c.params.get("scope", {}).get("chat_id") == chat_id][-1]

    assert {"command": "bahasa", "description": "Pilih bahasa: id atau en"} in menu_of(PIC).params["commands"]
    await say_as(bot, "/bahasa en", PIC, "en-US")  # chose English: the private menu follows
    assert {"command": "bahasa", "description": "Choose the language: id or en"} in menu_of(PIC).params["commands"]
    assert "language_code" not in menu_of(PIC).params
    await say_as(bot, "/bahasa id", PIC, "en-US")
    assert {"command": "bahasa", "description": "Pilih bahasa: id atau en"} in menu_of(PIC).params["commands"]
    assert not bot.api.refusals


async def test_reminders_reach_a_private_chat_in_its_persons_language(catalog):
    from datetime import UTC, datetime

    from bot.domain.language import choose_language
    from bot.domain.subscriptions import subscribe
    from bot.messaging.engine import DeliveryEngine
    from bot.reference import regions
    from schedules.calendar import parse_line
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
    await DeliveryEngine(rt.engine, rt.clock, lambda: rt.settings, sender).run_once()
    (private,) = sender.texts(4242)
    (group,) = sender.texts(-100777)
    assert "Reminder" in private and "Pengingat" not in private
    assert "Pengingat: Rakor evaluasi" in group


async def test_what_the_bot_sends_unasked_is_indonesian_unless_english_was_chosen(bot):
    """No /bahasa chosen: a person whose Telegram app is in English gets reminders in Indonesian."""
    from datetime import UTC, datetime

    from bot.domain.language import reader_language
    from bot.domain.subscriptions import subscribe
    from bot.messaging.engine import DeliveryEngine
    from bot.reference import regions
    from schedules.calendar import parse_line
    from schedules.events import add
    from tests.fakes import RecordingSender

    await say_as(bot, "/start", 4343, "en-US")
    await say_as(bot, "/start", 4344, "id")
    rt = bot.runtime
    with rt.session() as session:
        assert (reader_language(session, 4343, "id"), reader_language(session, 4344, "id")) == ("id", "id")
        for chat in (4343, 4344):
            subscribe(session, rt.clock, chat, regions()["63.05"], None)
        add(session, rt.clock, rt.settings, parse_line("rakor Tapin 2024-02-02 09:00 Rakor evaluasi"), None)
    rt.clock.set(datetime(2024, 1, 26, 0, 0, tzinfo=UTC))
    sender = RecordingSender()
    await DeliveryEngine(rt.engine, rt.clock, lambda: rt.settings, sender).run_once()
    assert "Pengingat" in sender.texts(4343)[0] and "Pengingat" in sender.texts(4344)[0]
    await say_as(bot, "/bahasa en", 4343, "en-US")  # a choice is what counts
    with rt.session() as session:
        assert reader_language(session, 4343, "id") == "en"


async def test_a_broadcast_is_written_in_the_groups_language_whatever_the_sender_reads(bot):
    from tests.conftest import STAF

    await bot.say("/langganan Kalsel", STAF, chat_id=-100778)
    await say_as(bot, "/bahasa en", STAF, "en")
    message = replies(await say_as(bot, "/umumkan", STAF, "en"))[-1]
    text = message.params["text"]
    assert text.startswith("<b>Preview</b>")  # what the sender reads: English
    assert "📢 <b>Hasil KKP HAM: Provinsi Kalimantan Selatan</b>" in text  # what the groups will read

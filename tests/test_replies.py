"""Replies behind a sick Telegram: tried again (bounded, with backoff), and a saved change is reported as saved.

The strict stand-in answers the next calls of a method with 500, or with no answer at all (a timeout), on
purpose (``OfflineBotAPI.fail_next(method, Fault(...))``); once through the real process over HTTP.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.core.db import make_engine
from bot.core.models import Event
from bot.telegram.ratelimit import BULK, ThrottledRateLimiter
from bot.telegram.throttle import Throttle
from tests.conftest import ADMIN, VIEWER, make_settings, replies
from tests.fakes import FakeTime, Fault

EVENT = "/jadwal_tambah rakor Tapin 2024-06-19 09:00 Rakor evaluasi"
SAVED = "✔️ Acara dibuat:"
APOLOGY = "Maaf, terjadi kesalahan"


def limiter() -> tuple[ThrottledRateLimiter, FakeTime]:
    fake = FakeTime()
    return ThrottledRateLimiter(Throttle(now=fake.now, sleep=fake.sleep), sleep=fake.sleep), fake


def flaky(fake: FakeTime, *failures: Exception, result: object = "ok"):
    """A Bot API call that fails with ``failures`` in turn, then answers ``result``; its attempts' moments."""
    attempts: list[float] = []

    async def call():
        attempts.append(fake.now())
        if len(attempts) <= len(failures):
            raise failures[len(attempts) - 1]
        return result

    return call, attempts


def events(rt) -> list[Event]:
    with rt.session() as session:
        return list(session.exec(select(Event)))


def texts(calls) -> list[str]:
    return [c.params["text"] for c in replies(calls) if not hasattr(c.result, "status")]


# -- the rate limiter ---------------------------------------------------------------------------------
async def test_a_429_is_logged_and_honoured_before_the_retry(caplog):
    rl, fake = limiter()
    call, attempts = flaky(fake, RetryAfter(9))
    with caplog.at_level("WARNING", logger="bot.telegram.ratelimit"):
        assert await rl.process_request(call, (), {}, "sendMessage", {"chat_id": 7}, None) == "ok"
    assert attempts[1] - attempts[0] >= 9.0
    assert any("429" in r.getMessage() and "7" in r.getMessage() for r in caplog.records)


async def test_a_reply_telegram_failed_is_tried_again_with_backoff():
    rl, fake = limiter()
    call, attempts = flaky(fake, NetworkError("Internal Server Error"), TimedOut())
    assert await rl.process_request(call, (), {}, "sendMessage", {"chat_id": 7}, None) == "ok"
    assert len(attempts) == 3
    assert attempts[1] - attempts[0] >= 0.5 and attempts[2] - attempts[1] >= 1.0  # backing off
    assert rl.retried == ["sendMessage", "sendMessage"]


async def test_a_reply_is_tried_a_bounded_number_of_times():
    rl, fake = limiter()
    call, attempts = flaky(fake, *[NetworkError("Bad Gateway")] * 10)
    with pytest.raises(NetworkError):
        await rl.process_request(call, (), {}, "editMessageText", {"chat_id": 7}, None)
    assert len(attempts) == 4  # the first try and three more
    assert rl.throttle.waiting() == (0, 0)


async def test_bulk_and_bad_requests_are_not_tried_again_here():
    rl, fake = limiter()
    call, attempts = flaky(fake, NetworkError("Internal Server Error"))
    with pytest.raises(NetworkError):  # the delivery engine has its own backoff
        await rl.process_request(call, (), {}, "sendMessage", {"chat_id": 7}, BULK)
    assert len(attempts) == 1
    call, attempts = flaky(fake, BadRequest("Bad Request: message is too long"))
    with pytest.raises(BadRequest):
        await rl.process_request(call, (), {}, "sendMessage", {"chat_id": 8}, None)
    assert len(attempts) == 1


@pytest.mark.parametrize("endpoint,refusal", [
    ("editMessageText", "Bad Request: message is not modified: specified new message content ..."),
    ("answerCallbackQuery", "Bad Request: query is too old and response timeout expired or query ID is invalid"),
])
async def test_a_call_that_had_arrived_before_its_timeout_counts_as_done(endpoint, refusal):
    rl, fake = limiter()
    call, attempts = flaky(fake, TimedOut(), BadRequest(refusal))
    assert await rl.process_request(call, (), {}, endpoint, {"chat_id": 7}, None) is True
    assert len(attempts) == 2


# -- through the bot ----------------------------------------------------------------------------------
async def test_a_saved_event_is_reported_as_saved_although_telegram_failed_twice(bot):
    bot.api.fail_next("sendMessage", Fault(), times=2)
    calls = await bot.say(EVENT)
    assert len(events(bot.runtime)) == 1
    (got,) = texts(calls)
    assert got.startswith(SAVED) and "Rakor evaluasi" in got
    assert len([c for c in calls if c.method == "sendMessage"]) == 3  # two 500s, then delivered


async def test_a_reply_timed_out_after_it_arrived_is_not_an_error(bot):
    bot.api.fail_next("sendMessage", Fault(timeout=True, delivered=True))
    calls = await bot.say(EVENT)
    assert len(events(bot.runtime)) == 1
    got = texts(calls)
    assert got and all(text.startswith(SAVED) for text in got)  # possibly twice: never an apology


async def test_when_every_try_fails_the_person_is_told_the_change_is_saved(bot):
    bot.api.fail_next("sendMessage", Fault(), times=4)  # the reply and its three retries
    calls = await bot.say(EVENT)
    assert len(events(bot.runtime)) == 1
    (got,) = texts(calls)
    assert "sudah diproses dan perubahannya tersimpan" in got and "Tidak perlu mengulangi" in got
    assert APOLOGY not in got


async def test_a_failed_reply_to_a_question_says_that_nothing_changed(bot):
    bot.api.fail_next("sendMessage", Fault(timeout=True), times=4)
    calls = await bot.say("/status Tapin", VIEWER)  # the first message of this person: the bot notes their name
    (got,) = texts(calls)
    assert "tidak terkirim karena gangguan pada Telegram, dan tidak ada yang berubah" in got
    assert "tersimpan" not in got


async def test_a_bug_after_the_commit_is_not_an_apology_for_the_change(bot, monkeypatch):
    import handlers.calendar

    def broken(*_args, **_kwargs):
        raise RuntimeError("renderer on fire")

    monkeypatch.setattr(handlers.calendar, "Reply", broken)  # after the event was saved
    (got,) = texts(await bot.say(EVENT))
    assert len(events(bot.runtime)) == 1
    assert got.startswith("✔️ Perubahan Anda sudah tersimpan") and "fire" not in got


async def test_a_failed_change_is_still_an_apology(bot, monkeypatch):
    import handlers.calendar

    def broken(*_args, **_kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(handlers.calendar.event_service, "add", broken)
    (got,) = texts(await bot.say(EVENT))
    assert events(bot.runtime) == [] and got.startswith(APOLOGY)


async def test_an_english_reader_is_told_in_english(bot):
    await bot.say("/bahasa en")
    bot.api.fail_next("sendMessage", Fault(), times=4)
    (got,) = texts(await bot.say(EVENT))
    assert got.startswith("✔️ Your command was carried out and the change is saved")


@pytest.mark.slow
# -- through the real process -------------------------------------------------------------------------
def test_over_http_a_saved_event_is_reported_as_saved_when_telegram_fails_first(sqlite_url, tmp_path):
    from bot.core.clock import SystemClock
    from bot.domain.runtime import Runtime
    from tests.http_bot_api import HttpBotApi, command_update
    from tests.processes import BotProcess, bot_env, wait_for

    Runtime.start(make_settings(sqlite_url, cycle=None), SystemClock()).engine.dispose()
    with HttpBotApi() as api:
        api.know(ADMIN)
        bot = BotProcess(bot_env(api, sqlite_url), tmp_path)
        try:
            wait_for(lambda: "getUpdates" in api.methods(), 60, what="the bot polling")
            api.api.fail_next("sendMessage", Fault())  # a 500 ...
            api.api.fail_next("sendMessage", Fault(timeout=True))  # ... then the connection drops unanswered
            year = SystemClock().now().year + 1
            api.push(command_update(1, f"/jadwal_tambah rakor Tapin {year}-06-19 09:00 Rakor evaluasi", ADMIN))
            wait_for(lambda: any(SAVED in p.get("text", "") for p in api.sent()), 60, what="the confirmation")
        finally:
            bot.proc.terminate()
            bot.wait(20)
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        assert len(session.exec(select(Event)).all()) == 1
    engine.dispose()
    sent = [p["text"] for p in api.sent()]
    assert not any(APOLOGY in text for text in sent), bot.output
    assert len([c for c in api.calls("sendMessage") if "Rakor evaluasi" in str(c.params.get("text"))]) == 3

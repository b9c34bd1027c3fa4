"""Flood control is for abuse: people at work are served in full, a limited person is told, never ignored.

Updates go through the real update processor (as polled updates do), on virtual time. Two clocks: when
updates arrive (the flood gate's, moved by the test: a person taps once a second, a script sends all at
once), and the rate limiter's and the stand-in's, moved when the limiter paces replies."""

from __future__ import annotations

import io

import pytest

from bot.cli.console import Console
from bot.core.telegram_text import parse_html, visible_length
from bot.ops.app import update_processor_for
from bot.telegram.flood import MEMBER, STRANGER, FloodGate
from bot.telegram.processor import ChatOrderedProcessor
from tests.conftest import ADMIN, PIC, STAF, BotHarness, grant, replies
from tests.fakes import ApiCall, FakeTime, OfflineBotAPI, UpdateFactory, buttons_of, fake_rate_limiter

STRANGER_ID = 8080
TOO_FAST = "Terlalu banyak pesan dalam waktu singkat; coba lagi dalam"  # told once to a person who writes
BUTTON_TOO_FAST = "Terlalu cepat; silakan coba lagi dalam"  # every press of a button while limited


class GatedBot(BotHarness):
    """The bot with the production update processor (flood gate and role lookup) on the fake clock."""

    def __init__(self, runtime) -> None:
        from bot.ops.app import build_application

        self.runtime = runtime
        self.time = FakeTime()  # replies
        self.arrival = FakeTime()  # updates
        self.api = OfflineBotAPI(clock=self.time.now)
        self.limiter = fake_rate_limiter(self.time)
        self.app = build_application(runtime, request=self.api, token="123:offline", rate_limiter=self.limiter,
                                     update_processor=update_processor_for(runtime, now=self.arrival.now))
        self.factory = UpdateFactory(self.app.bot, self.api)

    async def feed(self, update) -> list[ApiCall]:
        """What the Application does with a polled update: hand it to the update processor."""
        before = len(self.api.calls)
        await self.app.update_processor.process_update(update, self.app.process_update(update))
        return self.api.calls[before:]

    async def type(self, text: str, user_id: int, chat_id: int | None = None) -> list[ApiCall]:
        return await self.feed(self.factory.message(text, user_id, chat_id))

    async def tap(self, call: ApiCall, data: str, user_id: int) -> list[ApiCall]:
        assert data in [d for _, d in buttons_of(call)], (data, buttons_of(call))
        return await self.feed(self.factory.press(call, data, user_id))


@pytest.fixture
async def gated(catalog):
    grant(catalog, STAF, "staf", "63")
    grant(catalog, PIC, "pic", "63.05")
    harness = GatedBot(catalog)
    await harness.app.initialize()
    yield harness
    await harness.app.shutdown()


def texts(calls: list[ApiCall], chat_id: int | None = None) -> list[str]:
    return [c.params["text"] for c in calls if c.method == "sendMessage"
            and (chat_id is None or int(c.params["chat_id"]) == chat_id)]


def answers(calls: list[ApiCall]) -> list[ApiCall]:
    return [c for c in calls if c.method == "answerCallbackQuery"]


def data_of(call: ApiCall, prefix: str, label: str | None = None) -> str:
    found = [d for lbl, d in buttons_of(call) if d.startswith(prefix) and (label is None or label in lbl)]
    assert found, (prefix, label, buttons_of(call))
    return found[0]


async def test_a_pic_tapping_through_all_120_indicators_at_one_tap_a_second_is_served_in_full(gated):
    """Open every indicator, mark it lengkap, go back: one tap a second for well over five minutes."""
    from bot.domain.checklist import indicator_statuses
    from bot.reference import regions

    (menu,) = replies(await gated.type("/checklist Tapin", PIC))
    taps = 0

    async def tap(call: ApiCall, data: str) -> ApiCall:
        nonlocal taps
        gated.arrival.t += 1.0
        taps += 1
        calls = await gated.tap(call, data, PIC)
        (answer,) = answers(calls)  # every button answered, none refused
        assert BUTTON_TOO_FAST not in answer.params.get("text", "")
        (edited,) = replies(calls)
        assert edited.method == "editMessageText"
        return edited

    for number in range(1, 11):
        here = await tap(menu, f"kc|63.05|{number}|0|e")
        page = 0
        while True:
            for code in [d.split("|")[2] for _, d in buttons_of(here) if d.startswith("ki|")]:
                detail = await tap(here, f"ki|63.05|{code}|e")
                detail = await tap(detail, f"ks|63.05|{code}|lengkap|e")
                assert "lengkap" in detail.params["text"]
                here = await tap(detail, data_of(detail, "kc|", "Kembali"))  # back on the first page
                for _ in range(page):
                    here = await tap(here, data_of(here, "kc|", "Berikutnya"))
            if "Berikutnya ›" not in [label for label, _ in buttons_of(here)]:
                break
            here = await tap(here, data_of(here, "kc|", "Berikutnya"))
            page += 1
        menu = await tap(here, data_of(here, "ck|"))
    assert taps >= 360 and gated.arrival.t >= 300  # one a second, for over five minutes
    with gated.runtime.session() as session:
        states = indicator_statuses(session, gated.runtime.cycle(session), regions()["63.05"])
    assert len(states) == 120 and all(s.state == "lengkap" for s in states)
    assert not any(TOO_FAST in t for t in texts(gated.api.calls))
    assert not gated.api.refusals, gated.api.refusals[:3]


async def test_sixty_status_in_a_minute_are_all_answered(gated):
    """Issue 17: a PIC sending /belum Tapin and /status Tapin alternately got 18 answers of 30."""
    for i in range(60):
        gated.arrival.t += 1.0
        await gated.type("/status Tapin" if i % 2 else "/belum Tapin", PIC)
    got = texts(gated.api.calls, PIC)
    assert len(got) == 60
    assert sum("Kabupaten Tapin" in t for t in got) == 60 and not any(TOO_FAST in t for t in got)
    assert not gated.api.refusals


async def test_a_staf_clearing_a_province_in_a_bound_group_and_its_strangers_are_not_limited(gated):
    group = -100700
    await gated.type("/langganan Kalsel", STAF, group)
    names = ["Tapin", "HSS", "Banjar", "Tabalong", "Balangan", "Kotabaru", "Tala", "Batola", "HST", "HSU"]
    for i in range(30):  # one every two seconds, as fast as a person reads the answers
        gated.arrival.t += 2.0
        await gated.type(f"/status {names[i % len(names)]}", STAF if i % 3 else STRANGER_ID, group)
    got = texts(gated.api.calls, group)
    assert not any(TOO_FAST in t for t in got)
    assert len(got) == 31  # the binding and every /status


async def test_a_stranger_flooding_is_limited_with_one_message_and_others_go_on(gated):
    calls = []
    for _ in range(25):  # a script: all in the same second
        calls += await gated.type("/status Tapin", STRANGER_ID)
    mine = await gated.type("/status Tapin", PIC)
    got = texts(calls, STRANGER_ID)
    assert len(got) == STRANGER.burst + 1  # ten polite refusals, then one word, then silence
    assert sum(TOO_FAST in t for t in got) == 1
    assert f"{TOO_FAST} 60 detik" in got[-1] and "tidak diproses" in got[-1]
    assert len(texts(mine, PIC)) == 1 and "Kabupaten Tapin" in texts(mine, PIC)[0]  # nobody else waits
    gated.arrival.t += 61  # the cooldown is over: answered again
    assert len(texts(await gated.type("/bantuan", STRANGER_ID), STRANGER_ID)) == 1


async def test_a_script_with_a_role_is_limited_too_and_a_pressed_button_is_always_answered(gated):
    (menu,) = replies(await gated.type("/checklist Tapin", PIC))
    calls = []
    for i in range(300):  # twenty a second for fifteen seconds: no person types like this
        gated.arrival.t += 0.05
        calls += await gated.type("/status Tapin" if i % 2 else "/aksi Tapin", PIC)
    got = texts(calls, PIC)
    limited = [t for t in got if TOO_FAST in t]
    assert len(limited) == 1 and len(got) < 300
    assert len(got) - 1 >= MEMBER.burst  # the generous bucket first
    pressed = await gated.feed(gated.factory.press(menu, "kc|63.05|1|0|e", PIC))
    (answer,) = answers(pressed)
    assert answer.params["text"].startswith(BUTTON_TOO_FAST) and answer.params["text"].endswith("detik.")
    n = int(answer.params["text"].removeprefix(BUTTON_TOO_FAST).split()[0])
    assert 0 < n <= MEMBER.cooldown
    assert not replies(pressed)  # not handled, but not left spinning either
    gated.arrival.t += n
    pressed = await gated.feed(gated.factory.press(menu, "kc|63.05|1|0|e", PIC))
    assert replies(pressed) and BUTTON_TOO_FAST not in answers(pressed)[0].params.get("text", "")


async def test_a_group_of_strangers_spamming_commands_is_limited_as_a_group(gated):
    group = -100701  # not bound to any region
    calls = []
    for user in range(9000, 9030):  # thirty different people, one command each, at once
        calls += await gated.type("/bantuan", user, group)
    got = texts(calls, group)
    assert sum(TOO_FAST in t for t in got) == 1 and TOO_FAST in got[-1]
    assert len(got) == STRANGER.burst + 1


async def test_limited_people_read_their_own_language(gated):
    await gated.type("/bahasa en", STRANGER_ID)
    gated.arrival.t += 120
    calls = []
    for _ in range(20):
        calls += await gated.type("/status Tapin", STRANGER_ID)
    (limited,) = [t for t in texts(calls, STRANGER_ID) if "Too many messages in a short time" in t]
    assert "try again in 60 seconds" in limited


def test_the_gate_asks_who_is_a_member_only_of_busy_senders_and_remembers_it():
    t = [0.0]
    asked: list[tuple] = []

    def standing(user_id, chat_id):
        asked.append((user_id, chat_id))
        return user_id in (PIC, ADMIN)

    gate = FloodGate(now=lambda: t[0], standing=standing)
    assert all(gate.allow(PIC, PIC) for _ in range(STRANGER.burst))
    assert asked == []  # a few updates: no lookup at all
    assert all(gate.allow(PIC, PIC) for _ in range(MEMBER.burst - STRANGER.burst))
    assert asked == [(PIC, PIC)]  # asked once, then remembered
    assert not gate.allow(PIC, PIC)
    assert sum(gate.allow(STRANGER_ID, STRANGER_ID) for _ in range(30)) == STRANGER.burst
    assert gate.check(STRANGER_ID, STRANGER_ID).retry_in == STRANGER.cooldown
    for second in range(1, 301):  # a person at one a second for five minutes, after the wait
        t[0] = 100.0 + second
        assert gate.allow(ADMIN, ADMIN)


def test_the_gate_tells_once_per_limit():
    t = [0.0]
    gate = FloodGate(now=lambda: t[0])
    verdicts = [gate.check(1, 1) for _ in range(15)]
    assert [v.tell for v in verdicts if not v.allowed] == [True] + [False] * 4
    t[0] = STRANGER.cooldown + 0.5
    assert gate.allow(1, 1)


async def test_a_long_console_script_runs_without_waiting(catalog):
    """Hundreds of lines: the console has no rate limiter and no flood control, and its Bot API no limits
    (Telegram's would refuse the fourth message to one chat within three seconds)."""
    out = io.StringIO()
    console = Console(catalog, out, user_id=ADMIN)
    assert console.app.bot.rate_limiter is None
    assert isinstance(console.app.update_processor, ChatOrderedProcessor)
    assert console.app.update_processor.flood is None
    await console.start()
    try:
        for i in range(300):
            await console.handle("/status Tapin" if i % 2 else "/belum HSS")
    finally:
        await console.stop()
    sent = [c for c in console.api.calls if c.method == "sendMessage"]
    assert len(sent) == 300 and all(isinstance(c.result, dict) and c.result["message_id"] for c in sent)
    assert out.getvalue().count("Kabupaten Tapin") == 150
    # the console's Bot API refuses nothing (its chat is a terminal): what it was sent must still be what
    # Telegram accepts, HTML it can parse and at most 4096 UTF-16 units after parsing
    for call in sent:
        parse_html(call.params["text"])
        assert visible_length(call.params["text"]) <= 4096

"""Aksi HAM windows remind a kab/kota until every action of the period is reported, naming the actions
still missing, before the window opens and while it is open; on the injectable clock, through the
dispatcher and the strict stand-in of the Bot API, in Indonesian and in English."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.models import AksiStatus
from bot.domain.aksi import record_action, record_report
from bot.domain.language import choose_language
from bot.domain.people import Grants
from bot.domain.subscriptions import subscribe
from bot.messaging.engine import DeliveryEngine
from bot.reference import provinces, regions
from bot.telegram.sender import TelegramSender
from schedules.calendar import parse_line
from schedules.events import add
from schedules.incremental import IncrementalPlanner, plan_now
from schedules.recipients import recipients
from tests.conftest import ADMIN, PIC, STAF, BotHarness, grant
from tests.fakes import buttons_of

TAPIN, HSS, BANJAR = regions()["63.05"], regions()["63.06"], regions()["63.03"]
TAPIN_GROUP, HSS_GROUP, KALSEL_GROUP = -100701, -100702, -100703
TAPIN_PIC = 4701  # reads English
KANWIL = Grants(user_id=STAF, staf=frozenset({"63"}))
FOCAL = Grants(user_id=PIC, pic=frozenset({"63.05"}))
# Monday 26 February to Monday 4 March 2024 (no holiday in between), the window of B04
WINDOW = "aksiham Kalsel 2024-02-26..2024-03-04 Pelaporan Aksi HAM B04"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
async def harness(catalog):
    rt = catalog
    with rt.session() as session:
        subscribe(session, rt.clock, TAPIN_GROUP, TAPIN, ADMIN)
        subscribe(session, rt.clock, TAPIN_PIC, TAPIN, ADMIN)
        subscribe(session, rt.clock, HSS_GROUP, HSS, ADMIN)
        subscribe(session, rt.clock, KALSEL_GROUP, provinces()["63"], ADMIN)
        choose_language(session, rt.clock, TAPIN_PIC, "PIC", None, "en")
    grant(rt, TAPIN_PIC, "pic", TAPIN.code)  # a PIC's own chat answers their reminders
    bot = BotHarness(rt)
    for chat in (TAPIN_GROUP, TAPIN_PIC, HSS_GROUP, KALSEL_GROUP, ADMIN):
        bot.api.register_chat(chat)
    await bot.app.initialize()
    yield bot
    await bot.app.shutdown()


def record(rt, g: Grants | None, region, number: int, status: AksiStatus, nilai: float | None = None) -> None:
    with rt.session() as session:
        record_action(session, rt.clock, g, region, 2024, "B04", number, status, nilai, None,
                      g.user_id if g else None, rt.settings.aksi_actions)


async def step(bot: BotHarness, dispatcher: DeliveryEngine, when: datetime) -> dict[int, str]:
    bot.runtime.clock.set(when)
    before = len(bot.api.calls)
    await dispatcher.run_once()
    got: dict[int, str] = {}
    for call in bot.api.calls[before:]:
        if call.method == "sendMessage":
            got[int(call.params["chat_id"])] = str(call.params["text"])
            got.setdefault(-int(call.params["chat_id"]), call)  # the call, under the negated id (buttons)
    return got


async def test_reminders_name_the_missing_actions_and_stop_when_all_are_reported(harness):
    bot, rt = harness, harness.runtime
    with rt.session() as session:
        add(session, rt.clock, rt.settings, parse_line(WINDOW), ADMIN)
    planner = IncrementalPlanner()
    plan_now(rt, planner)
    dispatcher = DeliveryEngine(rt.engine, rt.clock, lambda: rt.settings, TelegramSender(bot.app.bot))

    soon = await step(bot, dispatcher, utc(2024, 2, 23, 0, 0))  # three days before it opens, 08:00 WITA
    assert "• Kab. Tapin: belum satu pun dari 6 aksi dilaporkan untuk B04" in soon[TAPIN_GROUP]
    assert "• Kab. Tapin: none of the 6 actions has been reported for B04" in soon[TAPIN_PIC]
    assert "• Kab. Hulu Sungai Selatan: belum satu pun dari 6 aksi dilaporkan untuk B04" in soon[KALSEL_GROUP]

    for n in (1, 3, 4):
        record(rt, KANWIL, TAPIN, n, AksiStatus.LENGKAP, 80)
    record(rt, KANWIL, TAPIN, 2, AksiStatus.TIDAK_LENGKAP)
    assert plan_now(rt, planner).planned == 1  # an action recorded re-plans the Aksi HAM windows
    opened = await step(bot, dispatcher, utc(2024, 2, 26, 0, 0))  # the opening morning
    assert "• Kab. Tapin: Aksi 5 dan 6 belum dilaporkan untuk B04; Aksi 2 tidak lengkap" in opened[TAPIN_GROUP]
    assert "• Kab. Tapin: Actions 5 and 6 not reported for B04; Action 2 incomplete" in opened[TAPIN_PIC]
    assert [label for label, _ in buttons_of(opened[-TAPIN_GROUP])] == ["✅ Sudah dilaporkan", "⏰ Ingatkan besok"]
    assert [label for label, _ in buttons_of(opened[-TAPIN_PIC])] == ["✅ Reported", "⏰ Remind me tomorrow"]
    (acked,) = [c for c in await bot.press(opened[-TAPIN_PIC], "✅ Reported", TAPIN_PIC)
                if c.method == "editMessageText"]
    assert "✔️ Marked as reported by" in acked.params["text"]  # that chat's reminders of this window stop

    record(rt, FOCAL, TAPIN, 5, AksiStatus.LENGKAP)  # handed in by the focal point: diajukan
    record(rt, FOCAL, TAPIN, 2, AksiStatus.LENGKAP)  # handed in again
    plan_now(rt, planner)
    closing = await step(bot, dispatcher, utc(2024, 3, 1, 0, 0))  # H-3 of the close (Sunday moves to Friday)
    assert "• Kab. Tapin: Aksi 6 belum dilaporkan untuk B04" in closing[TAPIN_GROUP]
    assert "tidak lengkap" not in closing[TAPIN_GROUP]

    record(rt, FOCAL, TAPIN, 6, AksiStatus.LENGKAP)  # every action of B04 handed in or complete
    plan_now(rt, planner)
    last = await step(bot, dispatcher, utc(2024, 3, 4, 0, 0))  # the closing day
    assert TAPIN_GROUP not in last and TAPIN_PIC not in last  # no more reminders for Tapin
    assert "Kab. Hulu Sungai Selatan" in last[KALSEL_GROUP] and "Kab. Tapin" not in last[KALSEL_GROUP]
    assert "belum satu pun dari 6 aksi dilaporkan untuk B04" in last[HSS_GROUP]
    escalated = await step(bot, dispatcher, utc(2024, 3, 4, 3, 0))  # the staf hear of those still missing
    assert "Kab. Hulu Sungai Selatan: belum satu pun dari 6 aksi" in escalated[ADMIN]
    assert "Kab. Tapin" not in escalated[ADMIN]
    assert not bot.api.refusals


def test_a_period_reported_as_a_whole_counts_until_its_actions_are_recorded(catalog):
    rt = catalog
    with rt.session() as session:
        subscribe(session, rt.clock, KALSEL_GROUP, provinces()["63"], ADMIN)
        event = add(session, rt.clock, rt.settings, parse_line(WINDOW), ADMIN)
        event_id = event.id
        record_report(session, rt.clock, BANJAR, 2024, "B04", None, ADMIN)  # as before: the period as a whole

    def work(code: str):
        from bot.core.models import Event

        with rt.session() as session:
            (found,) = recipients(session, rt.clock, session.get(Event, event_id), rt.settings.cycle,
                                  aksi_actions=rt.settings.aksi_actions)
            return next(w for w in found.work if w.region.code == code)

    assert not work("63.03").has_work and work("63.05").has_work
    with rt.session() as session:  # the Kanwil details the period: from now on the actions decide
        record_action(session, rt.clock, KANWIL, BANJAR, 2024, "B04", 1, AksiStatus.LENGKAP, None, None, STAF, 6)
    banjar = work("63.03")
    assert banjar.has_work and banjar.unreported == (2, 3, 4, 5, 6) and banjar.total == 6
    rt.settings = rt.settings.model_copy(update={"aksi_actions": 2})  # the setting: two actions without a list
    with rt.session() as session:
        record_action(session, rt.clock, KANWIL, BANJAR, 2024, "B04", 2, AksiStatus.LENGKAP, None, None, STAF, 2)
    assert not work("63.03").has_work
    assert work("63.05").unreported == (1, 2)

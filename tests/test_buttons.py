"""Buttons whose data is forged, malformed or out of range get a quiet answer and change nothing.

Every prefix has one parser (``bot.render.callbacks.PARSERS``) used by its handler; ``handlers.buttons`` answers
what does not parse before any handler runs. A property test feeds random data for every prefix through
the real Application and the strict stand-in of the Bot API: no traceback is logged, Telegram refuses
nothing, and every callback query is answered exactly once.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select
from telegram.ext import CallbackQueryHandler

from bot.core.models import (
    AuditEntry,
    Broadcast,
    ChecklistEntry,
    ConversationState,
    Event,
    Outbox,
    Reminder,
    Subscription,
)
from bot.render import callbacks as cb
from bot.render import review_callbacks as vcb
from tests.conftest import ADMIN, PIC, STAF, VIEWER, BotHarness, grant, replies
from tests.fakes import ApiCall, buttons_of

STRANGER = 999
QUIET = "Tombol ini sudah tidak berlaku."
PREFIXES = (cb.STATUS, cb.BELUM, cb.CHECKLIST, cb.CRITERION, cb.INDICATOR, cb.SET_STATE, cb.ADD_NOTE, cb.SEND_BACK,
            cb.FILES,
            cb.EKSPOR, cb.TEMPLAT, cb.IMPORT, cb.JADWAL, cb.KALENDER, cb.LANGGANAN, cb.AKSI, cb.AKSI_PERIOD,
            cb.WIZARD, cb.RIWAYAT,
            cb.UMUMKAN, cb.REMINDER_ACK, cb.REMINDER_SNOOZE, vcb.VERIFY, vcb.VERIFY_FILE, vcb.VERIFY_OPEN)
# forged values from issue 16 (each crashed a handler), and their kin
FORGED = ["kc|63.05|999|0|e", "bl|63.05|-1|999999|e", "kc|63.05", "wz|month|0001-01-01", "wz|month|9999-12-01",
          "wz|month|garbage", "kc|63.05|0|0|e", "kc|63|1|0|e", "ki|63.05", "ks|63.05|1.01|selesai|e",
          "ks|63.05|1.01", "rw|63.05|-1|e", "rw|63.05|99999999999999999999|e", "st|r:99.99", "st|x:63",
          "bl|63.05|1|0|0|0", "um|send|1", "um|ok|0", "um|ok|abc", "ra|", "rz|1|2", "im|ok|", "im|maybe|abcd",
          "wz|time|2500", "wz|day|2024-02-30", "wz|kind|pesta", "wz|scope|99", "ex|", "jd|p:", "", "|", "zz|0",
          "ki|63.05|" + "x" * 50, "st|r:63.05|e|e", "ap|63.05|2024|B05|e", "ap|63.05|1999|B04|e", "ap|63|2024|B04",
          "ap|63.05|2024", "ap|63.05|2024|-|x",
          # sending back from /checklist: a reason out of range, a missing field, an unknown kab/kota
          "kr|63.05|1.01|r6|e", "kr|63.05|1.01|r0", "kr|63.05|1.01", "kr|99.99|1.01|r1", "kr|63.05|1.01|ok|e",
          # the verification queue: an entry or file that does not exist, a place or action out of range
          "vf|ok|63.05|1|1706148000", "vf|zz|63|1|1706148000", "vf|ok|r:63.05|1|1", "vf|ok|63.05|1", "vf|r6|63|1|1",
          "vf|ok|63|0|1", "vf|ok|99|1|1", "vf|ok|63|1|-1", "vb|0", "vb|99", "vb|1|2", "vo|99", "vo|", "vo|63|x"]


def counts(rt) -> tuple[int, ...]:
    with rt.session() as session:
        return tuple(session.exec(select(func.count()).select_from(model)).one() for model in
                     (AuditEntry, Broadcast, ChecklistEntry, ConversationState, Event, Outbox, Reminder, Subscription))


async def press(bot: BotHarness, call: ApiCall, data: str, user: int) -> list[ApiCall]:
    before = len(bot.api.calls)
    await bot.app.process_update(bot.factory.press(call, data, user))
    return bot.api.calls[before:]


def test_every_prefix_has_one_parser_and_one_handler(bot):
    assert set(cb.PARSERS) == set(PREFIXES)
    feature = [h for h in bot.app.handlers[0] if isinstance(h, CallbackQueryHandler)
               and isinstance(h.pattern, re.Pattern)]
    for prefix in PREFIXES:
        takers = [h for h in feature if h.pattern.match(f"{prefix}|x")]
        assert len(takers) == 1, prefix
    gate, *_, leftover = [h for h in bot.app.handlers[0] if isinstance(h, CallbackQueryHandler)]
    assert callable(gate.pattern) and leftover.pattern is None  # first and last of the button handlers


def test_what_the_bot_builds_parses_back():
    today = date(2024, 1, 25)
    built = [cb.build(cb.STATUS, cb.target("r", "63.05")), cb.build(cb.STATUS, cb.target("p", "63")),
             cb.build(cb.BELUM, "63.05", 3, 1, cb.IN_PLACE), cb.build(cb.BELUM, "63", 0, 0),
             cb.build(cb.CRITERION, "63.05", 10, 0, cb.IN_PLACE),
             cb.build(cb.SET_STATE, "63.05", "1.01", "ditolak", cb.IN_PLACE),
             cb.build(cb.SEND_BACK, "63.05", "1.01", "r5", cb.IN_PLACE), cb.build(cb.SEND_BACK, "63.05", "1.01", "tw"),
             cb.build(cb.IMPORT, "ok", "a1b2c3d4"), cb.build(cb.WIZARD, "month", "2024-02-01"),
             cb.build(cb.WIZARD, "day", "2024-01-25"), cb.build(cb.WIZARD, "time", "0900"), cb.build(cb.WIZARD, "noop"),
             cb.build(cb.UMUMKAN, "pic", 3, cb.IN_PLACE), cb.build(cb.UMUMKAN, "prov", "63"),
             cb.build(cb.RIWAYAT, "63", 2, cb.IN_PLACE), cb.build(cb.REMINDER_SNOOZE, 2**63 - 1),
             cb.build(cb.AKSI_PERIOD, "63.05", 2024, "B12", cb.IN_PLACE), cb.build(cb.AKSI_PERIOD, "63.05", 2029, "-")]
    for data in built:
        assert cb.decode(data, today) is not None, data
    assert cb.decode("wz|day|2031-01-01", today) is None  # after 31 December five years ahead
    assert cb.decode("wz|day|2022-12-31", today) is None  # before 1 January of last year
    assert cb.decode("rz|9223372036854775808", today) is None  # beyond a database id


@pytest.mark.parametrize("data", FORGED)
async def test_a_forged_button_gets_a_quiet_answer_and_changes_nothing(bot, data, caplog):
    await bot.say("/langganan Tapin", ADMIN, chat_id=-100777)
    await bot.say("/jadwal_tambah")  # a guided conversation waiting for a button
    (own,) = replies(await bot.say("/start", ADMIN))
    before = counts(bot.runtime)
    with caplog.at_level(logging.INFO):
        calls = await press(bot, own, data, ADMIN)
    assert [(c.method, c.params.get("text")) for c in calls] == [("answerCallbackQuery", QUIET)]
    assert not calls[0].params.get("show_alert")
    assert counts(bot.runtime) == before
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not bot.api.refusals


async def test_an_indicator_not_in_the_catalog_gets_a_quiet_answer(bot):
    (own,) = replies(await bot.say("/start", ADMIN))
    before = counts(bot.runtime)
    for data in ("ki|63.05|99.99|e", "ks|63.05|99.99|lengkap|e", "kn|63.05|99.99", "kr|63.05|99.99|r1|e"):
        calls = await press(bot, own, data, ADMIN)
        assert [(c.method, c.params.get("text")) for c in calls] == [("answerCallbackQuery", QUIET)], data
    assert counts(bot.runtime) == before


async def test_a_deleted_message_is_answered_with_a_new_one(bot):
    (menu,) = replies(await bot.say("/checklist Tapin"))
    await bot.app.bot.delete_message(ADMIN, menu.result["message_id"])  # deleted while the menu was open
    calls = await bot.press(menu, cb.build(cb.CRITERION, "63.05", 1, 0, cb.IN_PLACE))
    methods = [c.method for c in calls]
    assert methods == ["answerCallbackQuery", "editMessageText", "sendMessage"]
    assert calls[1].result.description == "Bad Request: message to edit not found"  # as Telegram refuses it
    assert "Kriteria 1. Hak atas bantuan hukum" in calls[2].params["text"]
    assert [c.method for c in bot.api.refusals] == ["editMessageText"]


async def test_the_template_button_of_a_province_lists_its_kab_kota(bot):
    (choice,) = replies(await bot.say("/templat Jogja"))  # the province or its city: asked with buttons
    province = next(d for _label, d in buttons_of(choice) if d == "tp|34")
    calls = await bot.press(choice, province)
    assert not [c for c in calls if c.method == "sendDocument"]  # not a report, not a template
    (listing,) = replies(calls)
    assert "Pilih kab/kota di Provinsi DI Yogyakarta" in listing.params["text"]
    data = [b["callback_data"] for row in listing.params["reply_markup"]["inline_keyboard"] for b in row]
    assert data == ["tp|34.01", "tp|34.02", "tp|34.03", "tp|34.04", "tp|34.71"]
    calls = await bot.press(listing, "Kab. Sleman")
    (document,) = [c for c in calls if c.method == "sendDocument"]
    assert "Format isian progres Kabupaten Sleman" in document.params["caption"]


# -- the property: any data, any prefix, any person ------------------------------------------------------
NUMBER = st.one_of(st.integers(-3, 14).map(str), st.sampled_from(
    ["999999", "9223372036854775807", "99999999999999999999", "", "1.5", "٣", "+1", " 1"]))
PLACE = st.sampled_from(["63.05", "r:63.05", "p:63", "63", "64.72", "r:91.71", "p:34", "34.71", "99", "r:63",
                         "p:63.05", "x:63", "", "r:", "63.055"])
REGION = st.sampled_from(["63.05", "64.72", "34.71", "63", "99.99", "", "r:63.05"])
CODE = st.sampled_from(["1.01", "3.02", "10.01", "99.99", "", "x" * 41, "<b>", "1.01 "])
STATE = st.sampled_from(["belum", "proses", "lengkap", "terverifikasi", "ditolak", "perlu perbaikan", "selesai", ""])
WIZARD_VALUE = st.sampled_from(["rakor", "pesta", "nasional", "63", "63.05", "2024-02-01", "2024-01-25", "2024-02-30",
                                "0001-01-01", "9999-12-01", "2031-01-01", "2024-1-5", "0900", "2500", "0960", "-", ""])
SHAPES = {
    **dict.fromkeys((cb.STATUS, cb.CHECKLIST, cb.EKSPOR, cb.TEMPLAT, cb.JADWAL, cb.KALENDER, cb.LANGGANAN, cb.AKSI),
                    (PLACE,)),
    cb.BELUM: (PLACE, NUMBER, NUMBER), cb.CRITERION: (PLACE, NUMBER, NUMBER), cb.RIWAYAT: (PLACE, NUMBER),
    **dict.fromkeys((cb.INDICATOR, cb.ADD_NOTE, cb.FILES), (REGION, CODE)), cb.SET_STATE: (REGION, CODE, STATE),
    cb.SEND_BACK: (REGION, CODE, st.sampled_from(["r1", "r5", "r6", "r0", "tw", "ok", ""])),
    cb.IMPORT: (st.sampled_from(["ok", "no", "maybe", ""]), st.sampled_from(["a1b2c3d4", "", "zz zz", "x" * 50])),
    cb.WIZARD: (st.sampled_from([*cb.WIZARD_STEPS, "zz", ""]), WIZARD_VALUE),
    cb.UMUMKAN: (st.sampled_from(["prov", "ok", "pic", "no", "send", ""]), st.one_of(NUMBER, PLACE)),
    cb.REMINDER_ACK: (NUMBER,), cb.REMINDER_SNOOZE: (NUMBER,),
    cb.AKSI_PERIOD: (REGION, st.sampled_from(["2024", "2022", "2031", "0", "", "99999"]),
                     st.sampled_from(["B04", "B08", "B12", "B13", "-", "", "b04"])),
    vcb.VERIFY: (st.sampled_from([*vcb.CARD_ACTIONS, "r0", "r9", "zz", ""]), PLACE, NUMBER, NUMBER),
    vcb.VERIFY_FILE: (NUMBER,), vcb.VERIFY_OPEN: (PLACE,),
}
NOISE = st.one_of(st.sampled_from(["e", "", "0", "63.05"]), st.text(max_size=8))


def data_of(prefix: str | None):
    """Data for ``prefix`` shaped like its buttons' (each field drawn from values near and beyond its
    range), sometimes with a field too few or too many; with no prefix, any text at all."""
    if prefix is None:
        return st.text(max_size=70)
    shaped = st.tuples(*SHAPES[prefix]).map(list)
    fields = st.one_of(
        shaped, shaped,
        st.tuples(shaped, st.sampled_from(["e", "x"])).map(lambda t: [*t[0], t[1]]),  # the in-place mark, or not
        shaped.map(lambda f: f[:-1]),  # one too few
        st.tuples(shaped, NOISE).map(lambda t: [*t[0], t[1]]),  # one too many
        st.lists(NOISE, max_size=5),
    )
    return fields.map(lambda f: cb.SEP.join([prefix, *f]))


PEOPLE = st.sampled_from([ADMIN, STAF, PIC, VIEWER, STRANGER])
BEFORE = st.sampled_from([None, "/jadwal_tambah", "/umumkan Kalsel", "/checklist Tapin"])
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.slow  # 40 hypothesis examples per prefix through the Application: the full run's
@pytest.mark.parametrize("prefix", [*PREFIXES, None])
def test_any_button_data_is_answered_once_without_a_traceback(catalog, caplog, prefix):
    grant(catalog, VIEWER, "pemantau", "63.05")
    grant(catalog, STAF, "staf", "63")
    grant(catalog, PIC, "pic", "63.05")
    loop = asyncio.new_event_loop()
    bot = BotHarness(catalog)
    loop.run_until_complete(bot.app.initialize())
    caplog.set_level(logging.WARNING)
    try:
        @PROPERTY
        @given(PEOPLE, BEFORE, data_of(prefix))
        def one(user, first, data):
            bot.time.t += 120  # people press slower than hypothesis: keep clear of the flood limits
            if first:
                loop.run_until_complete(bot.say(first, user))
            (own,) = replies(loop.run_until_complete(bot.say("/start", user)))
            logged = len(caplog.records)
            calls = loop.run_until_complete(press(bot, own, data, user))
            answers = [c for c in calls if c.method == "answerCallbackQuery"]
            assert len(answers) == 1, (data, [c.method for c in calls])
            assert not [c for c in calls if "terjadi kesalahan" in str(c.params.get("text", ""))], data
            assert not [r for r in caplog.records[logged:] if r.exc_info or r.levelno >= logging.ERROR], data
            assert not bot.api.refusals, (data, [(c.method, c.result) for c in bot.api.refusals])

        one()
    finally:
        loop.run_until_complete(bot.app.shutdown())
        loop.close()


# -- through the real process ------------------------------------------------------------------------------
PROCESS_FORGED = ["kc|63.05|999|0|e", "bl|63.05|-1|999999|e", "kc|63.05", "wz|month|0001-01-01", "wz|month|garbage",
                  "ra|99999999999999999999", "zz|0", "st|r:63.05"]  # the last one is real: work goes on


@pytest.mark.slow
def test_forged_buttons_posted_to_the_running_bot_are_answered_without_a_traceback(sqlite_url, tmp_path):
    from bot.core.clock import SystemClock
    from bot.domain.catalog import import_sample
    from bot.domain.runtime import Runtime
    from tests.conftest import make_settings
    from tests.fakes import UpdateFactory
    from tests.fakes.http_server import FakeTelegramServer
    from tests.processes import eventually, start_bot, stop_bot

    rt = Runtime.start(make_settings(sqlite_url, cycle=None), SystemClock())
    with rt.session() as session:
        import_sample(session, rt.clock)
    rt.engine.dispose()
    server = FakeTelegramServer().start()
    factory = UpdateFactory(None, server.api)
    server.api.register_chat(ADMIN)
    bot = start_bot(server, sqlite_url, tmp_path)
    try:
        server.push(factory.message_data("/start", ADMIN))
        (welcome, *_) = eventually(lambda: server.api.sent(chat_id=ADMIN))
        for data in PROCESS_FORGED:
            server.push(factory.press(welcome, data, ADMIN, raw=True))
        answered = eventually(lambda: len(server.calls("answerCallbackQuery")) >= len(PROCESS_FORGED) and
                            [c for c in server.api.sent(chat_id=ADMIN) if "Kabupaten Tapin" in c.params["text"]])
    finally:
        output = stop_bot(bot, server)
    assert answered, output
    answers = server.calls("answerCallbackQuery")
    assert len(answers) == len(PROCESS_FORGED)  # each query exactly once
    assert [c.params.get("text") for c in answers].count(QUIET) == len(PROCESS_FORGED) - 1  # all but the real one
    assert not [c for c in server.api.sent(chat_id=ADMIN) if "terjadi kesalahan" in c.params["text"]]
    assert not server.api.refusals, [(c.method, c.result) for c in server.api.refusals]
    assert "Traceback" not in output and "ERROR" not in output, output


async def test_the_wizard_calendar_stops_at_the_last_accepted_month(bot):
    (kind,) = replies(await bot.say("/jadwal_tambah"))
    (scope,) = replies(await bot.press(kind, "Rapat koordinasi"))
    (month,) = replies(await bot.press(scope, "Kalimantan Selatan"))
    for _ in range(12 * 6):  # January 2024 .. December 2029, the last month the bot accepts
        if "›" not in [label for label, _data in buttons_of(month)]:
            break
        (month,) = replies(await bot.press(month, "›"))
    assert "Desember 2029" in [label for label, _data in buttons_of(month)]
    assert "wz|day|2029-12-31" in [data for _label, data in buttons_of(month)]
    assert not bot.api.refusals

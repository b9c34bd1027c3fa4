"""Every kind of button, forged: pressed by a stranger in their own chat, or by a PIC beyond their rights.

Nothing changes (no audit entry, no outbox row, no subscription, no event), nothing of the region is
shown, and Telegram accepts every answer (the strict stand-in records no refusal).
"""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from bot.core.models import AuditEntry, ChecklistEntry, Event, Outbox, Subscription
from tests.conftest import ADMIN, PIC, replies

STRANGER = 999

FORGED = [
    "st|r:63.05", "st|p:63", "bl|63.05|0|0", "ck|63.05", "kc|63.05|1|0|e", "ki|63.05|1.01|e",
    "ks|63.05|1.01|terverifikasi|e", "kn|63.05|1.01", "kf|63.05|1.01", "ex|63", "tp|63.05", "im|ok|abcdef",
    "jd|p:63", "kl|p:63", "lg|r:63.05", "lg|p:63", "ak|63.05", "wz|kind|rakor", "wz|save|x", "rw|63.05|0",
    "ap|63.05|2024|B04|e", "um|prov|63", "um|send|1", "um|pics|1", "ra|1", "rz|1", "ks|99999999999999999999|x|y",
    "zz|nothing",
]


def counts(rt) -> tuple[int, ...]:
    with rt.session() as session:
        return tuple(session.exec(select(func.count()).select_from(model)).one()
                     for model in (AuditEntry, ChecklistEntry, Event, Outbox, Subscription))


@pytest.mark.parametrize("data", FORGED)
async def test_a_stranger_forging_any_button_changes_and_sees_nothing(bot, data):
    # something to aim at: a broadcast awaiting confirmation, an event, a subscribed group with a reminder
    await bot.say("/langganan Tapin", ADMIN, chat_id=-100777)
    await bot.say("/jadwal_tambah rakor Kalsel 2024-06-19 09:00 Rakor")
    await bot.say("/umumkan Kalsel", ADMIN)
    before = counts(bot.runtime)
    (own,) = replies(await bot.say("/start", STRANGER))
    calls = await _press(bot, own, data, STRANGER)
    assert counts(bot.runtime) == before, data
    shown = " ".join(str(c.params.get("text") or c.params.get("caption") or "") for c in calls)
    for secret in ("Terverifikasi Kanwil", "Kabupaten Tapin", "Kalimantan Selatan", "Rakor"):
        assert secret not in shown, shown
    assert not [c for c in calls if c.method in ("sendDocument", "sendPhoto")]
    assert not bot.api.refusals


async def test_a_pic_forging_a_verification_of_another_region_is_refused(bot):
    (own,) = replies(await bot.say("/start", PIC))
    before = counts(bot.runtime)
    for data in ("ks|64.72|1.01|lengkap|e", "ks|63.05|1.01|terverifikasi|e", "lg|r:63.05", "um|prov|63"):
        await _press(bot, own, data, PIC)
    assert counts(bot.runtime) == before
    assert not bot.api.refusals


async def _press(bot, call, data: str, user: int):
    before = len(bot.api.calls)
    await bot.app.process_update(bot.factory.press(call, data, user))
    return bot.api.calls[before:]

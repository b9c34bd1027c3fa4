"""Heavy spreadsheet work leaves the event loop: while a report is written or an import is read, checked or
saved, another chat is answered. The heavy step is held on an event the test controls (no timing): had it
run on the event loop, nothing else could be answered until it was released."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pytest

from bot.io import export, progress_import
from tests.conftest import ADMIN, PIC, STAF, VIEWER, replies
from tests.fakes import buttons_of
from tests.test_files import file_message, snapshot
from tests.test_progress_import import HEADER, xlsx


class Held:
    def __init__(self) -> None:
        self.started, self.release, self.finished = threading.Event(), threading.Event(), threading.Event()


def held(monkeypatch, module, name: str) -> Held:
    """Replace ``module.name`` by a version that says it started, waits for the test's release (at most
    30 s, so that a version running on the event loop fails instead of hanging), then says it finished."""
    state = Held()
    real: Callable = getattr(module, name)

    def wrapper(*args, **kwargs):
        state.started.set()
        state.release.wait(30)
        try:
            return real(*args, **kwargs)
        finally:
            state.finished.set()

    monkeypatch.setattr(module, name, wrapper)
    return state


async def until(event: threading.Event) -> None:
    for _ in range(3000):
        if event.is_set():
            return
        await asyncio.sleep(0.01)
    pytest.fail("the heavy work never started")


async def answered_meanwhile(bot, heavy: Held, update) -> list:
    """Start ``update``; once its heavy step runs, ask for /status in another chat; then release it.
    Returns the calls of the first update."""
    before = len(bot.api.calls)
    task = asyncio.create_task(bot.app.process_update(update))
    await until(heavy.started)
    (status,) = replies(await bot.say("/status Tapin", STAF))
    assert "<b>Kabupaten Tapin</b>" in status.params["text"]
    assert not heavy.finished.is_set()  # answered while the heavy step was still held
    heavy.release.set()
    await task
    assert heavy.finished.is_set()
    return [c for c in bot.api.calls[before:] if int(c.params.get("chat_id") or 0) != STAF]


async def test_another_chat_is_answered_while_a_province_report_is_written(bot, monkeypatch):
    heavy = held(monkeypatch, export, "report")
    calls = await answered_meanwhile(bot, heavy, bot.factory.message("/ekspor Kalsel", VIEWER))
    (doc,) = [c for c in calls if c.method == "sendDocument"]
    assert "Laporan KKP HAM Kalimantan Selatan" in doc.params["caption"]


async def test_another_chat_is_answered_while_a_template_is_written(bot, monkeypatch):
    heavy = held(monkeypatch, export, "template")
    calls = await answered_meanwhile(bot, heavy, bot.factory.message("/templat Tapin", PIC))
    assert [c for c in calls if c.method == "sendDocument"]


async def test_another_chat_is_answered_while_an_import_is_previewed_and_applied(bot, monkeypatch):
    rows = [HEADER] + [["Tapin", f"{c}.{i:02d}", "lengkap", "", ""] for c in range(1, 11) for i in range(1, 13)]
    bot.api.files["big"] = xlsx(rows)
    calls = await answered_meanwhile(bot, held(monkeypatch, progress_import, "plan"), file_message(bot, ADMIN, "big"))
    (preview,) = replies(calls)
    assert "120 baris sah: 120 berubah" in preview.params["text"]
    monkeypatch.undo()
    data = next(d for label, d in buttons_of(preview) if label == "✅ Kirim")
    calls = await answered_meanwhile(bot, held(monkeypatch, progress_import, "apply"),
                                     bot.factory.press(preview, data, ADMIN))
    (done,) = replies(calls)
    assert "selesai: 120 baris berubah" in done.params["text"]
    assert len(snapshot(bot.runtime)) == 120

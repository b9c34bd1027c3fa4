"""The messages Pantau HAM sends for the benchmarks' questions, worked out once by the real Application.

``python -m bench.answers OUT.json [DB]`` asks every ``/status`` of ``bench.load.QUERIES`` through the real
Application (in-process, the strict stand-in of the tests) as a focal point of the dataset, and writes what it
sent: typed text -> {"text": the HTML as sent, "buttons": rows of {"text", "callback_data"}}. The echo bot
(``bench/echo_bot.py``, ``ECHO_ANSWERS``) then sends exactly these messages.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from bench.dataset import PIC_BASE, build, settings_for
from bench.load import QUERIES
from bot.core.clock import SystemClock
from bot.domain.runtime import Runtime
from bot.ops.app import build_application
from tests.fakes import OfflineBotAPI, UpdateFactory


def questions() -> list[str]:
    return [f"/status {q}" for q in QUERIES]


async def _ask(rt: Runtime, texts: list[str]) -> dict[str, dict]:
    api = OfflineBotAPI(limits=False)
    app = build_application(rt, request=api, token="1:answers", paced=False, flood=False)
    await app.initialize()
    factory = UpdateFactory(app.bot, api)
    out: dict[str, dict] = {}
    try:
        for text in texts:
            before = len(api.calls)
            await app.process_update(factory.message(text, PIC_BASE, PIC_BASE, first_name="Pengguna"))
            sent_now = [c for c in api.calls[before:] if c.method == "sendMessage"]
            if len(sent_now) != 1:
                raise RuntimeError(f"{text!r} was answered by {len(sent_now)} messages, not one (see the log above)")
            sent = sent_now[0]
            markup = sent.params.get("reply_markup") or {}
            out[text] = {"text": sent.params["text"],
                         "buttons": [[{"text": b["text"], "callback_data": b["callback_data"]} for b in row]
                                     for row in markup.get("inline_keyboard", [])]}
    finally:
        await app.shutdown()
    return out


def write(path: Path, database: Path | None = None) -> Path:
    rt = Runtime.start(settings_for(f"sqlite:///{database or build()}"), SystemClock())
    try:
        answers = asyncio.run(_ask(rt, questions()))
    finally:
        rt.engine.dispose()
    path.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None))

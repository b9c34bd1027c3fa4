"""``pantau-ham console``: talk to the bot in a terminal, no Telegram needed.

Each typed line becomes a Telegram update that goes through the very same
``Application``, handlers and services as in production; what the bot would send is
printed as plain text, with its buttons numbered: type a number to press one. Replies go to a terminal,
not to Telegram: they are neither paced (no rate limiter) nor limited (no flood control), so a long script
of lines runs without waiting.
"""

from __future__ import annotations

import asyncio
import sys
import warnings
from collections.abc import Callable
from typing import TextIO

from telegram.warnings import PTBUserWarning

from bot.cli.local_api import ApiCall, LocalBotAPI, buttons_of
from bot.cli.updates import UpdateFactory
from bot.domain.runtime import Runtime
from bot.ops.app import build_application
from bot.render import plain_text

CONSOLE_USER = 1


plain = plain_text


class Console:
    def __init__(self, runtime: Runtime, out: TextIO = sys.stdout, user_id: int = CONSOLE_USER) -> None:
        self.out = out
        self.t = runtime.t
        self.user_id = user_id
        # a terminal, not Telegram: replies are neither paced (no rate limiter) nor limited (no flood control)
        self.api = LocalBotAPI(listener=self._show)
        self.app = build_application(runtime, request=self.api, token="0:console", paced=False, flood=False)
        self.factory = UpdateFactory(self.app.bot, self.api)
        self.last_with_buttons: ApiCall | None = None

    def _show(self, call: ApiCall) -> None:
        if call.method not in ("sendMessage", "editMessageText", "sendDocument", "sendPhoto"):
            if call.method == "answerCallbackQuery" and call.params.get("text"):
                print(f"[!] {plain(call.params['text'])}", file=self.out)
            return
        text = call.params.get("text") or call.params.get("caption") or ""
        marker = self.t.gettext("(diperbarui) ") if call.method == "editMessageText" else ""
        print(f"\n{marker}{plain(text)}", file=self.out)
        buttons = buttons_of(call)
        if buttons:
            self.last_with_buttons = call
            for i, (label, _data) in enumerate(buttons, start=1):
                print(f"  [{i}] {label}", file=self.out)
        print(file=self.out)

    async def start(self) -> None:
        await self.app.initialize()

    async def stop(self) -> None:
        await self.app.shutdown()

    async def handle(self, line: str) -> None:
        line = line.strip()
        if not line:
            return
        if line.isdigit() and self.last_with_buttons is not None:
            buttons = buttons_of(self.last_with_buttons)
            index = int(line) - 1
            if 0 <= index < len(buttons):
                update = self.factory.press(self.last_with_buttons, buttons[index][1], self.user_id)
                await self.app.process_update(update)
                return
        await self.app.process_update(self.factory.message(line, self.user_id))


async def run_console(runtime: Runtime, lines: Callable[[], str] | None = None, out: TextIO | None = None) -> None:
    lines = lines or input
    out = out or sys.stdout
    # the console runs no JobQueue (nothing is due while one types): the wizard's timeout simply does not apply
    warnings.filterwarnings("ignore", message=".*conversation_timeout.*", category=PTBUserWarning)
    console = Console(runtime, out)
    await console.start()
    print(runtime.t.gettext(
        "Konsol Pantau HAM. Ketik /bantuan; ketik angka untuk menekan tombol; Ctrl-D untuk keluar."), file=out)
    try:
        while True:
            try:
                line = await asyncio.to_thread(lines)
            except EOFError:
                break
            await console.handle(line)
    finally:
        await console.stop()

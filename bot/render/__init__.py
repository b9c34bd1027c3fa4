"""Renderers: view models in, ``Reply`` (HTML text + buttons) out. No Telegram types here."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from bot.core.telegram_text import MAX_TEXT, cut_utf16, utf16_len, visible_length

MAX_MESSAGE = MAX_TEXT


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # callback data, at most 64 bytes


@dataclass(frozen=True)
class Reply:
    text: str  # Telegram HTML
    buttons: tuple[tuple[Button, ...], ...] = field(default=())


def rows(buttons: list[Button], per_row: int) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split at line breaks into chunks Telegram accepts, counted as Telegram counts them: UTF-16 units of
    the text after its HTML is parsed (``bot.core.telegram_text``).

    Renderers open and close their HTML tags on one line, so a split between lines never leaves a tag
    open. A single line too long for one message loses its formatting and is cut between characters.
    """
    if utf16_len(text) <= limit:  # parsing only ever shortens: it fits (most replies; parsing is the cost)
        return [text]
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        if visible_length(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            rest = plain_text(line)
            while visible_length(html.escape(rest, quote=False)) > limit:
                head, rest = cut_utf16(rest, limit)
                chunks.append(html.escape(head, quote=False))
            line = html.escape(rest, quote=False)
        candidate = f"{current}\n{line}" if current else line
        if visible_length(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current or not chunks:
        chunks.append(current)
    return chunks


def plain_text(text: str) -> str:
    """Telegram HTML -> plain text (the terminal, photo captions)."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))

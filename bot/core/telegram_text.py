"""Telegram's rules for message text: its HTML dialect and its length units.

Telegram parses ``parse_mode=HTML`` text itself and refuses what it cannot parse ("can't parse entities").
This module parses the same dialect the same way, so that the tests' stand-in for the Bot API (``tests.fakes``) can
refuse what Telegram refuses, and so that long replies are split where Telegram counts: in UTF-16 code
units of the text *after* the tags and entities are taken out (an emoji counts 2, ``&amp;`` counts 1).

Supported, as in the Bot API documentation ("HTML style"): ``b strong i em u ins s strike del``,
``span class="tg-spoiler"``, ``tg-spoiler``, ``a href``, ``code`` (``class="language-…"`` inside ``pre``),
``pre``, ``blockquote`` (optionally ``expandable``) and ``tg-emoji emoji-id``; the entities ``&lt; &gt;
&amp; &quot;`` and numeric ones. Everything else, and a bare ``<``, ``>`` or ``&``, is an error.
"""

from __future__ import annotations

import html
import re
from typing import Any

MAX_TEXT = 4096  # UTF-16 code units of the parsed text
MAX_CAPTION = 1024

SIMPLE_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler", "pre"}
TAGS = SIMPLE_TAGS | {"span", "a", "code", "blockquote", "tg-emoji"}

_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTR = re.compile(r"\s*([a-zA-Z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")


class EntityError(ValueError):
    """Text Telegram would refuse with "Bad Request: can't parse entities: …"."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _attributes(raw: str, tag: str, text: str, at: int) -> dict[str, str]:
    attrs: dict[str, str] = {}
    pos = 0
    raw = raw.rstrip()
    while pos < len(raw):
        m = _ATTR.match(raw, pos)
        if not m or m.end() == pos:
            raise EntityError(f"Can't parse entities: unexpected character in start tag \"{tag}\" at byte offset "
                              f"{_offset(text, at)}")
        value = next((v for v in m.groups()[1:] if v is not None), "")
        attrs[m.group(1).lower()] = html.unescape(value)
        pos = m.end()
    return attrs


def _check_start(tag: str, attrs: dict[str, str], stack: list[str], text: str, at: int) -> None:
    where = f"at byte offset {_offset(text, at)}"
    if tag not in TAGS:
        raise EntityError(f"Can't parse entities: unsupported start tag \"{tag}\" {where}")
    if stack and stack[-1] in ("code", "pre") and not (tag == "code" and stack[-1] == "pre"):
        raise EntityError(f"Can't parse entities: tag \"{tag}\" can't be inside \"{stack[-1]}\" {where}")
    if tag == "blockquote" and "blockquote" in stack:
        raise EntityError(f"Can't parse entities: blockquote can't be nested {where}")
    if tag == "a" and not attrs.get("href"):
        raise EntityError(f"Can't parse entities: tag \"a\" must have attribute \"href\" {where}")
    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise EntityError(f"Can't parse entities: tag \"span\" must have class \"tg-spoiler\" {where}")
    if tag == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
        raise EntityError(f"Can't parse entities: tag \"tg-emoji\" must have attribute \"emoji-id\" {where}")
    if tag == "code" and "class" in attrs and not attrs["class"].startswith("language-"):
        raise EntityError(f"Can't parse entities: unsupported class of tag \"code\" {where}")


_KIND = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
         "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler",
         "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote",
         "tg-emoji": "custom_emoji"}


def parse_html(text: str) -> str:
    """The text Telegram would show for ``text`` in HTML parse mode; raises :class:`EntityError`."""
    return parse_entities(text)[0]


def parse_entities(text: str) -> tuple[str, list[dict[str, Any]]]:
    """What Telegram returns for ``text`` sent in HTML parse mode: the text without tags and entities, and its
    ``MessageEntity`` objects (offsets and lengths in UTF-16 units; empty ones dropped); raises
    :class:`EntityError` where Telegram refuses the text."""
    out: list[str] = []
    stack: list[str] = []
    opened: list[tuple[str, dict[str, str], int]] = []  # tag, attributes, UTF-16 offset where it opened
    entities: list[dict[str, Any]] = []
    units = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "&":
            m = _ENTITY.match(text, i)
            if not m:
                raise EntityError(f"Can't parse entities: unescaped \"&\" at byte offset {_offset(text, i)}")
            try:
                char = html.unescape(m.group(0))
            except (ValueError, OverflowError) as exc:  # pragma: no cover - html.unescape is lenient
                raise EntityError("Can't parse entities: invalid entity") from exc
            out.append(char)
            units += utf16_len(char)
            i = m.end()
        elif ch == ">":
            raise EntityError(f"Can't parse entities: unescaped \">\" at byte offset {_offset(text, i)}")
        elif ch == "<":
            close = text.find(">", i)
            if close < 0:
                raise EntityError(f"Can't parse entities: unclosed start tag at byte offset {_offset(text, i)}")
            inner = text[i + 1 : close]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    raise EntityError(f"Can't parse entities: unexpected end tag at byte offset {_offset(text, i)}")
                if name != stack[-1]:
                    raise EntityError(f"Can't parse entities: unmatched end tag at byte offset {_offset(text, i)}, "
                                      f"expected \"</{stack[-1]}>\", found \"</{name}>\"")
                stack.pop()
                tag, attrs, began = opened.pop()
                if tag == "code" and stack and stack[-1] == "pre":  # <pre><code class="language-x">: one entity
                    opened[-1][1]["language"] = attrs.get("class", "").removeprefix("language-")
                elif units > began:  # Telegram drops empty entities
                    entities.append(_entity(tag, attrs, began, units - began))
            else:
                m = _NAME.match(inner)
                if not m:
                    raise EntityError(f"Can't parse entities: expected tag name at byte offset {_offset(text, i)}")
                tag = m.group(0).lower()
                attrs = _attributes(inner[m.end():], tag, text, i) if tag in TAGS else {}
                _check_start(tag, attrs, stack, text, i)
                stack.append(tag)
                opened.append((tag, attrs, units))
            i = close + 1
        else:
            out.append(ch)
            units += 2 if ord(ch) > 0xFFFF else 1
            i += 1
    if stack:
        raise EntityError(f"Can't parse entities: can't find end tag corresponding to start tag \"{stack[-1]}\"")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _entity(tag: str, attrs: dict[str, str], offset: int, length: int) -> dict[str, Any]:
    entity: dict[str, Any] = {"type": _KIND[tag], "offset": offset, "length": length}
    if tag == "a":
        entity["url"] = attrs["href"]
    elif tag == "pre" and attrs.get("language"):
        entity["language"] = attrs["language"]
    elif tag == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif tag == "tg-emoji":
        entity["custom_emoji_id"] = attrs["emoji-id"]
    return entity


def visible_length(text: str, html_mode: bool = True) -> int:
    """Telegram's length of ``text``: UTF-16 units after parsing (the raw text when not HTML or unparsable)."""
    if html_mode:
        try:
            return utf16_len(parse_html(text))
        except EntityError:
            pass
    return utf16_len(text)


def cut_utf16(text: str, limit: int) -> tuple[str, str]:
    """``text`` cut after at most ``limit`` UTF-16 units, never inside a character."""
    units = 0
    for index, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return text[:index], text[index:]
    return text, ""


def fits_caption(text: str) -> bool:
    """Whether ``text`` (HTML) can be a photo's caption: at most 1024 UTF-16 units once parsed."""
    return visible_length(text) <= MAX_CAPTION

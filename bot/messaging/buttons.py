"""An inline keyboard kept with an outbox row (``outbox.buttons``), so that what the delivery engine sends on
its own can carry buttons: JSON ``[[["label", "callback data"], ...], ...]``, one list per row."""

from __future__ import annotations

import json

from bot.render import Button, Reply


def stored(buttons: tuple[tuple[Button, ...], ...]) -> str | None:
    """The keyboard as kept in the outbox (None: no buttons)."""
    if not buttons:
        return None
    return json.dumps([[[b.label, b.data] for b in row] for row in buttons], ensure_ascii=False)


def restored(value: str | None) -> tuple[tuple[Button, ...], ...]:
    """The keyboard of an outbox row (none for a row queued without one, or before the column existed)."""
    if not value:
        return ()
    return tuple(tuple(Button(str(label), str(data)) for label, data in row) for row in json.loads(value))


def reply_of(text: str, buttons: str | None) -> Reply:
    return Reply(text, restored(buttons))

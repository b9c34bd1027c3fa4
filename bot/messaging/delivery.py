"""What the delivery engine needs from a transport: send a message to a chat, say how it went."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from bot.render import Reply


class Outcome(StrEnum):
    SENT = "sent"
    RETRY_AFTER = "retry_after"  # 429: wait ``retry_after`` seconds, then try again
    TRANSIENT = "transient"  # not delivered (a 5xx answer, no connection): try again later
    UNSURE = "unsure"  # the request went out but no answer came (a timeout): it may have arrived
    BLOCKED = "blocked"  # 403 or unknown chat: stop sending there
    MIGRATED = "migrated"  # the group became a supergroup with ``new_chat_id``
    REJECTED = "rejected"  # any other refusal (400): give up on this message


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    message_id: int | None = None
    retry_after: float = 0.0
    new_chat_id: int | None = None
    error: str | None = None


@dataclass
class Report:
    """What one run of the delivery engine did (logged; tests read it)."""

    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    superseded: int = 0
    missed: int = 0
    failed: int = 0
    retried: int = 0
    unsure: int = 0  # sends whose answer never came (it may have arrived)
    blocked_chats: list[int] = field(default_factory=list)
    reports: list[int] = field(default_factory=list)  # broadcasts whose final delivery report went out


@dataclass(frozen=True)
class Photo:
    """A chart and its caption (Telegram HTML): one message."""

    png: bytes
    caption: str


class Sender(Protocol):
    """A transport. It may also have ``async def ready(chat_id)``, returning once that chat's own limits
    (1 a second, 20 a minute per group) allow one more message; the engine waits for it before the message
    takes a place among those in flight."""

    async def send(self, chat_id: int, reply: Reply) -> SendResult: ...

    async def send_photo(self, chat_id: int, png: bytes, caption: str) -> SendResult: ...

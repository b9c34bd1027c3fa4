"""What the dispatcher needs from a transport: send a reply to a chat, say how it went."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.render import Reply


class Outcome(StrEnum):
    SENT = "sent"
    RETRY_AFTER = "retry_after"  # 429: wait ``retry_after`` seconds, then try again
    TRANSIENT = "transient"  # network trouble or a 5xx: try again later
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


class Sender(Protocol):
    async def send(self, chat_id: int, reply: Reply) -> SendResult: ...

    async def send_photo(self, chat_id: int, png: bytes, caption: str) -> SendResult: ...


async def in_parallel(jobs: Iterable[Awaitable[None]]) -> None:
    """Run ``jobs`` concurrently; the first error cancels the rest and is raised as itself."""
    try:
        async with asyncio.TaskGroup() as group:
            for job in jobs:
                group.create_task(job)
    except BaseExceptionGroup as errors:
        raise errors.exceptions[0] from None

"""Multi-step conversations, kept in the database (keyed by chat and person, with an expiry).

A restart, or another copy of the bot behind a webhook, continues a conversation where it stopped:
nothing about it lives in memory. Plain Python: handlers decide what a step means.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from bot.clock import Clock
from bot.models import ConversationState

TTL = timedelta(minutes=30)


@dataclass
class Conversation:
    kind: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)


def current(session: Session, clock: Clock, chat_id: int, user_id: int, kind: str | None = None,
            ) -> Conversation | None:
    """The person's open conversation in this chat (of ``kind``, when given); None when none or expired."""
    row = session.get(ConversationState, (chat_id, user_id))
    if row is None:
        return None
    if row.expires_at <= clock.now():
        session.delete(row)
        return None
    if kind is not None and row.kind != kind:
        return None
    return Conversation(row.kind, row.step, json.loads(row.data))


def save(session: Session, clock: Clock, chat_id: int, user_id: int, conversation: Conversation,
         ttl: timedelta = TTL) -> None:
    row = session.get(ConversationState, (chat_id, user_id))
    if row is None:
        row = ConversationState(chat_id=chat_id, user_id=user_id, kind="", step="", expires_at=clock.now())
        session.add(row)
    row.kind, row.step = conversation.kind, conversation.step
    row.data = json.dumps(conversation.data, ensure_ascii=False)
    row.expires_at = clock.now() + ttl
    session.flush()


def end(session: Session, chat_id: int, user_id: int) -> bool:
    """Close the person's conversation in this chat; True when there was one."""
    row = session.get(ConversationState, (chat_id, user_id))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True

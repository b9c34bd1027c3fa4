"""Multi-step conversations, kept in the database (keyed by chat and person, with an expiry).

A restart, or another copy of the bot behind a webhook, continues a conversation where it stopped:
nothing about it lives in memory. Plain Python: handlers decide what a step means.

Two copies may get two updates of one conversation at the same moment. Saving is one upsert (never an
IntegrityError), and a step that may be taken only once (apply an import, save an event, attach a note)
is taken with :func:`claim`: one conditional statement against the conversation as it was read, whose
row count decides (``bot.core.claims``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, update
from sqlmodel import Session, col

from bot.core.claims import claimed, dialect_insert, rowcount
from bot.core.clock import Clock
from bot.core.models import ConversationState

TTL = timedelta(minutes=30)


@dataclass
class Conversation:
    kind: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    stored: str | None = field(default=None, compare=False, repr=False)  # the data as read, for claim()


def _key(chat_id: int, user_id: int) -> tuple[ColumnElement[bool], ...]:
    return col(ConversationState.chat_id) == chat_id, col(ConversationState.user_id) == user_id


def current(session: Session, clock: Clock, chat_id: int, user_id: int, kind: str | None = None,
            ) -> Conversation | None:
    """The person's open conversation in this chat (of ``kind``, when given); None when none or expired."""
    row = session.get(ConversationState, (chat_id, user_id), populate_existing=True)
    if row is None:
        return None
    if row.expires_at <= clock.now():
        session.execute(delete(ConversationState).where(*_key(chat_id, user_id),
                                                        col(ConversationState.expires_at) <= clock.now())
                        .execution_options(synchronize_session=False))
        session.expunge(row)
        return None
    if kind is not None and row.kind != kind:
        return None
    return Conversation(row.kind, row.step, json.loads(row.data), stored=row.data)


def save(session: Session, clock: Clock, chat_id: int, user_id: int, conversation: Conversation,
         ttl: timedelta = TTL) -> None:
    """Start or continue the conversation (one upsert: two copies saving at once never collide)."""
    values = dict(kind=conversation.kind, step=conversation.step,
                  data=json.dumps(conversation.data, ensure_ascii=False), expires_at=clock.now() + ttl)
    stmt = dialect_insert(session)(ConversationState).values(chat_id=chat_id, user_id=user_id, **values)
    session.execute(stmt.on_conflict_do_update(index_elements=["chat_id", "user_id"], set_=values))
    session.flush()


def claim(session: Session, clock: Clock, chat_id: int, user_id: int, seen: Conversation,
          step: str | None = None, ttl: timedelta = TTL) -> bool:
    """Take the step of ``seen`` (as :func:`current` read it) once: move it to ``step``, or end it (None).

    One conditional statement: True when the conversation was still exactly as read and unexpired; False
    when another update (on this copy or another) took it first, or it changed or expired meanwhile.
    """
    where = (*_key(chat_id, user_id), col(ConversationState.kind) == seen.kind,
             col(ConversationState.step) == seen.step, col(ConversationState.expires_at) > clock.now())
    if seen.stored is not None:
        where += (col(ConversationState.data) == seen.stored,)
    if step is None:
        return claimed(session, delete(ConversationState).where(*where))
    return claimed(session, update(ConversationState).where(*where).values(step=step,
                                                                            expires_at=clock.now() + ttl))


def end(session: Session, chat_id: int, user_id: int) -> bool:
    """Close the person's conversation in this chat; True when there was one (and this call closed it)."""
    result = session.execute(delete(ConversationState).where(*_key(chat_id, user_id))
                             .execution_options(synchronize_session=False))
    return rowcount(result) > 0

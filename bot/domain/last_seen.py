"""When a person was last seen, written behind the answers.

``person.last_seen`` is refreshed when it is older than ``SEEN_EVERY`` (``bot.domain.people``). When nothing
else about the person changed (names, the language of their Telegram app), that refresh is no reason to make
the person wait: the gate notes it here (:meth:`SeenLater.note`) and the tick writes every noted person in
one statement (:meth:`SeenLater.write`, ``bot/ops/jobs.py``). A morning's burst of focal points coming back
to the bot is then answered from one read each, not a write each. A process that dies before its next tick
loses only those refreshes: nobody reads ``last_seen`` to decide anything, and the next message notes it again.
"""

from __future__ import annotations

import threading
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from bot.core.models import Person

# one statement for every noted person; the newer moment wins if another process wrote in the meantime
_REFRESH = (
    sa.update(Person)
    .where(col(Person.id) == sa.bindparam("person_id"), col(Person.last_seen) < sa.bindparam("seen_at"))
    .values(last_seen=sa.bindparam("seen_at"))
)


class SeenLater:
    """People seen again, by id, with the moment: noted on the event loop, written by the tick's thread."""

    def __init__(self) -> None:
        self._due: dict[int, datetime] = {}
        self._lock = threading.Lock()

    def note(self, person_id: int, at: datetime) -> None:
        with self._lock:
            self._due[person_id] = at

    def __len__(self) -> int:
        return len(self._due)

    def write(self, session: Session) -> int:
        """Write every noted moment (one executemany); how many were noted. If the statement fails they stay
        noted for the next tick."""
        with self._lock:
            due, self._due = self._due, {}
        if not due:
            return 0
        try:
            session.connection().execute(_REFRESH, [{"person_id": k, "seen_at": v} for k, v in due.items()])
            session.flush()
        except Exception:
            with self._lock:
                self._due = {**due, **self._due}
            raise
        return len(due)

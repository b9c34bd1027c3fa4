""""Something new is due": a process-wide signal from the services to the dispatch timer.

When the planner inserts reminder rows or the outbox gets rows, they call :func:`after_commit`; once
the transaction commits, every listener (the dispatch timer of ``schedules/jobs.py``) is told, from
whatever thread committed. No listener (tests, the CLI): nothing happens.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from sqlalchemy import event
from sqlmodel import Session

_listeners: list[weakref.WeakMethod[Callable[[], None]]] = []  # bound methods, forgotten with their object


def listen(callback: Callable[[], None]) -> None:
    _listeners.append(weakref.WeakMethod(callback))


def forget(callback: Callable[[], None]) -> None:
    _listeners[:] = [ref for ref in _listeners if ref() not in (None, callback)]


def notify() -> None:
    for ref in list(_listeners):
        callback = ref()
        if callback is None:
            _listeners.remove(ref)
        else:
            callback()


def after_commit(session: Session) -> None:
    """Notify once ``session``'s transaction has committed (not on rollback)."""
    if _listeners and not session.info.get("wakeup"):
        session.info["wakeup"] = True

        def fire(s: Session) -> None:
            s.info.pop("wakeup", None)
            notify()

        event.listen(session, "after_commit", fire, once=True)

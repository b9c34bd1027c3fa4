"""The database going away: recognised, said once in the log, said again once when it is back."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

log = logging.getLogger("pantau_ham.database")


def is_database_down(exc: BaseException | None) -> bool:
    """Connection refused, reset or dropped (not a bad query)."""
    if isinstance(exc, (OperationalError, InterfaceError)):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


class Outage:
    """Shared by the handlers' error handler and the ticker, so one outage is one log line."""

    def __init__(self) -> None:
        self.down = False

    def failed(self, exc: BaseException) -> None:
        if not self.down:
            self.down = True
            log.error("database unreachable: %s (answering with an apology until it is back)",
                      str(exc).splitlines()[0][:300])

    def ok(self) -> None:
        if self.down:
            self.down = False
            log.warning("database reachable again; catching up")


def outage_of(bot_data: dict[str, Any]) -> Outage:
    outage = bot_data.setdefault("outage", Outage())
    assert isinstance(outage, Outage)  # only this function writes the key
    return outage

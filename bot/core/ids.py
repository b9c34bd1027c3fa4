"""The key of a stored row.

SQLModel types an autoincrement key ``int | None``: None until the row is flushed. Code holding a row read
from, or flushed to, the database takes its key with :func:`key_of`, which says so if that is not the case.
"""

from __future__ import annotations

from typing import Protocol


class Keyed(Protocol):
    @property
    def id(self) -> int | None: ...


def key_of(row: Keyed) -> int:
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: add and flush it first")
    return row.id

"""An error a person caused and can fix: a gettext message id plus the values that fill it."""

from __future__ import annotations


class UserError(ValueError):
    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message)
        self.message = message
        self.values = values

"""The old name of the ``review_notice`` table, now in :mod:`bot.core.models.review` (also importable from
``bot.core.models``); kept until its importers use that name."""

from bot.core.models.review import ReviewNotice

__all__ = ["ReviewNotice"]

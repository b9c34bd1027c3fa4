"""The old name of the Aksi HAM tables, now in :mod:`bot.core.models.aksi` (also importable from
``bot.core.models``); kept until its importers use that name."""

from bot.core.models.aksi import AksiAction, AksiActionReport, AksiStatus

__all__ = ["AksiAction", "AksiActionReport", "AksiStatus"]

"""Callback data of the verification queue's buttons (``/verifikasi``), parsed as strictly as the others.

Registered in :data:`bot.render.callbacks.PARSERS`:

* ``vf|<what>|<scope>|<entry id>|<stamp>``: a card's buttons. ``what``: ``ok`` (✅ Terverifikasi), ``no``
  (↩️ Perlu perbaikan: the reasons), ``r1``..``r5`` (one of the common reasons), ``tw`` (✍️ Tulis alasan),
  ``bk`` (back to the card), ``sk`` (⏭ Lewati). ``scope``: the province (``63``) or kab/kota (``63.05``) of the
  queue; ``stamp``: when the indicator last changed, in whole seconds, as the card showed it.
* ``vb|<file id>``: send one data-dukung file of a card back.
* ``vo|<scope>``: open the queue (the daily line's button, "Mulai lagi").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.core import limits
from bot.reference import Place
from bot.render.callback_fields import PlaceButton, number, place_of, place_parser, split_fields

VERIFY = "vf"
VERIFY_FILE = "vb"
VERIFY_OPEN = "vo"

VERIFIED, SEND_BACK, WRITE, BACK, SKIP = "ok", "no", "tw", "bk", "sk"
REASON_COUNT = 5  # r1..r5: bot.domain.verification.REASONS
CARD_ACTIONS = (VERIFIED, SEND_BACK, WRITE, BACK, SKIP, *(f"r{i}" for i in range(1, REASON_COUNT + 1)))
MAX_STAMP = 2**40  # seconds since 1970: far beyond any date the bot keeps


@dataclass(frozen=True)
class VerifyButton:
    """A card's button: ``what`` (one of ``CARD_ACTIONS``), the queue's place, the entry and its stamp."""

    what: str
    place: Place
    entry_id: int
    stamp: int

    @property
    def reason(self) -> int | None:
        """0-based index of a common reason (``r1`` -> 0), else None."""
        return int(self.what[1:]) - 1 if self.what.startswith("r") else None


@dataclass(frozen=True)
class VerifyFileButton:
    file_id: int


def _verify(data: str, _window: tuple[date, date]) -> VerifyButton | None:
    split = split_fields(data, (4,), in_place=False)
    if split is None:
        return None
    what, scope, raw_id, raw_stamp = split[0]
    place = place_of(scope)
    entry_id = number(raw_id, 1, limits.MAX_ID)
    stamp = number(raw_stamp, 0, MAX_STAMP)
    if what not in CARD_ACTIONS or place is None or ":" in scope or entry_id is None or stamp is None:
        return None
    return VerifyButton(what, place, entry_id, stamp)


def _file(data: str, _window: tuple[date, date]) -> VerifyFileButton | None:
    split = split_fields(data, (1,), in_place=False)
    if split is None:
        return None
    file_id = number(split[0][0], 1, limits.MAX_ID)
    return VerifyFileButton(file_id) if file_id is not None else None


Decoded = VerifyButton | VerifyFileButton | PlaceButton
PARSERS: dict[str, Callable[[str, tuple[date, date]], Decoded | None]] = {
    VERIFY: _verify, VERIFY_FILE: _file, VERIFY_OPEN: place_parser(VERIFY_OPEN)}

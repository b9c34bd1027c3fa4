"""Check the criterion names a catalog file carries against the criterion numbers in force.

The order of the ten criteria differs between sources (most list "Hak atas lingkungan ..." as 9 and
"Hak perempuan dan anak" as 10; Kanwil Babel's 2023 material swaps them), so a catalog import never
maps numbers to names blindly: where the file names its criteria (a ``nama kriteria`` column, or
``9. Hak atas ...`` in the ``kriteria`` column), each name must be the criterion of that number in
``bot/reference/criteria.csv``, or the import is refused and says which number the system gives it.

Names are compared by their words, without case, punctuation and the words every criterion shares
("hak", "atas", "dan", "yang", "serta", ...): "Hak Perempuan dan Anak" is "Hak perempuan dan anak",
"Hak atas lingkungan yang baik dan sehat serta perumahan yang layak" is criterion 9 however "hak atas"
is repeated. A name matches a criterion when at least half of the smaller word set is shared
(:data:`MIN_SHARE`) and no other criterion shares more.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.reference import CriterionRef

STOP_WORDS = frozenset({
    "hak", "atas", "dan", "yang", "serta", "dalam", "untuk", "bagi", "terhadap", "kriteria", "no", "nomor",
})
MIN_SHARE = 0.5
INLINE_RE = re.compile(r"^\s*(\d{1,2})\s*[.):\-–]\s*(\D.*)$")  # "9. Hak atas ...", "10) Hak perempuan ..."


def words(name: str) -> frozenset[str]:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return frozenset(w for w in re.split(r"[^a-z0-9]+", text) if w and not w.isdigit() and w not in STOP_WORDS)


def share(a: frozenset[str], b: frozenset[str]) -> float:
    """The part of the smaller word set found in the other (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def split_inline(cell: str) -> tuple[str, str | None]:
    """``"9. Hak atas lingkungan"`` -> ("9", "Hak atas lingkungan"); ``"9"`` -> ("9", None)."""
    m = INLINE_RE.match(cell)
    return (m.group(1), m.group(2).strip()) if m else (cell, None)


@dataclass(frozen=True)
class Mismatch:
    number: int  # the criterion number the file gives
    file_name: str  # the name the file gives it
    system_name: str  # the name of that number in force
    system_number: int | None  # the number the system gives the file's name, when it recognises it


def best(name: str, known: dict[int, CriterionRef]) -> tuple[list[int], float]:
    """The criteria that share the most words with ``name``, and how much."""
    mine = words(name)
    scores = {n: share(mine, words(c.name)) for n, c in known.items()}
    top = max(scores.values(), default=0.0)
    return [n for n, s in scores.items() if s == top], top


def check(number: int, name: str, known: dict[int, CriterionRef]) -> Mismatch | None:
    """None when ``name`` is criterion ``number`` in force; otherwise what disagrees."""
    numbers, score = best(name, known)
    if number in numbers and score >= MIN_SHARE:
        return None
    recognised = numbers[0] if score >= MIN_SHARE and len(numbers) == 1 else None
    return Mismatch(number, name, known[number].name, recognised)

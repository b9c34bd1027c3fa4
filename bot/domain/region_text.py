"""Text rules of region names, apart from the index (``bot/domain/regions.py``): how keys are compared, kind
words, abbreviated words, and the shapes of typos and abbreviations."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

FUZZY_MIN_LENGTH = 6  # shorter texts may be abbreviations ("Tuba", "Barut"), never guessed as typos
FUZZY_ANY_EDIT_LENGTH = 8  # below this, only a letter left out or two letters swapped ("Bireun", "Bulelng")
KIND_PROVINCE = "provinsi"
STOP_WORDS = {"dan"}

KIND_RE = re.compile(
    r"^\s*(?:(?P<kabupaten>kabupaten|kab|pemkab|pemerintah\s+kabupaten)"
    r"|(?P<kota>kotamadya|kota\s+madya|kodya|pemkot|pemerintah\s+kota|kota)"
    r"|(?P<provinsi>provinsi|propinsi|prov|pemprov|pemerintah\s+provinsi))\b\.?\s*"
    r"(?:(?:administrasi|adm)\b\.?\s*)?",
    re.IGNORECASE,
)
EXPANSIONS = (
    (re.compile(r"\bkep\b\.?\s*", re.IGNORECASE), "Kepulauan "),
    (re.compile(r"\b(?:tg|tj)\b\.?\s*", re.IGNORECASE), "Tanjung "),
    (re.compile(r"\bp\.\s*", re.IGNORECASE), "Pulau "),
    (re.compile(r"\bsumatra\b", re.IGNORECASE), "Sumatera"),
)


def normalise(text: str) -> str:
    """Lower case, no accents, no punctuation or spaces: the form keys are compared in."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def name_words(text: str) -> list[str]:
    """``"Hulu Sungai Selatan"`` -> ["hulu", "sungai", "selatan"]."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w]


def max_edits(length: int) -> int:
    """How many edits a typo of this length may carry and still be taken as meant."""
    if length < FUZZY_MIN_LENGTH:
        return 0
    if length < 12:
        return 1
    return 2


def derived_names(name: str) -> list[str]:
    """Names people shorten by habit: "Kepulauan Seribu" -> "Seribu", "Pangkajene dan Kepulauan" without "dan"."""
    out = []
    if name.startswith("Kepulauan ") and len(name.split()) > 1:
        out.append(name.removeprefix("Kepulauan "))
    if " dan " in name:
        out.append(name.replace(" dan ", " "))
    return out


def variants(text: str) -> list[str]:
    """The text as typed, then with abbreviated words spelled out ("Kep. Seribu")."""
    expanded = text
    for pattern, replacement in EXPANSIONS:
        expanded = pattern.sub(replacement, expanded)
    expanded = expanded.strip()
    return [text] if expanded == text else [text, expanded]


def split_kind(text: str) -> tuple[str | None, str]:
    """``"Kab. HSS"`` -> ("kabupaten", "HSS"); a kind word must stand alone ("Kotabaru" has none)."""
    m = KIND_RE.match(text)
    if not m:
        return None, text
    kind = next(k for k in ("kabupaten", "kota", KIND_PROVINCE) if m[k])
    return kind, text[m.end():].strip()


def slip(typed: str, key: str) -> bool:
    """One letter left out ("bireun" for "bireuen") or two neighbours swapped: the typos a short
    text may carry. A letter changed or added is how abbreviations differ from names
    ("barut"/"garut", "linggau"/"lingga"), so it is never guessed."""
    if len(key) == len(typed) + 1:
        return any(key[:i] + key[i + 1:] == typed for i in range(len(key)))
    if len(key) == len(typed):
        diffs = [i for i in range(len(key)) if key[i] != typed[i]]
        return (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                and typed[diffs[0]] == key[diffs[1]] and typed[diffs[1]] == key[diffs[0]])
    return False


def looks_like_abbreviation(text: str) -> bool:
    """"HSS", "TTS", "KBB": capitals only, one short word; never guessed as a typo."""
    letters = re.sub(r"[^A-Za-z]", "", text)
    return " " not in text.strip() and letters.isupper() and len(letters) <= 6


def abbreviates(norm: str, words: list[str], kind_initial: str = "") -> bool:
    """Whether ``norm`` takes a leading piece of every word in order: "tapteng" ~ Tapanuli Tengah,
    "hss" ~ Hulu Sungai Selatan, "kbb" ~ (Kabupaten) Bandung Barat. One word: no (a prefix of a
    name is what the fuzzy ranking finds)."""
    if len(norm) < 2 or len(words) < 2 or norm[0] not in (words[0][0], kind_initial):
        return False

    @cache
    def fits(i: int, w: int) -> bool:
        if w == len(words):
            return i == len(norm)
        word = words[w]
        return any(
            norm[i:i + n] == word[:n] and fits(i + n, w + 1) for n in range(1, min(len(word), len(norm) - i) + 1)
        )

    return fits(0, 0) or (bool(kind_initial) and norm[0] == kind_initial and fits(1, 0))

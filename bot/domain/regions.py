"""Turn what people type ("Tapin", "kab. hss", "Rantau", "Tapin, Kalsel", "63.05") into a region.

Matching never strips a "Kota" prefix blindly ("Kotabaru" is a kabupaten, "Kotawaringin"
starts with "Kota"); instead every region carries a set of keys (its name with and
without the kind word, its aliases, its capital and its former names), compared with
spaces and punctuation removed, so "Banjar Baru" == "Banjarbaru". Keys have tiers:

0. the full official name ("Kabupaten Banjar", "Kab. Banjar", "Kota Banjar"), a code,
   a province name or alias;
1. the bare name of a kabupaten, or an alias;
2. the bare name of a kota, or a capital;
3. a former name ("Toba Samosir", "Mamuju Utara").

The best tier wins, so a bare "Banjar" is Kabupaten Banjar (Kalsel), not Kota Banjar
(Jawa Barat): type "Kota Banjar" for the city. Several matches in the best tier are
ambiguous ("Mura", "Martapura") and come back as candidates, the asker's own province
first. A province's name or alias that is also a kab/kota's key ("Gorontalo": the province,
the kabupaten and the kota; "Bengkulu", "Jambi", "Jogja") puts all of them in tier 0: asked.
A former name written with its kind word ("Kabupaten Pontianak", now Mempawah) is found
with that word only: a bare "Pontianak" stays Kota Pontianak.

When the whole text is no key, it is read as a form, in this order:

* a kind word and a name, alias or capital: "Kab Kukar", "Kabupaten OKU Timur",
  "Kota Administrasi Jakarta Selatan", "Pemkab Tapin" (only regions of that kind);
* abbreviated words: "Kep." = Kepulauan, "Tg."/"Tj." = Tanjung, "P." = Pulau;
* a name and its province: "Tapin, Kalsel", "Tapin (Kalimantan Selatan)" (the bot's own
  button label), "Tapin Kalsel" (only regions of that province).

Nothing silently wrong: a text that is still no key is taken as a typo only when it is
long enough (6 letters or more), one slip (two from 12 letters; below 8 letters only a
letter left out or two swapped) from exactly one region's *name* or capital
(never from an abbreviation), and of the kind and province it names. Anything else
("Tuba", "Jakbar" when they are not known) gets suggestions, led by the regions whose
words the text abbreviates ("Tapteng" -> Tapanuli Tengah).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from bot.domain.region_text import (
    FUZZY_ANY_EDIT_LENGTH,
    KIND_PROVINCE,
    STOP_WORDS,
    abbreviates,
    derived_names,
    looks_like_abbreviation,
    max_edits,
    name_words,
    normalise,
    slip,
    split_kind,
    variants,
)
from bot.reference import Place, ProvinceRef, RegionRef, provinces, regions

SUGGESTIONS = 3
ABBREVIATION_SUGGESTIONS = 6  # "KBB" abbreviates Bandung Barat, Bangka Barat, Batu Bara...: show them all

# Which keys a typo may be matched against: names, capitals, former names. Never aliases
# (abbreviations are too short and too alike to guess: "Jakbar" is one edit from "Jabar").
SOURCE_NAME, SOURCE_ALIAS, SOURCE_CAPITAL, SOURCE_FORMER, SOURCE_CODE = "name", "alias", "capital", "former", "code"
SOURCE_FORM = "form"  # a name with its kind word ("Kota Batu"): a typo is read without it ("Kota Kotabaru")
FUZZY_SOURCES = {SOURCE_NAME, SOURCE_CAPITAL, SOURCE_FORMER}

_PARENS_RE = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<qualifier>[^()]+)\)\s*$")
_SEPARATOR_RE = re.compile(r"\s*(?:,|/|;|\s-\s)\s*")



@dataclass(frozen=True)
class Resolution:
    """What a typed name means: exactly one target, several candidates, or nothing."""

    query: str
    target: Place | None = None
    candidates: tuple[Place, ...] = ()
    suggestions: tuple[Place, ...] = ()
    # a same-named region one tier lower, e.g. Kota Banjar when "Banjar" meant the kabupaten
    also: tuple[Place, ...] = field(default=())

    @property
    def region(self) -> RegionRef | None:
        return self.target if isinstance(self.target, RegionRef) else None

    @property
    def province(self) -> ProvinceRef | None:
        return self.target if isinstance(self.target, ProvinceRef) else None

    @property
    def is_ambiguous(self) -> bool:
        return self.target is None and bool(self.candidates)


def prefer_own(resolution: Resolution, own: frozenset[str]) -> Resolution:
    """A name two kab/kota share ("Jayapura": the kabupaten, and Kota Jayapura): the asker's own kab/kota
    (``own``: the codes of their kab/kota) when it is the other one; the first stays offered in ``also``."""
    target = resolution.target
    if not own or not isinstance(target, RegionRef) or target.code in own:
        return resolution
    mine = next((o for o in resolution.also if isinstance(o, RegionRef) and o.code in own), None)
    if mine is None:
        return resolution
    also = (target,) + tuple(o for o in resolution.also if o != mine)
    return Resolution(resolution.query, mine, resolution.candidates, resolution.suggestions, also)


def _target_key(t: Place) -> str:
    return ("p:" if isinstance(t, ProvinceRef) else "r:") + t.code


def kind_of(t: Place) -> str:
    return KIND_PROVINCE if isinstance(t, ProvinceRef) else t.kind


def province_of(t: Place) -> str:
    return t.code if isinstance(t, ProvinceRef) else t.province_code


@dataclass(frozen=True)
class _Scope:
    """Restrictions a form puts on the answer: a kind word, a named province."""

    kind: str | None = None
    province: str | None = None

    def admits(self, t: Place) -> bool:
        if self.kind and kind_of(t) != self.kind:
            return False
        if self.province and (isinstance(t, ProvinceRef) or t.province_code != self.province):
            return False
        return True


_ANY = _Scope()
Bucket = dict[str, tuple[int, Place]]


class RegionIndex:
    def __init__(self, region_refs: dict[str, RegionRef], province_refs: dict[str, ProvinceRef]) -> None:
        self.regions = region_refs
        self.provinces = province_refs
        self._keys: dict[str, Bucket] = {}
        self._fuzzy_keys: dict[str, Bucket] = {}
        self._province_keys: dict[str, str] = {}  # province names and aliases only: for "Tapin, Kalsel"
        for p in province_refs.values():
            for name in (p.name, *p.aliases):
                source = SOURCE_NAME if name == p.name else SOURCE_ALIAS
                for key in (name, f"Provinsi {name}", f"Prov. {name}"):
                    self._add(key, 0, p, source if key == name else SOURCE_FORM)
                    self._province_keys[normalise(key)] = p.code
            self._add(p.code, 0, p, SOURCE_CODE)
        for r in region_refs.values():
            kind_words = ("Kabupaten", "Kab", "Kab.") if r.kind == "kabupaten" else ("Kota",)
            for word in kind_words:
                self._add(f"{word} {r.name}", 0, r, SOURCE_FORM)
            self._add(r.code, 0, r, SOURCE_CODE)
            self._add(r.code.replace(".", ""), 0, r, SOURCE_CODE)
            self._add(r.name, 1 if r.kind == "kabupaten" else 2, r, SOURCE_NAME)
            for variant in derived_names(r.name):
                self._add(variant, 1 if r.kind == "kabupaten" else 2, r, SOURCE_ALIAS)
            for alias in r.aliases:
                self._add(alias, 1, r, SOURCE_ALIAS)
            if r.capital:
                self._add(r.capital, 2, r, SOURCE_CAPITAL)
            for former in r.former_names:
                self._add(former, 3, r, SOURCE_FORMER)
                kind, rest = split_kind(former)
                if kind == r.kind and rest:  # "Kabupaten Pontianak": also "Kab. Pontianak", never bare "Pontianak"
                    self._add(rest, 3, r, SOURCE_FORMER)
        # a province's name or alias that is also a kab/kota's name, alias or capital ("Gorontalo", "Bengkulu",
        # "Jambi", "Jogja") is asked with all of them offered, not taken
        for p in province_refs.values():
            for name in (p.name, *p.aliases):
                bucket = self._keys.get(normalise(name), {})
                if any(isinstance(t, RegionRef) and tier < 3 for tier, t in bucket.values()):
                    for tk, (tier, t) in list(bucket.items()):
                        if tier < 3:
                            bucket[tk] = (0, t)
        self._choices = list(self._keys)
        self._fuzzy_choices = list(self._fuzzy_keys)
        # words of every target's name, for abbreviation-shaped suggestions ("Tapteng")
        self._word_lists: list[tuple[Place, list[str]]] = [
            (p, [w for w in name_words(p.name) if w not in STOP_WORDS]) for p in province_refs.values()
        ] + [(r, [w for w in name_words(r.name) if w not in STOP_WORDS]) for r in region_refs.values()]

    def _add(self, key: str, tier: int, target: Place, source: str) -> None:
        norm = normalise(key)
        if not norm:
            return
        tk = _target_key(target)
        maps = [self._keys] + ([self._fuzzy_keys] if source in FUZZY_SOURCES else [])
        for keys in maps:
            bucket = keys.setdefault(norm, {})
            if tk not in bucket or bucket[tk][0] > tier:
                bucket[tk] = (tier, target)

    def _order(self, targets: list[Place], prefer_province: str | None) -> tuple[Place, ...]:
        def key(t: Place) -> tuple[int, str]:
            return (0 if province_of(t) == prefer_province else 1, t.code)

        return tuple(sorted(targets, key=key))

    # -- exact keys -------------------------------------------------------------------

    def _from_bucket(self, query: str, bucket: Bucket, scope: _Scope, prefer: str | None) -> Resolution | None:
        entries = [(tier, t) for tier, t in bucket.values() if scope.admits(t)]
        if not entries:
            return None
        best = min(tier for tier, _ in entries)
        top = [t for tier, t in entries if tier == best]
        lower = [t for tier, t in entries if tier > best and tier < 3]
        if len(top) == 1:
            also: list[Place] = [t for t in lower if isinstance(t, RegionRef) and isinstance(top[0], RegionRef)]
            return Resolution(query, target=top[0], also=self._order(also, prefer))
        return Resolution(query, candidates=self._order(top, prefer))

    def _exact(self, query: str, text: str, scope: _Scope, prefer: str | None) -> Resolution | None:
        bucket = self._keys.get(normalise(text))
        return self._from_bucket(query, bucket, scope, prefer) if bucket else None

    def _lookup(self, query: str, text: str, scope: _Scope, prefer: str | None) -> Resolution | None:
        """The text as a key, then with its kind word taken as a restriction, then with abbreviations spelled out."""
        for variant in variants(text):
            found = self._exact(query, variant, scope, prefer)
            if found:
                return found
            kind, rest = split_kind(variant)
            if kind and rest and (scope.kind in (None, kind)):
                found = self._exact(query, rest, _Scope(kind, scope.province), prefer)
                if found:
                    return found
        return None

    def _qualified(self, text: str) -> list[tuple[str, str]]:
        """(name, province code) readings of "Tapin, Kalsel", "Tapin (Kalsel)", "Tapin Kalsel"."""
        readings: list[tuple[str, str]] = []
        m = _PARENS_RE.match(text)
        parts = [m["name"], m["qualifier"]] if m else [p for p in _SEPARATOR_RE.split(text) if p.strip()]
        if len(parts) == 2:
            for name, qualifier in (parts, parts[::-1]):
                code = self._province_code(qualifier)
                if code:
                    readings.append((name, code))
        words = text.split()
        for n in range(1, min(4, len(words) - 1) + 1):
            code = self._province_code(" ".join(words[-n:]))
            if code:
                readings.append((" ".join(words[:-n]), code))
        return readings

    def province_named(self, text: str) -> ProvinceRef | None:
        """The province whose name or alias ``text`` is (also "Provinsi X"), whatever kab/kota share it."""
        code = self._province_code(text)
        return self.provinces[code] if code else None

    def _province_code(self, text: str) -> str | None:
        for variant in variants(text):
            code = self._province_keys.get(normalise(variant))
            if code:
                return code
        return None

    # -- the whole resolution -------------------------------------------------------------

    def resolve(self, query: str, prefer_province: str | None = None) -> Resolution:
        query = query.strip()
        if not normalise(query):
            return Resolution(query)
        found = self._lookup(query, query, _ANY, prefer_province)
        if found:
            return found
        qualified = self._qualified(query)
        for name, code in qualified:
            found = self._lookup(query, name, _Scope(province=code), prefer_province)
            if found:
                return found
        if qualified:
            name, code = qualified[0]
            elsewhere = self._lookup(query, name, _ANY, prefer_province)
            if elsewhere:
                # the name exists, in another province ("Sorong, Papua Barat" since Papua Barat Daya):
                # the province typed contradicts it, so offer it rather than answer
                offered = (elsewhere.target,) if elsewhere.target else elsewhere.candidates
                return Resolution(query, suggestions=offered + elsewhere.also)
            guess = self._guess(query, name, _Scope(province=code), prefer_province)
            if guess.target or guess.candidates or guess.suggestions:
                return guess
            return Resolution(query, suggestions=self._suggest(name, _ANY, prefer_province))
        return self._guess(query, query, _ANY, prefer_province)

    def _guess(self, query: str, text: str, scope: _Scope, prefer: str | None) -> Resolution:
        """No key matched: a clear typo of one name, else suggestions."""
        kind, rest = split_kind(variants(text)[-1])
        if kind and rest:
            text, scope = rest, _Scope(kind, scope.province)
        typo = self._typo(query, text, scope, prefer)
        if typo:
            return typo
        return Resolution(query, suggestions=self._suggest(text, scope, prefer))

    def _typo(self, query: str, text: str, scope: _Scope, prefer: str | None) -> Resolution | None:
        norm = normalise(text)
        edits = max_edits(len(norm))
        if not edits or looks_like_abbreviation(text):
            return None
        from rapidfuzz import process  # here, not at the top: 3.6 MiB, needed only for a name that is no key
        from rapidfuzz.distance import OSA

        hits = process.extract(norm, self._fuzzy_choices, scorer=OSA.distance, score_cutoff=edits, limit=30)
        by_distance: dict[int, list[str]] = {}
        for key, distance, _ in hits:
            if len(norm) < FUZZY_ANY_EDIT_LENGTH and not slip(norm, key):
                continue
            if any(scope.admits(t) for _, t in self._fuzzy_keys[key].values()):
                by_distance.setdefault(int(distance), []).append(key)
        if not by_distance:
            return None
        best = min(by_distance)
        keys = by_distance[best]
        targets = {tk for key in keys for tk, (_, t) in self._fuzzy_keys[key].items() if scope.admits(t)}
        if len(keys) != 1 and len(targets) != 1:
            return None  # two names equally close: no clear typo, suggest them
        return self._from_bucket(query, self._fuzzy_keys[keys[0]], scope, prefer)

    def _suggest(self, text: str, scope: _Scope, prefer: str | None) -> tuple[Place, ...]:
        norm = normalise(text)
        if not norm:
            return ()
        from rapidfuzz import fuzz, process  # see _typo

        scored: dict[str, tuple[float, Place]] = {}

        def offer(t: Place, score: float) -> None:
            if not scope.admits(t):
                return
            tk = _target_key(t)
            if tk not in scored or scored[tk][0] < score:
                scored[tk] = (score, t)

        abbreviated = 0
        for t, words in self._word_lists:
            if words and scope.admits(t) and abbreviates(norm, words, kind_initial=kind_of(t)[0]):
                offer(t, 200.0 + fuzz.WRatio(norm, normalise(t.name)) / 10)
                abbreviated += 1
        for key, score, _ in process.extract(norm, self._choices, scorer=fuzz.WRatio, limit=60):
            exact = fuzz.ratio(norm, key)
            for _tier, t in self._keys[key].values():
                offer(t, max(exact, score * 0.9))
        ranked = sorted(
            scored.values(), key=lambda st: (-st[0], 0 if province_of(st[1]) == prefer else 1, st[1].code)
        )
        return tuple(t for _, t in ranked[:max(SUGGESTIONS, min(abbreviated, ABBREVIATION_SUGGESTIONS))])


@cache
def default_index() -> RegionIndex:
    """The index of the shipped reference data, built on the first look-up (about 30 ms) and shared; not at
    import, so that a bot nobody has asked anything yet does not hold its 2.5 MiB of keys."""
    return RegionIndex(regions(), provinces())


def resolve(query: str, prefer_province: str | None = None) -> Resolution:
    return default_index().resolve(query, prefer_province)


def province_named(text: str) -> ProvinceRef | None:
    """``Kalsel``, ``Provinsi Gorontalo``, ``Gorontalo`` -> the province, as the second part of "Tapin, Kalsel"."""
    return default_index().province_named(text)


def label(target: Place) -> str:
    """A short label for buttons and lists: ``Kab. Tapin (Kalimantan Selatan)``."""
    if isinstance(target, ProvinceRef):
        return f"Provinsi {target.name}"
    return f"{target.short_name} ({provinces()[target.province_code].name})"


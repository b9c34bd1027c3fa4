"""Turn what people type ("Tapin", "kab. hss", "Rantau", "Palangkaraya", "63") into a region.

Matching never strips a "Kota" prefix from what was typed ("Kotabaru" is a kabupaten,
"Kotawaringin" starts with "Kota"); instead every region carries a set of keys (its
name with and without the kind word, its aliases and its capital), compared with
spaces and punctuation removed, so "Banjar Baru" == "Banjarbaru". Keys have tiers:

0. the full official name ("Kabupaten Banjar", "Kab. Banjar", "Kota Banjar"), a code,
   a province name or alias;
1. the bare name of a kabupaten, or an alias;
2. the bare name of a kota, or a capital.

The best tier wins, so a bare "Banjar" is Kabupaten Banjar (Kalsel), not Kota Banjar
(Jawa Barat): type "Kota Banjar" for the city. Several matches in the best tier are
ambiguous ("Mura", "Martapura") and come back as candidates, the asker's own province
first. No exact match falls back to fuzzy matching (rapidfuzz) for small typos ("Tapn").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz import fuzz, process

from bot.reference import ProvinceRef, RegionRef, provinces, regions

FUZZY_ACCEPT = 85.0  # a typo closer than this, and clearly ahead, is taken as meant
FUZZY_MARGIN = 5.0
SUGGESTIONS = 3


def normalise(text: str) -> str:
    """Lower case, no accents, no punctuation or spaces: the form keys are compared in."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


Target = RegionRef | ProvinceRef


@dataclass(frozen=True)
class Resolution:
    """What a typed name means: exactly one target, several candidates, or nothing."""

    query: str
    target: Target | None = None
    candidates: tuple[Target, ...] = ()
    suggestions: tuple[Target, ...] = ()
    # a same-named region one tier lower, e.g. Kota Banjar when "Banjar" meant the kabupaten
    also: tuple[Target, ...] = field(default=())

    @property
    def region(self) -> RegionRef | None:
        return self.target if isinstance(self.target, RegionRef) else None

    @property
    def province(self) -> ProvinceRef | None:
        return self.target if isinstance(self.target, ProvinceRef) else None

    @property
    def is_ambiguous(self) -> bool:
        return self.target is None and bool(self.candidates)


def _target_key(t: Target) -> str:
    return ("p:" if isinstance(t, ProvinceRef) else "r:") + t.code


class RegionIndex:
    def __init__(self, region_refs: dict[str, RegionRef], province_refs: dict[str, ProvinceRef]) -> None:
        self.regions = region_refs
        self.provinces = province_refs
        self._keys: dict[str, dict[str, tuple[int, Target]]] = {}
        for p in province_refs.values():
            for name in (p.name, *p.aliases):
                for key in (name, f"Provinsi {name}", f"Prov. {name}"):
                    self._add(key, 0, p)
            self._add(p.code, 0, p)
        for r in region_refs.values():
            kind_words = ("Kabupaten", "Kab", "Kab.") if r.kind == "kabupaten" else ("Kota",)
            for word in kind_words:
                self._add(f"{word} {r.name}", 0, r)
            self._add(r.code, 0, r)
            self._add(r.code.replace(".", ""), 0, r)
            self._add(r.name, 1 if r.kind == "kabupaten" else 2, r)
            for alias in r.aliases:
                self._add(alias, 1, r)
            if r.capital:
                self._add(r.capital, 2, r)
        self._choices = list(self._keys)

    def _add(self, key: str, tier: int, target: Target) -> None:
        norm = normalise(key)
        if not norm:
            return
        bucket = self._keys.setdefault(norm, {})
        tk = _target_key(target)
        if tk not in bucket or bucket[tk][0] > tier:
            bucket[tk] = (tier, target)

    def _order(self, targets: list[Target], prefer_province: str | None) -> tuple[Target, ...]:
        def key(t: Target) -> tuple[int, str]:
            own = t.code if isinstance(t, ProvinceRef) else t.province_code
            return (0 if own == prefer_province else 1, t.code)

        return tuple(sorted(targets, key=key))

    def resolve(self, query: str, prefer_province: str | None = None) -> Resolution:
        query = query.strip()
        norm = normalise(query)
        if not norm:
            return Resolution(query)
        bucket = self._keys.get(norm)
        if bucket:
            best = min(tier for tier, _ in bucket.values())
            top = [t for tier, t in bucket.values() if tier == best]
            lower = [t for tier, t in bucket.values() if tier > best]
            if len(top) == 1:
                return Resolution(query, target=top[0], also=self._order(lower, prefer_province))
            return Resolution(query, candidates=self._order(top, prefer_province))
        return self._fuzzy(query, norm, prefer_province)

    def _fuzzy(self, query: str, norm: str, prefer_province: str | None) -> Resolution:
        scored: dict[str, tuple[float, Target]] = {}
        for key, score, _ in process.extract(norm, self._choices, scorer=fuzz.WRatio, limit=40):
            exact = fuzz.ratio(norm, key)
            for _tier, target in self._keys[key].values():
                tk = _target_key(target)
                combined = max(exact, score * 0.9)
                if tk not in scored or scored[tk][0] < combined:
                    scored[tk] = (combined, target)
        ranked = sorted(scored.values(), key=lambda st: (-st[0], st[1].code))
        if not ranked:
            return Resolution(query)
        best_score, best = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        if best_score >= FUZZY_ACCEPT and best_score - runner_up >= FUZZY_MARGIN and len(norm) >= 4:
            return Resolution(query, target=best)
        return Resolution(query, suggestions=tuple(t for _, t in ranked[:SUGGESTIONS]))


@cache
def default_index() -> RegionIndex:
    return RegionIndex(regions(), provinces())


def resolve(query: str, prefer_province: str | None = None) -> Resolution:
    return default_index().resolve(query, prefer_province)


def label(target: Target) -> str:
    """A short label for buttons and lists: ``Kab. Tapin (Kalimantan Selatan)``."""
    if isinstance(target, ProvinceRef):
        return f"Provinsi {target.name}"
    return f"{target.short_name} ({provinces()[target.province_code].name})"

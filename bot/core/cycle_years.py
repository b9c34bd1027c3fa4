"""The years of a KKP HAM cycle as ``PANTAU_CYCLE`` writes them: ``2026`` (the award year: data of 2025) or
``2025/2026``. "KKP HAM Tahun N" rates the data of year N, assessed during N+1, awarded on Hari HAM N+1."""

from __future__ import annotations

import re


def parse_cycle(text: str) -> tuple[int, int]:
    """``"2026"`` (award year) -> (2025, 2026); ``"2025/2026"`` -> (2025, 2026)."""
    m = re.fullmatch(r"\s*(\d{4})\s*(?:/\s*(\d{4})\s*)?", text or "")
    if not m:
        raise ValueError(f"PANTAU_CYCLE must look like 2026 or 2025/2026, not {text!r}")
    if m.group(2):
        data_year, award_year = int(m.group(1)), int(m.group(2))
    else:
        award_year = int(m.group(1))
        data_year = award_year - 1
    if not data_year <= award_year <= data_year + 2:
        raise ValueError("the award year must follow the data year")
    return data_year, award_year

"""``pantau-ham demo``: the sample catalog plus plausible, deterministic progress.

Covers the kab/kota of the five seed provinces (Kalsel, Kaltim, Kaltara, Kalteng, Sumsel).
Random draws are seeded by region code, so every run gives the same picture.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlmodel import Session, col, delete

from bot.core.clock import Clock
from bot.core.ids import key_of
from bot.core.models import ChecklistEntry, Cycle, IndicatorState
from bot.domain.catalog import active_indicators, catalog_in_force, import_sample
from bot.reference import regions_of

SEED_PROVINCES = ("63", "64", "65", "62", "16")
# Regions the seeds (domain.md) report as awarded "peduli"; the demo puts them ahead.
SEED_PEDULI = frozenset(
    "63.71 63.72 63.11 63.03 63.04 63.06 63.01 63.09 63.05 "  # Kalsel, Jan 2024: 9 of 13
    "64.72 64.71 64.74 64.02 64.08 64.03 64.01 65.71 65.01".split()  # Kaltim/Kaltara, Dec 2023
)
DEMO_USER = 0



def draw_state(rng: random.Random, target: float, verified_share: float = 0.6) -> IndicatorState | None:
    """A plausible state for one indicator of a region that has handed in about ``target`` of its indicators,
    ``verified_share`` of those verified by the Kanwil and the rest waiting (``lengkap``), a few in progress or
    sent back; None: not started."""
    draw = rng.random()
    if draw < target * verified_share:
        return IndicatorState.TERVERIFIKASI
    if draw < target:
        return IndicatorState.LENGKAP
    if draw < target + 0.08:
        return IndicatorState.PROSES
    if draw < target + 0.11:
        return IndicatorState.DITOLAK
    return None


def load_demo(session: Session, clock: Clock, cycle: Cycle) -> int:
    """Replace the seed regions' progress in ``cycle`` with demo data; returns entries written."""
    if catalog_in_force(session) is None:
        import_sample(session, clock)
    indicators = active_indicators(session)
    now = clock.now()
    written = 0
    for province in SEED_PROVINCES:
        for region in regions_of(province):
            session.exec(
                delete(ChecklistEntry).where(
                    col(ChecklistEntry.cycle_id) == cycle.id, col(ChecklistEntry.region_code) == region.code
                )
            )
            rng = random.Random(f"pantau-ham-demo-{region.code}")
            peduli = region.code in SEED_PEDULI or region.province_code == "16"  # Sumsel 2024: 15 of 17
            # the seeds' peduli regions: mostly verified by the Kanwil; the others hand in more than is verified,
            # so that counting handed-in indicators (PANTAU_PREDIKAT_INCLUDES_HANDED_IN) moves a few of them
            target, verified = (rng.uniform(0.88, 0.99), 0.95) if peduli else (rng.uniform(0.3, 0.8), 0.6)
            for ind in indicators:
                state = draw_state(rng, target, verified)
                if state is None:
                    continue
                changed_at = now - timedelta(minutes=rng.randint(30, 60 * 24 * 45))
                handed_in = state is IndicatorState.LENGKAP  # waiting in the Kanwil's verification queue
                session.add(ChecklistEntry(
                    cycle_id=key_of(cycle), region_code=region.code, indicator_code=ind.code, state=state.value,
                    note="Dokumen belum ditandatangani" if state is IndicatorState.DITOLAK else None,
                    updated_at=changed_at, updated_by=DEMO_USER, handed_in_at=changed_at if handed_in else None,
                    handed_in_by=DEMO_USER if handed_in else None,
                ))
                written += 1
    session.flush()
    return written

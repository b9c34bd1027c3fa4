"""Checklist arithmetic, the projected class and the province threshold."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.ids import key_of
from bot.core.models import IndicatorState
from bot.domain import decisions
from bot.domain.checklist import (
    ChecklistError,
    KkpClass,
    Thresholds,
    indicator_statuses,
    province_progress,
    region_progress,
    set_state,
)
from bot.reference import provinces, regions

TAPIN = regions()["63.05"]
KALSEL = provinces()["63"]


def mark(rt, region, codes, state=IndicatorState.LENGKAP, evidence=None):
    with rt.session() as session:
        cycle = rt.cycle(session)
        for code in codes:
            set_state(session, rt.clock, cycle, region, code, state, 111, evidence)


def progress(rt, region=TAPIN):
    with rt.session() as session:
        return region_progress(session, rt.cycle(session), region, rt.thresholds)


def test_empty_region_has_nothing_complete(catalog):
    p = progress(catalog)
    assert (p.total, p.complete, p.score, p.klass) == (120, 0, 0.0, KkpClass.KURANG_PEDULI)
    assert [c.total for c in p.criteria] == [12] * 10
    assert p.last_updated is None
    assert p.sample_catalog


def test_verified_and_handed_in_are_two_numbers(catalog):
    mark(catalog, TAPIN, ["1.01", "1.02"], IndicatorState.LENGKAP)
    mark(catalog, TAPIN, ["1.03"], IndicatorState.TERVERIFIKASI)
    mark(catalog, TAPIN, ["2.01"], IndicatorState.PROSES)
    mark(catalog, TAPIN, ["2.02"], IndicatorState.DITOLAK, evidence="Dokumen tidak lengkap")
    p = progress(catalog)
    assert (p.verified, p.handed_in, p.in_progress, p.rejected, p.not_started) == (1, 2, 1, 1, 115)
    assert p.complete == 3  # handed in, verified or waiting: nothing left for the PIC there
    assert (p.criteria[0].verified, p.criteria[0].handed_in) == (1, 2) and p.criteria[1].complete == 0
    # the projection counts what the Kanwil verified, not what the kab/kota declared
    assert p.verified_score == pytest.approx(100 / 120) and p.handed_in_score == pytest.approx(200 / 120)
    assert p.score == pytest.approx(100 / 120) and not p.includes_handed_in
    assert p.last_updated == catalog.clock.now()


def test_class_follows_thresholds(catalog):
    codes = [f"{c}.{i:02d}" for c in range(1, 11) for i in range(1, 13)]
    mark(catalog, TAPIN, codes[:90], IndicatorState.TERVERIFIKASI)  # 75.0 exactly
    assert progress(catalog).klass is KkpClass.PEDULI
    mark(catalog, TAPIN, codes[89:90], IndicatorState.PROSES)  # 74.17
    assert progress(catalog).klass is KkpClass.CUKUP_PEDULI


@pytest.mark.parametrize(
    "score,klass",
    [(100, KkpClass.PEDULI), (75, KkpClass.PEDULI), (74.9, KkpClass.CUKUP_PEDULI), (50, KkpClass.CUKUP_PEDULI),
     (49.9, KkpClass.MULAI_PEDULI), (25, KkpClass.MULAI_PEDULI), (24.9, KkpClass.KURANG_PEDULI),
     (0, KkpClass.KURANG_PEDULI)],
)
def test_classify(score, klass):
    assert Thresholds().classify(score) is klass


def test_weights_change_the_score_not_the_count(catalog):
    from bot.core.models import Indicator

    with catalog.session() as session:
        session.get(Indicator, "1.01").weight = 13.0  # 13 of 132 weight units
    mark(catalog, TAPIN, ["1.01"], IndicatorState.TERVERIFIKASI)
    p = progress(catalog)
    assert p.complete == 1
    assert p.score == pytest.approx(100 * 13 / 132)


def test_province_view_sorted_with_threshold(catalog):
    codes = [f"{c}.{i:02d}" for c in range(1, 11) for i in range(1, 13)]
    kalsel = [r for r in regions().values() if r.province_code == "63"]
    for region in kalsel[:8]:  # 8 of 13 verified -> 61.5% >= 60%
        mark(catalog, region, codes, IndicatorState.TERVERIFIKASI)
    mark(catalog, kalsel[8], codes[:60], IndicatorState.TERVERIFIKASI)
    with catalog.session() as session:
        p = province_progress(session, catalog.cycle(session), KALSEL, catalog.thresholds)
    assert len(p.rows) == 13
    assert p.above == 8
    assert p.fraction_above == pytest.approx(8 / 13)
    assert p.meets_threshold
    assert p.rows[8].region == kalsel[8]
    scores = [r.score for r in p.rows]
    assert scores == sorted(scores, reverse=True)


def test_province_below_threshold(catalog):
    codes = [f"{c}.{i:02d}" for c in range(1, 11) for i in range(1, 13)]
    kalsel = [r for r in regions().values() if r.province_code == "63"]
    for region in kalsel[:7]:  # 7 of 13 = 53.8%
        mark(catalog, region, codes, IndicatorState.TERVERIFIKASI)
    with catalog.session() as session:
        p = province_progress(session, catalog.cycle(session), KALSEL, catalog.thresholds)
    assert p.above == 7 and not p.meets_threshold


def test_evidence_link_or_note(catalog):
    mark(catalog, TAPIN, ["1.01"], evidence="https://drive.example/perda.pdf")
    mark(catalog, TAPIN, ["1.01"], IndicatorState.DITOLAK, evidence="belum ditandatangani")  # the reason
    with catalog.session() as session:
        status = indicator_statuses(session, catalog.cycle(session), TAPIN, 1)[0]
        sent_back = decisions.last_send_back(session, key_of(catalog.cycle(session)), "63.05", "1.01")
    assert status.state is IndicatorState.DITOLAK
    assert status.link == "https://drive.example/perda.pdf"
    assert (status.note, sent_back.reason) == (None, "belum ditandatangani")  # kept apart from the note
    mark(catalog, TAPIN, ["1.01"], IndicatorState.DITOLAK, evidence="SK menyusul")  # sent back already: a note
    with catalog.session() as session:
        status = indicator_statuses(session, catalog.cycle(session), TAPIN, 1)[0]
    assert status.note == "SK menyusul"


def test_unknown_indicator_changes_nothing(catalog):
    with pytest.raises(ChecklistError):
        mark(catalog, TAPIN, ["99.99"])
    assert progress(catalog).complete == 0


def test_belum_lists_only_unfinished(catalog):
    mark(catalog, TAPIN, ["3.01", "3.02"])
    catalog.clock.advance(timedelta(hours=1))
    with catalog.session() as session:
        items = indicator_statuses(session, catalog.cycle(session), TAPIN, 3, incomplete_only=True)
    assert [s.indicator.code for s in items] == [f"3.{i:02d}" for i in range(3, 13)]


def test_cycles_keep_progress_apart(catalog):
    mark(catalog, TAPIN, ["1.01"])
    catalog.settings = catalog.settings.model_copy(update={"cycle": "2025/2026"})
    assert progress(catalog).complete == 0
    assert progress(catalog).cycle.award_year == 2026

"""Pieces several renderers share."""

from __future__ import annotations

from bot.checklist import STATE_LABELS, KkpClass
from bot.i18n import N_, Translator
from bot.models import IndicatorState

STATE_ICONS = {
    IndicatorState.BELUM: "⚪",
    IndicatorState.PROSES: "🟡",
    IndicatorState.LENGKAP: "🟢",
    IndicatorState.TERVERIFIKASI: "✅",
    IndicatorState.DITOLAK: "🔴",
}

CLASS_LABELS = {
    KkpClass.PEDULI: N_("peduli"),
    KkpClass.CUKUP_PEDULI: N_("cukup peduli"),
    KkpClass.MULAI_PEDULI: N_("mulai peduli"),
    KkpClass.KURANG_PEDULI: N_("kurang peduli"),
}


def state_label(t: Translator, state: IndicatorState) -> str:
    return t.gettext(STATE_LABELS[state])


def class_label(t: Translator, klass: KkpClass) -> str:
    return t.gettext(CLASS_LABELS[klass])


def has_data(progress) -> bool:
    """A kab/kota whose checklist nobody has touched this cycle has no data: not "0% · kurang peduli"."""
    return progress.last_updated is not None


def region_row(t: Translator, progress) -> str:
    """``63% · cukup peduli``, or ``belum ada data``."""
    if not has_data(progress):
        return t.gettext("belum ada data")
    return t.fmt("{pct} · {klass}", pct=t.percent(progress.fraction), klass=class_label(t, progress.klass))


def cycle_label(t: Translator, cycle) -> str:
    """``KKP HAM Tahun 2025 (penganugerahan 2026)``: the year of the data, and the year of the award."""
    return t.fmt("KKP HAM Tahun {data} (penganugerahan {award})", data=str(cycle.data_year),
                 award=str(cycle.award_year))


def bar(fraction: float, width: int = 10) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "▰" * filled + "▱" * (width - filled)


def sample_notice(t: Translator) -> str:
    return "<i>" + t.gettext("Memakai katalog CONTOH, bukan daftar indikator resmi.") + "</i>"


def error(t: Translator, message: str, **values: object) -> str:
    return "⚠️ " + t.fmt(message, **values)

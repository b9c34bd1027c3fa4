"""Pieces several renderers share."""

from __future__ import annotations

from bot.checklist import KkpClass
from bot.i18n import N_, Translator
from bot.models import IndicatorState

STATE_ICONS = {
    IndicatorState.BELUM: "⚪",
    IndicatorState.PROSES: "🟡",
    IndicatorState.LENGKAP: "🟢",
    IndicatorState.TERVERIFIKASI: "✅",
    IndicatorState.DITOLAK: "🔴",
}

STATE_LABELS = {
    IndicatorState.BELUM: N_("belum"),
    IndicatorState.PROSES: N_("proses"),
    IndicatorState.LENGKAP: N_("lengkap"),
    IndicatorState.TERVERIFIKASI: N_("terverifikasi"),
    IndicatorState.DITOLAK: N_("ditolak"),
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


def bar(fraction: float, width: int = 10) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "▰" * filled + "▱" * (width - filled)


def sample_notice(t: Translator) -> str:
    return "<i>" + t.gettext("Memakai katalog CONTOH, bukan daftar indikator resmi.") + "</i>"


def error(t: Translator, message: str, **values: object) -> str:
    return "⚠️ " + t.fmt(message, **values)

"""Pieces several renderers share."""

from __future__ import annotations

from bot.core.i18n import Translator
from bot.core.models import Cycle, IndicatorState
from bot.domain.checklist import IndicatorTotals, RegionProgress
from bot.domain.labels import class_label, projection_label

STATE_ICONS = {
    IndicatorState.BELUM: "⚪",
    IndicatorState.PROSES: "🟡",
    IndicatorState.LENGKAP: "🟢",
    IndicatorState.TERVERIFIKASI: "✅",
    IndicatorState.DITOLAK: "🔴",
}

def has_data(progress: RegionProgress) -> bool:
    """A kab/kota whose checklist nobody has touched this cycle has no data: not "0% · kurang peduli"."""
    return progress.last_updated is not None


def projection_basis(t: Translator, includes_handed_in: bool) -> str:
    """One sentence on what the projection counts, and who gives the official value."""
    if includes_handed_in:
        return t.gettext("Indikator yang baru diajukan kab/kota ikut dihitung sebelum diverifikasi Kanwil (sesuai "
                         "pengaturan). Nilai resmi ditetapkan Tim Penilai per indikator.")
    return t.gettext("Hanya indikator yang terverifikasi Kanwil yang dihitung. Nilai resmi ditetapkan Tim Penilai "
                     "per indikator.")


def province_share(t: Translator, above: int, n: int, includes_handed_in: bool) -> str:
    """``Perkiraan predikat dari kelengkapan data dukung: 9 dari 13 kab/kota peduli (69,2%)``."""
    return t.fmt("{label}: {above} dari {n} kab/kota peduli ({pct})", label=projection_label(t, includes_handed_in),
                 above=t.number(above), n=t.number(n), pct=t.percent(above / n if n else 0.0))


def indicator_totals(t: Translator, totals: IndicatorTotals) -> str:
    """The two numbers of several kab/kota together: verified of all their indicators, and handed in."""
    return t.fmt("Indikator terverifikasi Kanwil: {verified} dari {total} ({pct}) · diajukan kab/kota, menunggu "
                 "verifikasi: {handed_in}", verified=t.number(totals.verified), total=t.number(totals.total),
                 pct=t.percent(totals.verified_fraction), handed_in=t.number(totals.handed_in))


def region_row(t: Translator, progress: RegionProgress) -> str:
    """``87,5% terverifikasi · 4,2% diajukan · peduli``, or ``belum ada data``: shares of the kab/kota's
    indicators, so that rows compare (and add up when the setting counts the handed-in ones)."""
    if not has_data(progress):
        return t.gettext("belum ada data")
    klass = class_label(t, progress.klass)
    if progress.handed_in:
        return t.fmt("{verified} terverifikasi · {handed_in} diajukan · {klass}",
                     verified=t.percent(progress.verified_fraction),
                     handed_in=t.percent(progress.handed_in_fraction), klass=klass)
    return t.fmt("{verified} terverifikasi · {klass}", verified=t.percent(progress.verified_fraction), klass=klass)


def cycle_label(t: Translator, cycle: Cycle) -> str:
    """``KKP HAM Tahun 2025 (penganugerahan 2026)``: the year of the data, and the year of the award."""
    return t.fmt("KKP HAM Tahun {data} (penganugerahan {award})", data=str(cycle.data_year),
                 award=str(cycle.award_year))


def bar(fraction: float, width: int = 10) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "▰" * filled + "▱" * (width - filled)


def sample_notice(t: Translator) -> str:
    return "<i>" + t.gettext("Daftar indikator yang dipakai adalah CONTOH, bukan daftar indikator resmi.") + "</i>"


def error(t: Translator, message: str, **values: object) -> str:
    return "⚠️ " + t.fmt(message, **values)

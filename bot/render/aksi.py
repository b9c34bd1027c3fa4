"""Aksi HAM reports of a kab/kota for one year."""

from __future__ import annotations

from babel.dates import get_month_names

from bot import periods as aksi_periods
from bot.i18n import Translator
from bot.models import AksiReport
from bot.reference import RegionRef
from bot.render import Reply


def period_label(t: Translator, period: str, year: int | None = None) -> str:
    """``B08 (Januari–Agustus)``: each report covers the year so far (months from the periods data)."""
    found = aksi_periods.period_of(period, year)
    if found is None:
        return t.escape(period)
    months = get_month_names("wide", locale=t.locale)
    return t.fmt("{period} ({first}–{last})", period=period, first=months[found.first_month],
                 last=months[found.last_month])


def _gap(t: Translator, score: float, target: float) -> str:
    if score >= target:
        return t.gettext("mencapai target")
    return t.fmt("kurang {gap} dari target", gap=float(target - score))


def reports(t: Translator, region: RegionRef, year: int, found: dict[str, AksiReport],
            recorded: str | None = None, target: float = 60.0) -> Reply:
    """The three cumulative reports, each score against the target (a setting), and the average so far."""
    lines = []
    if recorded:
        lines.append(t.fmt("✔️ Laporan Aksi HAM {period} {year} dicatat.", period=recorded, year=str(year)))
    lines.append(t.fmt("<b>Aksi HAM {year}: {name}</b>", year=str(year), name=region.official_name))
    lines.append(t.fmt("Target capaian: {target} (pengaturan)", target=float(target)))
    scores = []
    codes = aksi_periods.codes(year)
    for period in codes:
        report = found.get(period)
        label = period_label(t, period, year)
        if report is None:
            lines.append(t.fmt("{period}: belum dilaporkan", period=label))
        elif report.score is None:
            lines.append(t.fmt("{period}: dilaporkan {when}", period=label,
                               when=t.datetime(report.reported_at, region.timezone)))
        else:
            scores.append(report.score)
            lines.append(t.fmt("{period}: dilaporkan, capaian {score} · {gap}", period=label,
                               score=t.number(report.score), gap=_gap(t, report.score, target)))
    if scores:
        average = sum(scores) / len(scores)
        if len(scores) == len(codes):
            lines.append(t.fmt("Capaian tahunan (rata-rata): <b>{score}</b> · {gap}", score=t.number(average),
                               gap=_gap(t, average, target)))
        else:
            lines.append(t.nfmt("Rata-rata sejauh ini ({n} periode): <b>{score}</b> · {gap}",
                                "Rata-rata sejauh ini ({n} periode): <b>{score}</b> · {gap}", len(scores),
                                score=t.number(average), gap=_gap(t, average, target)))
    if aksi_periods.is_assumed(year):
        lines.append(t.fmt("<i>Periode pelaporan mengikuti {basis}; diasumsikan berlanjut sampai ada Perpres "
                           "baru.</i>", basis=aksi_periods.basis(year)))
    return Reply("\n".join(lines))

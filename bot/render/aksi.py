"""Aksi HAM reports of a kab/kota for one year."""

from __future__ import annotations

from bot.aksi import PERIODS
from bot.i18n import Translator
from bot.models import AksiReport
from bot.reference import RegionRef
from bot.render import Reply


def reports(t: Translator, region: RegionRef, year: int, found: dict[str, AksiReport],
            recorded: str | None = None) -> Reply:
    lines = []
    if recorded:
        lines.append(t.fmt("✔️ Laporan Aksi HAM {period} {year} dicatat.", period=recorded, year=str(year)))
    lines.append(t.fmt("<b>Aksi HAM {year}: {name}</b>", year=str(year), name=region.official_name))
    scores = []
    for period in PERIODS:
        report = found.get(period)
        if report is None:
            lines.append(t.fmt("{period}: belum dilaporkan", period=period))
        elif report.score is None:
            lines.append(t.fmt("{period}: dilaporkan {when}", period=period,
                               when=t.datetime(report.reported_at, region.timezone)))
        else:
            scores.append(report.score)
            lines.append(t.fmt("{period}: dilaporkan, capaian {score}", period=period, score=t.number(report.score)))
    if len(scores) == len(PERIODS):
        lines.append(t.fmt("Capaian tahunan (rata-rata): <b>{score}</b>", score=t.number(sum(scores) / len(scores))))
    return Reply("\n".join(lines))

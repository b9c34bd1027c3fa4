"""Aksi HAM in the report (``/ekspor``): the summary's columns, and the sheet ``Aksi HAM`` with the columns of
the import (``bot/io/aksi_import.py``), so that a report sent back changes nothing.

The sheet has, per kab/kota and period, a row for the period as a whole when one was recorded (its nilai
capaian; ``aksi`` empty), then one row per action of the year: its title, status (empty: not reported),
nilai and note.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.core import zones
from bot.core.clock import Clock
from bot.core.i18n import Translator
from bot.core.models import AksiStatus
from bot.domain.aksi_grid import Grid, PeriodView, grid
from bot.domain.labels import aksi_status_label as status_label
from bot.reference import RegionRef

WIDTHS = [10, 26, 7, 8, 6, 40, 14, 8, 40, 22]


def header(t: Translator) -> list[str]:
    return [t.gettext("wilayah"), t.gettext("nama wilayah"), t.gettext("tahun"), t.gettext("periode"),
            t.gettext("aksi"), t.gettext("judul"), t.gettext("status"), t.gettext("nilai"), t.gettext("catatan"),
            t.gettext("diperbarui")]


def _stamp(value: datetime | None, tz: str) -> str:
    if value is None:
        return ""
    return f"{value.astimezone(zones.zone(tz)):%Y-%m-%d %H:%M} {zones.label(tz)}"


def grids(session: Session, clock: Clock, members: list[RegionRef], year: int, default_actions: int,
          target: float) -> list[Grid]:
    return [grid(session, clock, r, year, default_actions, target) for r in members]


def rows(t: Translator, views: list[Grid]) -> list[list[object]]:
    out: list[list[object]] = []
    for g in views:
        r = g.region
        for p in g.periods:
            if p.whole is not None:
                out.append([r.code, r.official_name, g.year, p.code, "", "", "", p.whole.score if p.whole.score
                            is not None else "", "", _stamp(p.whole.reported_at, r.timezone)])
            for n in g.actions.numbers:
                report = p.reports.get(n)
                out.append([r.code, r.official_name, g.year, p.code, n, g.actions.title(n) or "",
                            status_label(t, report.status) if report else "",
                            report.nilai if report and report.nilai is not None else "",
                            report.note or "" if report else "", _stamp(report.recorded_at, r.timezone) if report
                            else ""])
    return out


def period_cell(t: Translator, p: PeriodView) -> object:
    """The summary's cell of a period: its nilai capaian when known, else how far the reports are."""
    if p.capaian is not None:
        return round(p.capaian, 1)
    if p.whole_only:
        return t.gettext("dilaporkan")
    if not p.reports:
        return ""
    done = sum(1 for r in p.reports.values() if AksiStatus(r.status).is_reported)
    return t.gettext("{done}/{total} aksi dilaporkan").format(done=done, total=p.total)


def summary_cells(t: Translator, g: Grid) -> list[object]:
    average = g.average
    return [*(period_cell(t, p) for p in g.periods), round(average, 1) if average is not None else ""]

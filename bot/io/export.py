"""The XLSX report of a kab/kota or province (``/ekspor``, ``pantau-ham export``) and the fill-in template
(``/templat``).

Both carry the sheet ``Progres`` with the columns of a progress import (``bot/io/progress_import.py``), so
an exported report imported again changes nothing. The report adds a summary sheet (per kab/kota:
verified by the Kanwil and handed in, of total, % verified, perkiraan predikat or "belum ada data", Aksi HAM
nilai capaian per period and their average, last update), one sheet per criterion, the list of indicators
not yet complete, and the sheet ``Aksi HAM`` (every action × period, the columns of the Aksi HAM import:
``bot/io/aksi_export.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.core import zones
from bot.core.clock import Clock
from bot.core.i18n import Translator
from bot.core.models import Cycle, IndicatorState
from bot.domain import evidence, periods
from bot.domain.catalog import active_indicators
from bot.domain.checklist import IndicatorStatus, Thresholds, indicator_statuses, province_progress, region_progress
from bot.domain.labels import class_label, projection_label, state_label
from bot.io import aksi_export
from bot.io.spreadsheets import add_table, new_workbook, to_bytes
from bot.reference import Place, ProvinceRef, RegionRef, criteria


@dataclass(frozen=True)
class Workbook:
    filename: str
    content: bytes


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _stamp(value: datetime | None, tz: str) -> str:
    if value is None:
        return ""
    local = value.astimezone(zones.zone(tz))
    return f"{local:%Y-%m-%d %H:%M} {zones.label(tz)}"


def progress_header(t: Translator) -> list[str]:
    return [t.gettext("wilayah"), t.gettext("nama wilayah"), t.gettext("kode"), t.gettext("kriteria"),
            t.gettext("indikator"), t.gettext("status"), t.gettext("tautan"), t.gettext("catatan"),
            t.gettext("berkas"), t.gettext("diperbarui")]


PROGRESS_WIDTHS = [10, 26, 9, 9, 60, 14, 40, 40, 8, 22]


def _progress_rows(t: Translator, region: RegionRef, items: list[IndicatorStatus],
                   files: dict[tuple[str, str], int]) -> list[list[object]]:
    return [[region.code, region.official_name, s.indicator.code, s.indicator.criterion_number, s.indicator.text,
             state_label(t, s.state), s.link or "", s.note or "", files.get((region.code, s.indicator.code), 0),
             _stamp(s.updated_at, region.timezone)] for s in items]


def report(session: Session, clock: Clock, cycle: Cycle, place: Place, thresholds: Thresholds,
           t: Translator, aksi_actions: int = 6) -> Workbook:
    """``aksi_actions``: ``PANTAU_AKSI_ACTIONS``, for kab/kota without a list of actions."""
    if isinstance(place, ProvinceRef):
        rows = list(province_progress(session, cycle, place, thresholds).rows)
        name = place.name
    else:
        rows = [region_progress(session, cycle, place, thresholds)]
        name = place.official_name
    members = [p.region for p in rows]
    statuses = {r.code: indicator_statuses(session, cycle, r) for r in members}
    files = evidence.counts(session, cycle, [r.code for r in members])
    wb = new_workbook()

    summary = []
    year = clock.now().astimezone(zones.zone(rows[0].region.timezone if rows else "Asia/Jakarta")).year
    aksi = aksi_export.grids(session, clock, members, year, aksi_actions, 0.0)
    codes = periods.codes(year)
    for p, grid in zip(rows, aksi, strict=True):
        summary.append([
            p.region.code, p.region.official_name, p.verified, p.handed_in, p.total, p.verified_fraction,
            class_label(t, p.klass) if p.last_updated else t.gettext("belum ada data"),
            *aksi_export.summary_cells(t, grid), _stamp(p.last_updated, p.region.timezone),
        ])
    add_table(wb, t.gettext("Ringkasan"),
              [t.gettext("kode"), t.gettext("kabupaten/kota"), t.gettext("terverifikasi Kanwil"),
               t.gettext("diajukan kab/kota, menunggu verifikasi"), t.gettext("jumlah indikator"),
               t.gettext("persen terverifikasi"), projection_label(t, thresholds.includes_handed_in).lower(),
               *(t.gettext("Aksi HAM {period} {year}").format(period=k, year=year) for k in codes),
               t.gettext("rata-rata nilai capaian Aksi HAM {year}").format(year=year),
               t.gettext("terakhir diperbarui")],
              summary, widths=[9, 28, 12, 14, 10, 12, 24, 12, 12, 12, 12, 22], percent_columns=(6,))

    progress = [row for r in members for row in _progress_rows(t, r, statuses[r.code], files)]
    add_table(wb, t.gettext("Progres"), progress_header(t), progress, widths=PROGRESS_WIDTHS, link_columns=(7,))
    add_table(wb, "Aksi HAM", aksi_export.header(t), aksi_export.rows(t, aksi), widths=aksi_export.WIDTHS)

    catalog = active_indicators(session)
    state_of = {r.code: {s.indicator.code: s.state for s in statuses[r.code]} for r in members}
    for number, crit in criteria().items():
        indicators = [ind for ind in catalog if ind.criterion_number == number]
        add_table(wb, f"{number}. {crit.name}",
                  [t.gettext("kode"), t.gettext("indikator"), *(r.short_name for r in members)],
                  [[ind.code, ind.text, *(state_label(t, state_of[r.code][ind.code]) for r in members)]
                   for ind in indicators],
                  widths=[9, 60, *([14] * len(members))])

    missing = [[r.code, r.official_name, s.indicator.code, s.indicator.criterion_number, s.indicator.text,
                state_label(t, s.state), s.link or ""]
               for r in members for s in statuses[r.code] if not s.state.is_complete]
    add_table(wb, t.gettext("Belum lengkap"),
              [t.gettext("wilayah"), t.gettext("nama wilayah"), t.gettext("kode"), t.gettext("kriteria"),
               t.gettext("indikator"), t.gettext("status"), t.gettext("tautan")],
              missing, widths=[10, 26, 9, 9, 60, 14, 40], link_columns=(7,))
    day = clock.now().astimezone(zones.zone(members[0].timezone if members else "Asia/Jakarta")).date()
    return Workbook(f"pantau-ham-{_slug(name)}-{day.isoformat()}.xlsx", to_bytes(wb))


def template(session: Session, clock: Clock, cycle: Cycle, region: RegionRef, t: Translator,
             states: list[IndicatorState] | None = None) -> Workbook:
    """The region's indicators with their current states, a drop-down for the state, instructions first."""
    from openpyxl.worksheet.datavalidation import DataValidation

    states = states or list(IndicatorState)
    labels = [state_label(t, s) for s in states]  # "perlu perbaikan", never the stored "ditolak"
    items = indicator_statuses(session, cycle, region)
    files = evidence.counts(session, cycle, [region.code])
    wb = new_workbook()
    guide = wb.create_sheet(t.gettext("Petunjuk"))
    lines = [
        t.gettext("Format isian progres KKP HAM: {name}").format(name=region.official_name),
        t.gettext("KKP HAM Tahun {data} (penganugerahan {award})").format(data=cycle.data_year, award=cycle.award_year),
        "",
        t.gettext("1. Isi lembar “Progres”: satu baris per indikator. Jangan ubah kolom wilayah dan kode."),
        t.gettext("2. Kolom status: pilih dari daftar ({states}).").format(states=", ".join(labels)),
        t.gettext("3. Kolom tautan: alamat data dukung (https://… atau www.…). Bila kosong, tautan lama tetap "
                  "berlaku."),
        t.gettext("4. Kolom catatan: keterangan singkat. Bila kosong, catatan lama tetap berlaku."),
        t.gettext("5. Isi dengan nilai, bukan rumus. Ukuran berkas paling besar 5 MB."),
        t.gettext("6. Kirim berkas ini ke bot; bot menampilkan pratinjau perubahan lalu tombol Kirim/Batal."),
        t.gettext("Satu baris saja yang salah membuat seluruh berkas ditolak, dengan nomor baris dan alasannya."),
    ]
    for line in lines:
        guide.append([line])
    guide.column_dimensions["A"].width = 100
    ws = add_table(wb, t.gettext("Progres"), progress_header(t), _progress_rows(t, region, items, files),
                   widths=PROGRESS_WIDTHS, link_columns=(7,))
    choice = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=False,
                            showErrorMessage=True, errorTitle=t.gettext("Status tidak dikenal"),
                            error=t.gettext("Pilih status dari daftar."))
    ws.add_data_validation(choice)
    choice.add(f"F2:F{max(2, len(items) + 1)}")
    day = clock.now().astimezone(zones.zone(region.timezone)).date()
    return Workbook(f"templat-progres-{_slug(region.name)}-{day.isoformat()}.xlsx", to_bytes(wb))

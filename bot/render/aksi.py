"""``/aksi``: a kab/kota's Aksi HAM of one year, action by action, and the detail of one period."""

from __future__ import annotations

from datetime import date
from typing import Literal

from babel.dates import format_date, get_month_names

from bot.core.i18n import N_, Markup, Translator
from bot.core.models import AksiActionReport, AksiStatus
from bot.domain import periods as aksi_periods
from bot.domain.aksi import ActionRecord, NotStarted, typed_name
from bot.domain.aksi_grid import Grid, Outstanding, PeriodView
from bot.domain.aksi_targets import Target
from bot.domain.labels import aksi_status_label as status_label
from bot.render import Button, Reply
from bot.render import callbacks as cb
from bot.render.common import error
from bot.render.people import person_name

ICONS = {AksiStatus.LENGKAP: "✅", AksiStatus.DIAJUKAN: "☑️", AksiStatus.TIDAK_LENGKAP: "❌"}
UNREPORTED = "⬜"
WHOLE = "❔"  # the period was reported as a whole: which actions, nobody recorded
LEVEL_LABELS = {"kabupaten/kota": N_("kabupaten/kota"), "provinsi": N_("provinsi")}
TITLE_IN_GRID = 60  # characters of a title in the grid (9 actions in one message, whatever their titles)
TITLE_IN_DETAIL = 80  # in the detail of a period; the full titles are in the report's sheet "Aksi HAM"
NOTE_IN_DETAIL = 150


def period_label(t: Translator, period: str, year: int | None = None) -> str:
    """``B08 (Januari–Agustus)``: each report covers the year so far (months from the periods data)."""
    found = aksi_periods.period_of(period, year)
    if found is None:
        return Markup(t.escape(period))
    months = get_month_names("wide", locale=t.locale)
    return Markup(t.fmt("{period} ({first}–{last})", period=period, first=months[found.first_month],
                        last=months[found.last_month]))


def window(t: Translator, start: date, end: date, year: bool = True) -> str:
    """``28 April–6 Mei 2027`` (``year``) or ``28 November–5 Desember``: the one way a reporting window is
    written, in the grid and in a refusal; a window across the new year names both years."""
    if year and start.year != end.year:
        return Markup(f"{t.escape(start)}–{t.escape(end)}")
    return Markup(t.escape(format_date(start, "d MMMM", t.locale)) + "–"
                  + t.escape(format_date(end, "d MMMM y" if year else "d MMMM", t.locale)))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def numbers(t: Translator, values: tuple[int, ...] | list[int]) -> str:
    """``2, 5 dan 6``."""
    items = [str(v) for v in values]
    if len(items) < 2:
        return "".join(items)
    return Markup(t.fmt("{items} dan {last}", items=", ".join(items[:-1]), last=items[-1]))


def _gap(t: Translator, score: float, target: float) -> str:
    if score >= target:
        return Markup(t.escape(t.gettext("mencapai target")))
    return Markup(t.fmt("kurang {gap} dari target", gap=float(target - score)))


def target_line(t: Translator, target: Target) -> str:
    if target.from_setting:
        return t.fmt("Target capaian: {target} (sesuai pengaturan)", target=float(target.value))
    return t.fmt("Target capaian {year} untuk {level}: {target}", year=str(target.year),
                 level=t.gettext(LEVEL_LABELS.get(target.level, target.level)), target=float(target.value))


def _cell(period: PeriodView, number: int) -> str:
    report = period.reports.get(number)
    if report is not None:
        return ICONS[AksiStatus(report.status)]
    return WHOLE if period.whole_only else UNREPORTED


def _progress(t: Translator, period: PeriodView) -> str:
    if period.whole_only:
        return Markup(t.escape(t.gettext("dilaporkan per periode, rincian per aksi belum tercatat")))
    reported = sum(1 for r in period.reports.values() if AksiStatus(r.status).is_reported)
    return Markup(t.fmt("{done} dari {total} aksi dilaporkan", done=reported, total=period.total))


def _capaian(t: Translator, period: PeriodView, target: float) -> str:
    value = period.capaian
    if value is None:
        scored = len(period.action_nilai)
        if scored:
            return Markup(t.fmt("nilai capaian belum lengkap ({n} dari {total} aksi sudah dinilai)", n=scored,
                                total=period.total))
        return Markup(t.escape(t.gettext("belum ada nilai capaian")))
    source = (t.gettext("dinilai per periode") if period.capaian_from_period
              else t.fmt("rata-rata nilai {n} aksi", n=period.total))
    return Markup(t.fmt("nilai capaian <b>{value}</b> ({source}) · {gap}", value=float(value), source=Markup(source),
                        gap=_gap(t, value, target)))


def missing_sentence(t: Translator, period: str, work: Outstanding) -> str:
    """``Aksi 2, 5 dan 6 belum dilaporkan untuk B04; Aksi 3 tidak lengkap``: for the grid and the reminders."""
    parts = []
    if work.unreported and len(work.unreported) == work.total:
        parts.append(t.nfmt("belum satu pun dari {n} aksi dilaporkan untuk {period}",
                            "belum satu pun dari {n} aksi dilaporkan untuk {period}", work.total, period=period))
    elif work.unreported:
        parts.append(t.nfmt("Aksi {numbers} belum dilaporkan untuk {period}",
                            "Aksi {numbers} belum dilaporkan untuk {period}", len(work.unreported),
                            numbers=numbers(t, work.unreported), period=period))
    if work.incomplete:
        text = t.nfmt("Aksi {numbers} tidak lengkap", "Aksi {numbers} tidak lengkap", len(work.incomplete),
                      numbers=numbers(t, work.incomplete))
        parts.append(text if work.unreported else t.fmt("{what} untuk {period}", what=Markup(text), period=period))
    return Markup("; ".join(parts))


def _period_buttons(t: Translator, grid: Grid, shown: str | None) -> tuple[tuple[Button, ...], ...]:
    code, year = grid.region.code, grid.year
    row = [Button(t.fmt("Rincian {period}", period=p.code), cb.build(cb.AKSI_PERIOD, code, year, p.code, cb.IN_PLACE))
           for p in grid.periods if p.code != shown]
    if shown is not None:
        row.append(Button(t.gettext("‹ Semua periode"), cb.build(cb.AKSI_PERIOD, code, year, "-", cb.IN_PLACE)))
    return (tuple(row),)


def grid_reply(t: Translator, grid: Grid, recorded: str | None = None, hint: str | None = None) -> Reply:
    """Every action × every period, each period's nilai capaian, the year's average against the target,
    what the period being reported (or next) still waits for."""
    lines = [recorded] if recorded else []
    lines.append(t.fmt("<b>Aksi HAM {year}: {name}</b>", year=str(grid.year), name=grid.region.official_name))
    if grid.actions.listed:
        lines.append(t.nfmt("{n} aksi (daftar aksi tahun ini)", "{n} aksi (daftar aksi tahun ini)", grid.actions.count))
    else:
        lines.append(t.nfmt("{n} aksi (sesuai pengaturan; daftar aksi tahun ini belum diisi)",
                            "{n} aksi (sesuai pengaturan; daftar aksi tahun ini belum diisi)", grid.actions.count))
    legend = t.gettext("✅ lengkap · ☑️ diajukan, belum diperiksa Kanwil · ❌ tidak lengkap · ⬜ belum dilaporkan")
    if any(p.whole_only for p in grid.periods):
        legend += " · " + t.gettext("❔ dilaporkan per periode, rincian per aksi belum tercatat")
    lines.append("<i>" + t.escape(legend) + "</i>")
    lines.append("")
    for n in grid.actions.numbers:
        cells = " ".join(f"{p.code} {_cell(p, n)}" for p in grid.periods)
        title = grid.actions.title(n)
        lines.append(t.fmt("Aksi {number} · {cells} · {title}", number=n, cells=cells,
                           title=_cut(title, TITLE_IN_GRID)) if title
                     else t.fmt("Aksi {number} · {cells}", number=n, cells=cells))
    lines.append("")
    lines.append(target_line(t, grid.target))
    for p in grid.periods:
        lines.append(t.fmt("{period}: {progress} · {capaian}", period=period_label(t, p.code, grid.year),
                           progress=_progress(t, p), capaian=_capaian(t, p, grid.target.value)))
    average = grid.average
    if average is None:
        lines.append(t.gettext("Nilai capaian tahunan: belum ada penilaian."))
    elif grid.complete_year:
        lines.append(t.fmt("Nilai capaian tahunan (rata-rata {periods}): <b>{score}</b> · {gap}",
                           periods=", ".join(p.code for p in grid.periods), score=float(average),
                           gap=_gap(t, average, grid.target.value)))
    else:
        n = len(grid.capaian)
        lines.append(t.nfmt("Rata-rata nilai capaian sejauh ini ({n} periode): <b>{score}</b> · {gap}",
                            "Rata-rata nilai capaian sejauh ini ({n} periode): <b>{score}</b> · {gap}", n,
                            score=float(average), gap=_gap(t, average, grid.target.value)))
    if grid.focus is not None and grid.focus_window is not None:
        focus = grid.focus
        work = Outstanding(focus.total, focus.unreported if not focus.whole_only else (),
                           focus.numbers(AksiStatus.TIDAK_LENGKAP))
        start, end = grid.focus_window
        usual = Markup(t.fmt("masa pelaporan biasanya {window}", window=window(t, start, end, year=False)))
        lines.append("")
        if work.has_work:
            lines.append(t.fmt("<b>{period}</b> ({window}): {missing}.", period=focus.code, window=usual,
                               missing=missing_sentence(t, focus.code, work)))
        else:
            lines.append(t.fmt("<b>{period}</b> ({window}): semua aksi sudah dilaporkan.", period=focus.code,
                               window=usual))
    if grid.closed is not None or grid.upcoming is not None:
        lines.append("")
    if grid.closed is not None:
        code, closed_on = grid.closed
        lines.append(t.fmt("Masa pelaporan {period} ditutup {date}.", period=code, date=t.date(closed_on)))
    if grid.upcoming is not None:
        code, year, start, end = grid.upcoming
        lines.append(t.fmt("Periode berikutnya: <b>{period} {year}</b> (masa pelaporan biasanya {window}).",
                           period=code, year=str(year), window=window(t, start, end)))
    if hint:
        lines.append(hint)
    if aksi_periods.is_assumed(grid.year):
        lines.append(t.fmt("<i>Periode pelaporan mengikuti {basis}; diasumsikan berlanjut sampai ada Perpres "
                           "baru.</i>", basis=aksi_periods.basis(grid.year)))
    return Reply("\n".join(lines), _period_buttons(t, grid, None))


def _detail_line(t: Translator, grid: Grid, period: PeriodView, number: int) -> str:
    title = grid.actions.title(number)
    icon = _cell(period, number)
    head = (t.fmt("{icon} <b>Aksi {number}</b> · {title}", icon=icon, number=number, title=_cut(title, TITLE_IN_DETAIL))
            if title else t.fmt("{icon} <b>Aksi {number}</b>", icon=icon, number=number))
    report: AksiActionReport | None = period.reports.get(number)
    if report is None:
        return head + ": " + t.escape(t.gettext("dilaporkan per periode") if period.whole_only
                                      else t.gettext("belum dilaporkan"))
    parts = [t.escape(status_label(t, report.status))]
    if report.nilai is not None:
        parts.append(t.fmt("nilai capaian {value}", value=float(report.nilai)))
    who = (person_name(grid.people.get(report.recorded_by), report.recorded_by)
           if report.recorded_by is not None else t.gettext("Sistem"))
    parts.append(t.fmt("dicatat {who}, {when}", who=who, when=t.datetime(report.recorded_at, grid.region.timezone)))
    line = head + ": " + " · ".join(parts)  # each part escaped or built by t.fmt
    if report.note:
        line += t.fmt(" · “{note}”", note=_cut(report.note, NOTE_IN_DETAIL))
    return line


def period_reply(t: Translator, grid: Grid, code: str) -> Reply:
    """One period: each action with its status, nilai, who recorded it and when, and its note."""
    period = grid.period(code)
    if period is None:
        return grid_reply(t, grid)
    lines = [t.fmt("<b>Aksi HAM {period} {year}: {name}</b>", period=period_label(t, code, grid.year),
                   year=str(grid.year), name=grid.region.official_name),
             t.fmt("{progress} · {capaian}", progress=_progress(t, period),
                   capaian=_capaian(t, period, grid.target.value)), ""]
    lines.extend(_detail_line(t, grid, period, n) for n in grid.actions.numbers)
    return Reply("\n".join(lines), _period_buttons(t, grid, code))


def recorded(t: Translator, record: ActionRecord, closed: date | None = None, late: bool = False) -> str:
    """The confirmation of one action's report. ``closed``: the day the period's usual window closed, said when
    the period was read from a bare code (which year it is) or the report is a PIC's ``late`` hand-in."""
    if not record.changed:
        return t.fmt("Laporan Aksi {number} {period} {year} sudah tercatat seperti itu; tidak ada yang diubah.",
                     number=record.number, period=record.period, year=str(record.year))
    text = t.fmt("✔️ Laporan Aksi {number} {period} {year} dicatat: <b>{status}</b>", number=record.number,
                 period=record.period, year=str(record.year), status=status_label(t, record.status))
    if record.nilai is not None:
        text += t.fmt(", nilai capaian {value}", value=float(record.nilai))
    if record.status is AksiStatus.DIAJUKAN:
        text += t.gettext(" (menunggu pemeriksaan Kanwil)")
    text += "."
    if closed is not None and late:
        text += "\n" + t.fmt("Perhatian: masa pelaporan {period} {year} sudah ditutup {date}, jadi laporan ini "
                             "terlambat; Kanwil yang menentukan apakah laporan ini masih diterima.",
                             period=record.period, year=str(record.year), date=t.date(closed))
    elif closed is not None:
        text += "\n" + t.fmt("Laporan ini untuk {period} {year}; masa pelaporannya ditutup {date}.",
                             period=record.period, year=str(record.year), date=t.date(closed))
    return text


def _example(today: date) -> tuple[str, int, str]:
    """The period of the examples (the one being reported or the next, never a closed one), its year, and how
    to type it: ``B12`` in its own year, ``B04 2027`` for next year's."""
    period, year = aksi_periods.current_or_next(today)
    return period.code, year, period.code if year == today.year else f"{period.code} {year}"


def usage(t: Translator, today: date, kanwil: bool, pic: bool, own: Literal["region", "province"] | None) -> Reply:
    """Every form of ``/aksi`` the reader may use, with the period being reported (or next) and its year in the
    examples (they never go stale): the Kanwil's forms to staf and admins, handing in to a PIC, reading to the
    others. ``own``: what ``/aksi`` alone shows the reader (their kab/kota, a pick of their province's), told
    only to those who have one (an admin has none)."""
    period, year, typed = _example(today)
    view = t.gettext("<code>/aksi Tapin</code>: setiap aksi tahun ini per periode (B04, B08, B12), nilai capaian dan "
                     "target")
    if own == "region":
        view += t.gettext("; <code>/aksi</code> saja: kab/kota Anda")
    elif own == "province":
        view += t.gettext("; <code>/aksi</code> saja: pilih kab/kota provinsi Anda")
    lines = [t.gettext("Cara pakai /aksi:"), view]
    if kanwil:
        lines += [
            t.fmt("<code>/aksi Tapin {period} {year} 2 lengkap 80</code>: laporan Aksi 2 periode {period} lengkap, "
                  "nilai capaian 80 (tahun berjalan, nilai capaian dan catatan boleh tidak ditulis)", period=period,
                  year=str(year)),
            t.fmt("<code>/aksi Tapin {typed} 2 tidak lengkap foto kegiatan belum ada</code>: tidak lengkap, dengan "
                  "catatan", typed=typed),
            t.fmt("<code>/aksi Tapin {period} {year} nilai 87,5</code>: nilai capaian periode {period}",
                  period=period, year=str(year)),
            t.gettext("<code>/aksi Tapin jumlah 8</code>, <code>/aksi Tapin judul 3 Layanan ramah disabilitas</code>: "
                      "daftar aksi tahun ini"),
            t.gettext("PIC mencatat laporan aksi yang sudah diajukan (<code>lengkap</code>); Kanwil memeriksanya: "
                      "lengkap atau tidak lengkap, dengan nilai capaian."),
        ]
    elif pic:
        lines += [
            t.fmt("<code>/aksi Tapin {period} {year} 2 lengkap sudah diunggah ke SAPA-HAM</code>: laporan Aksi 2 "
                  "periode {period} sudah diajukan (tahun berjalan dan catatan boleh tidak ditulis)", period=period,
                  year=str(year)),
            t.gettext("Kanwil memeriksa setiap laporan (lengkap atau tidak lengkap), mencatat nilai capaian dan "
                      "menetapkan daftar aksi. Laporan yang dinyatakan tidak lengkap dapat diajukan lagi dengan "
                      "<code>lengkap</code>."),
        ]
    else:
        lines.append(t.gettext("Laporan Aksi HAM dicatat oleh PIC kab/kota (diajukan) dan diperiksa oleh Kanwil."))
    return Reply("\n".join(lines))


def hint(t: Translator, grid: Grid, kanwil: bool) -> str:
    """How the person reading may record, with this kab/kota and the period being reported (or next, with its
    year when it is not this year's) in the example; when that period has not begun, from when."""
    period, year, typed = _example(grid.today)
    if year != grid.year:
        typed = f"{period} {year}"
    name = typed_name(grid.region)
    found = aksi_periods.period_of(period, year)
    if found is not None and grid.today < found.starts(year):  # nothing to record yet: say from when, only
        return Markup(t.fmt("<i>Laporan {period} {year} dapat dicatat mulai {start}.</i>", period=period,
                            year=str(year), start=found.starts(year)))
    if kanwil:
        return Markup(t.fmt("<i>Catat: /aksi {name} {period} 2 lengkap 80 · /aksi {name} {period} 2 tidak lengkap "
                            "[catatan]</i>", name=name, period=typed))
    return Markup(t.fmt("<i>Catat laporan yang sudah diajukan: /aksi {name} {period} 2 lengkap [catatan]</i>",
                        name=name, period=typed))


def not_started(t: Translator, refused: NotStarted) -> Reply:
    """A report of a period that has not begun: from when it can be recorded, and its usual window written as
    the grid writes it."""
    start, end = refused.window
    return Reply(error(t, N_("Periode {period} {year} belum dimulai; laporannya dapat dicatat mulai {start} (masa "
                             "pelaporan biasanya {window})."), **refused.values, window=window(t, start, end)))


def period_recorded(t: Translator, period: str, year: int, nilai: float | None) -> str:
    if nilai is None:
        return t.fmt("✔️ Laporan Aksi HAM {period} {year} dicatat.", period=period, year=str(year))
    return t.fmt("✔️ Nilai capaian Aksi HAM {period} {year} dicatat: {value}.", period=period, year=str(year),
                 value=float(nilai))


def list_recorded(t: Translator, changed: bool, count: int, year: int) -> str:
    if not changed:
        return t.gettext("Daftar aksi sudah seperti itu; tidak ada yang diubah.")
    return t.nfmt("✔️ Daftar aksi {year} dicatat: {n} aksi.", "✔️ Daftar aksi {year} dicatat: {n} aksi.", count,
                  year=str(year))


def title_recorded(t: Translator, changed: bool, number: int, year: int, title: str | None) -> str:
    """``/aksi Tapin judul 3 …``: the title as recorded (or that it was cleared, or already so)."""
    if not changed:
        return t.fmt("Judul Aksi {number} ({year}) sudah seperti itu; tidak ada yang diubah.", number=number,
                     year=str(year))
    if not title:
        return t.fmt("✔️ Judul Aksi {number} ({year}) dihapus.", number=number, year=str(year))
    return t.fmt("✔️ Judul Aksi {number} ({year}) dicatat: {title}.", number=number, year=str(year), title=title)


def no_action(t: Translator, query: str, period: str, kanwil: bool) -> Reply:
    """``/aksi Tapin B04`` without an action: the forms the reader may use (a PIC records no nilai)."""
    if not kanwil:
        return Reply(t.fmt("Laporan Aksi HAM dicatat per aksi. Sebutkan nomor aksi dan statusnya, mis. <code>/aksi "
                           "{query} {period} 2 lengkap</code> untuk laporan Aksi 2 yang sudah diajukan.", query=query,
                           period=period))
    return Reply(t.fmt("Laporan Aksi HAM dicatat per aksi. Sebutkan nomor aksi dan statusnya, mis. <code>/aksi "
                       "{query} {period} 2 lengkap</code>; nilai capaian periode: <code>/aksi {query} {period} nilai "
                       "87,5</code>.", query=query, period=period))

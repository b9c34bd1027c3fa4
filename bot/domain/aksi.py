"""Aksi HAM: the actions of a kab/kota in a year and what was reported of each, per period (B04, B08, B12).

- **Actions.** A kab/kota carries out its own actions each year (6-9 observed), numbered 1..n with optional
  titles (``aksi_action``). Without a list for the year it has ``PANTAU_AKSI_ACTIONS`` untitled actions;
  a list comes from an import (columns ``aksi``/``judul``) or ``/aksi <wilayah> [tahun] jumlah|judul``.
- **Action reports** (``aksi_action_report``): one per action and period: ``diajukan`` (handed in by the
  kab/kota), ``lengkap`` or ``tidak_lengkap`` (the Kanwil's verdict), an optional nilai capaian 0-100 and an
  optional note. Who may record what: ``bot.domain.access`` (:func:`bot.domain.access.aksi_status_as`,
  :func:`bot.domain.access.aksi_refusal`).
- **Whole-period reports** (``aksi_report``): the period's nilai capaian (``score``) as the Kanwil records it,
  and the reports from before actions were recorded one by one. The grid and the reminders read them in
  ``bot.domain.aksi_grid``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from bot.core import zones
from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.i18n import N_
from bot.core.limits import MAX_NOTE
from bot.core.models import AksiAction, AksiActionReport, AksiReport, AksiStatus
from bot.domain import access, audit, periods
from bot.domain.people import Grants
from bot.reference import RegionRef

# The periods are data (``bot/domain/periods.py``, ``bot/reference/aksi_periods.csv``); these two names are
# the newest rows, for callers that have no year at hand. Each report is cumulative from January.
PERIODS = periods.codes()
LAST_MONTH = {p.code: p.last_month for p in periods.periods()}
PERIOD_RE = re.compile(r"^B\d{1,3}$", re.IGNORECASE)
MAX_ACTIONS = 20  # Ditjen HAM's reporting format has 9; kab/kota reported 6-9 a year
MAX_TITLE = 200
STATUS_WORDS = {
    "lengkap": AksiStatus.LENGKAP, "tidak lengkap": AksiStatus.TIDAK_LENGKAP, "diajukan": AksiStatus.DIAJUKAN,
    # the English labels of an English export
    "complete": AksiStatus.LENGKAP, "incomplete": AksiStatus.TIDAK_LENGKAP, "submitted": AksiStatus.DIAJUKAN,
}


def typed_name(region: RegionRef) -> str:
    """How to name ``region`` in a command example: ``Tapin``, but ``Kota Sorong`` (a bare name is the
    kabupaten: docs/decisions/0001)."""
    return region.name if region.kind == "kabupaten" else region.official_name


def looks_like_period(text: str) -> bool:
    """``B04``, ``b8``, ``B13``: meant as a period (valid or not), not as part of a region's name."""
    return bool(PERIOD_RE.match(text.strip()))


def parse_period(text: str, year: int | None = None) -> str:
    """``b08`` (or ``b8``) -> ``B08``, when it is a period of ``year`` (None: of the newest rows)."""
    digits = text.strip()[1:]
    found = periods.period_of(f"B{int(digits):02d}" if looks_like_period(text) else text, year)
    if found is None:
        raise UserError(N_("Periode “{value}” tidak sah; pakai salah satu periode Aksi HAM: {choices} (laporan "
                           "kumulatif sejak Januari)."), value=text, choices=", ".join(periods.codes(year)))
    return found.code


def parse_status(text: str) -> AksiStatus | None:
    """``lengkap``, ``tidak lengkap`` (also ``tidak-lengkap``, ``tidak_lengkap``), ``diajukan``; any case."""
    words = " ".join(re.split(r"[\s_-]+", text.strip().lower()))
    return STATUS_WORDS.get(words)


def parse_nilai(text: str) -> float:
    """``87,5`` or ``87.5`` -> 87.5, within 0-100."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:  # also NaN
        raise UserError(N_("Nilai capaian harus angka 0–100; “{value}” tidak sah."), value=text[:20])
    return value


def check_nilai(value: float | None) -> float | None:
    if value is not None and not 0 <= value <= 100:
        raise UserError(N_("Nilai capaian harus angka 0–100; “{value}” tidak sah."), value=str(value)[:20])
    return value


# -- the actions of a year ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ActionList:
    region: RegionRef
    year: int
    titles: tuple[str | None, ...]  # action n has titles[n - 1]
    listed: bool  # from data (an import or /aksi ... jumlah); False: PANTAU_AKSI_ACTIONS untitled actions

    @property
    def count(self) -> int:
        return len(self.titles)

    @property
    def numbers(self) -> range:
        return range(1, self.count + 1)

    def title(self, number: int) -> str | None:
        return self.titles[number - 1] if 1 <= number <= self.count else None


def _rows(session: Session, region: RegionRef, year: int) -> list[AksiAction]:
    return list(session.exec(select(AksiAction).where(AksiAction.region_code == region.code, AksiAction.year == year)
                             .order_by(col(AksiAction.number))))


def actions_of(session: Session, region: RegionRef, year: int, default: int) -> ActionList:
    rows = _rows(session, region, year)
    if not rows:
        return ActionList(region, year, (None,) * default, False)
    return ActionList(region, year, tuple(r.title for r in rows), True)


def action_counts(session: Session, codes: set[str], year: int, default: int) -> dict[str, int]:
    """How many actions each of ``codes`` has in ``year`` (the default where no list was given)."""
    counts = dict.fromkeys(codes, 0)
    for code in session.exec(select(AksiAction.region_code).where(AksiAction.year == year,
                                                                   col(AksiAction.region_code).in_(sorted(codes)))):
        counts[code] += 1
    return {code: n or default for code, n in counts.items()}


def _check_count(count: int) -> int:
    if not 1 <= count <= MAX_ACTIONS:
        raise UserError(N_("Jumlah aksi harus 1–{limit}; “{value}” tidak sah."), value=str(count), limit=MAX_ACTIONS)
    return count


def check_title(title: str) -> str:
    title = " ".join(title.split())
    if len(title) > MAX_TITLE:
        raise UserError(N_("Judul aksi terlalu panjang: {length} karakter, paling banyak {limit}."),
                        length=len(title), limit=MAX_TITLE)
    return title


def _reported_numbers(session: Session, region: RegionRef, year: int) -> set[int]:
    return set(session.exec(select(AksiActionReport.action).where(
        AksiActionReport.region_code == region.code, AksiActionReport.year == year)))


def set_list(session: Session, clock: Clock, region: RegionRef, year: int, count: int,
             titles: dict[int, str], default: int, actor: int | None) -> bool:
    """Make ``region``'s actions of ``year`` 1..``count``, with ``titles`` (number -> title; others keep
    theirs). Dropping an action that has reports is refused. True when something changed (audited)."""
    _check_count(count)
    if beyond := sorted(n for n in titles if not 1 <= n <= count):
        raise UserError(N_("Aksi {number} di luar daftar aksi {region} {year} (1–{count})."), number=beyond[0],
                        region=region.official_name, year=str(year), count=count)
    rows = _rows(session, region, year)
    before = actions_of(session, region, year, default)
    if dropped := sorted(_reported_numbers(session, region, year) - set(range(1, count + 1))):
        raise UserError(N_("Aksi {number} {region} {year} sudah memiliki laporan; daftar aksi tidak dapat "
                           "dikurangi menjadi {count} aksi."), number=dropped[0], region=region.official_name,
                        year=str(year),
                        count=count)
    wanted = tuple(check_title(titles[n]) or None if n in titles else before.title(n) for n in range(1, count + 1))
    if before.listed and wanted == before.titles:
        return False  # as it is: nothing recorded
    by_number = {r.number: r for r in rows}
    for n, title in enumerate(wanted, start=1):
        row = by_number.pop(n, None) or AksiAction(region_code=region.code, year=year, number=n,
                                                    updated_at=clock.now())
        if row.id is None or row.title != title:
            row.title, row.updated_at, row.updated_by = title, clock.now(), actor
            session.add(row)
    for row in by_number.values():
        session.delete(row)
    session.flush()
    audit.record(session, clock, actor, "aksi.actions", f"{region.code}/{year}", region.code,
                 before={"year": year, "count": before.count, "titles": list(before.titles), "listed": before.listed},
                 after={"year": year, "count": count, "titles": list(wanted)})
    return True


# -- the report of one action in one period -----------------------------------------------------------
NOT_STARTED = N_("Periode {period} {year} belum dimulai; laporannya dapat dicatat mulai {start}.")


class NotStarted(UserError):
    """A report of a period that has not begun: the message (for any reader, e.g. an import's row) and the
    usual window, which ``/aksi`` adds in the grid's own date-range format (``bot/render/aksi.py``)."""

    def __init__(self, period: str, year: int, start: date, window: tuple[date, date]) -> None:
        super().__init__(NOT_STARTED, period=period, year=str(year), start=start)
        self.window = window


def not_started(today: date, year: int, period: str) -> tuple[str, dict[str, object]] | None:
    """Why a report of ``period`` of ``year`` cannot be recorded on ``today`` (the months it covers have not
    begun: message id and values, as an import's row error), or None when it can. Past periods can always be
    recorded."""
    found = periods.period_of(period, year)
    if found is None or today >= found.starts(year):
        return None
    return NOT_STARTED, {"period": found.code, "year": str(year), "start": found.starts(year)}


def local_today(clock: Clock, region: RegionRef) -> date:
    return clock.now().astimezone(zones.zone(region.timezone)).date()


def check_started(clock: Clock, region: RegionRef, year: int, period: str) -> None:
    """``NotStarted`` (a ``UserError``) when ``period`` of ``year`` has not begun yet in ``region``'s own time
    zone."""
    found = periods.period_of(period, year)
    if found is not None and not_started(local_today(clock, region), year, period):
        raise NotStarted(found.code, year, found.starts(year), found.window(year))


def closed_on(clock: Clock, region: RegionRef, year: int, period: str) -> date | None:
    """The day the usual reporting window of ``period`` of ``year`` closed, when it closed before today in
    ``region``'s own time zone (a report recorded now is late); None while it is open or ahead."""
    found = periods.period_of(period, year)
    if found is None:
        return None
    end = found.window(year)[1]
    return end if end < local_today(clock, region) else None


@dataclass(frozen=True)
class ActionRecord:
    region: RegionRef
    year: int
    period: str
    number: int
    status: AksiStatus
    nilai: float | None
    note: str | None
    changed: bool  # False: recorded exactly as it was, nothing written


def record_action(session: Session, clock: Clock, g: Grants | None, region: RegionRef, year: int, period: str,
                  number: int, typed: AksiStatus, nilai: float | None, note: str | None, actor: int | None,
                  default: int) -> ActionRecord:
    """Record the report of action ``number`` of ``region`` for ``period`` of ``year``. ``g``: who records
    it (None: the operator at the CLI); ``nilai`` and ``note`` None keep what is there. Audited when it
    changes something; refused (``UserError``) when it is not that person's to record."""
    period = parse_period(period, year)
    check_started(clock, region, year, period)
    listed = actions_of(session, region, year, default)
    if number not in listed.numbers:
        if g is not None and not access.is_kanwil(g, region):  # the list is the Kanwil's: say whom to ask
            message = (N_("{region} memiliki {count} aksi pada {year}; aksi {number} tidak ada. Daftar aksi "
                          "ditetapkan oleh Kanwil: bila aksi {number} memang ada, minta staf Kanwil mengubah daftar "
                          "aksinya.") if listed.listed
                       else N_("{region} memiliki {count} aksi pada {year} (sesuai pengaturan); aksi {number} tidak "
                               "ada. Daftar aksi ditetapkan oleh Kanwil: bila aksi {number} memang ada, minta staf "
                               "Kanwil mengubah daftar aksinya."))
        else:
            message = (N_("{region} memiliki {count} aksi pada {year}; aksi {number} tidak ada. Ubah daftar aksinya "
                          "dengan /aksi {name} {year} jumlah {number} atau impor berkas Aksi HAM.") if listed.listed
                       else N_("{region} memiliki {count} aksi pada {year} (sesuai pengaturan); aksi {number} "
                               "tidak ada. Ubah daftar aksinya dengan /aksi {name} {year} jumlah {number} atau impor "
                               "berkas Aksi HAM."))
        raise UserError(message, region=region.official_name, count=listed.count, year=str(year), number=number,
                        name=typed_name(region))
    check_nilai(nilai)
    if note is not None:
        note = note.strip()
        if len(note) > MAX_NOTE:
            raise UserError(N_("Catatan terlalu panjang: {length} karakter, paling banyak {limit}."),
                            length=len(note), limit=MAX_NOTE)
        note = note or None
    report = session.exec(select(AksiActionReport).where(
        AksiActionReport.region_code == region.code, AksiActionReport.year == year,
        AksiActionReport.period == period, AksiActionReport.action == number)).first()
    current = AksiStatus(report.status) if report is not None else None
    status = typed if g is None else access.aksi_status_as(g, region, typed, current)
    new_nilai = nilai if nilai is not None else (report.nilai if report else None)
    new_note = note if note is not None else (report.note if report else None)
    nilai_changes = report is not None and new_nilai != report.nilai or report is None and nilai is not None
    note_changes = report is not None and new_note != report.note or report is None and note is not None
    if g is not None and (refused := access.aksi_refusal(g, region, current, status, nilai_changes, note_changes)):
        raise UserError(refused, region=region.official_name)
    if report is not None and status is current and not nilai_changes and not note_changes:
        return ActionRecord(region, year, period, number, status, new_nilai, new_note, False)
    before = None if report is None else {"status": report.status, "nilai": report.nilai, "note": report.note}
    if report is None:
        report = AksiActionReport(region_code=region.code, year=year, period=period, action=number,
                                  status=status.value, recorded_at=clock.now())
    report.status, report.nilai, report.note = status.value, new_nilai, new_note
    report.recorded_at, report.recorded_by = clock.now(), actor
    session.add(report)
    session.flush()
    audit.record(session, clock, actor, "aksi.action", f"{region.code}/{year}/{period}/{number}", region.code,
                 before=before, after={"year": year, "period": period, "action": number, "status": status.value,
                                       "nilai": new_nilai, "note": new_note})
    return ActionRecord(region, year, period, number, status, new_nilai, new_note, True)


def action_reports_of(session: Session, region: RegionRef, year: int) -> dict[tuple[str, int], AksiActionReport]:
    rows = session.exec(select(AksiActionReport).where(AksiActionReport.region_code == region.code,
                                                       AksiActionReport.year == year))
    return {(r.period, r.action): r for r in rows}


# -- the report of a whole period -----------------------------------------------------------------------
def record_report(session: Session, clock: Clock, region: RegionRef, year: int, period: str,
                  score: float | None, actor: int | None) -> AksiReport:
    """The period as a whole: that it was reported, and its nilai capaian ``score`` (None keeps it). The
    Kanwil's (``Action.ASSESS_AKSI``): callers check. Audited when something changes."""
    check_nilai(score)
    check_started(clock, region, year, period)
    report = session.exec(select(AksiReport).where(
        AksiReport.region_code == region.code, AksiReport.year == year, AksiReport.period == period)).first()
    before = None if report is None else {"period": period, "year": year, "score": report.score}
    if report is not None and (score is None or score == report.score):
        return report  # already recorded as it is: nothing changes, nothing is recorded
    if report is None:
        report = AksiReport(region_code=region.code, year=year, period=period, reported_at=clock.now())
        session.add(report)
    report.score = score if score is not None else report.score
    report.recorded_by = actor
    report.reported_at = clock.now()
    session.flush()
    audit.record(session, clock, actor, "aksi.record", f"{region.code}/{year}/{period}", region.code,
                 before=before, after={"period": period, "year": year, "score": report.score})
    return report


def reports_of(session: Session, region: RegionRef, year: int) -> dict[str, AksiReport]:
    rows = session.exec(select(AksiReport).where(AksiReport.region_code == region.code, AksiReport.year == year))
    return {r.period: r for r in rows}

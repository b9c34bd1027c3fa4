"""What ``/aksi <wilayah>`` shows, and what an Aksi HAM window still waits for (the reminders).

**The grid**: each action of the year × each period: ``lengkap`` / ``diajukan`` / ``tidak lengkap`` /
not reported. **Nilai capaian of a period**: the period's own nilai when the Kanwil recorded one (a
whole-period report with a score: ``/aksi Tapin B08 87,5``, an import row without ``aksi``), else the mean
of its actions' nilai once *every* action has one; otherwise none yet (and the grid says how many are in).
**The year**: the average of the periods' capaian (all of them: "capaian tahunan"; fewer: "rata-rata sejauh
ini"), against the target of the year and level (``bot.domain.aksi_targets``).

**Done for a period** (the reminders stop): every action of the year ``diajukan`` or ``lengkap``. A period
reported only as a whole (rows from before actions were recorded one by one, an old-format import) counts
as reported until the first action of that period is recorded; then the actions decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from bot.core import zones
from bot.core.clock import Clock
from bot.core.models import AksiActionReport, AksiReport, AksiStatus, Person
from bot.domain import periods
from bot.domain.aksi import ActionList, action_counts, action_reports_of, actions_of, reports_of
from bot.domain.aksi_targets import Target, target_for
from bot.reference import RegionRef


@dataclass(frozen=True)
class PeriodView:
    code: str
    total: int  # actions of the year
    reports: dict[int, AksiActionReport]  # action number -> its report in this period
    whole: AksiReport | None  # the whole-period report (the period's nilai), if any

    def numbers(self, status: AksiStatus) -> tuple[int, ...]:
        return tuple(n for n, r in sorted(self.reports.items()) if r.status == status.value)

    @property
    def unreported(self) -> tuple[int, ...]:
        return tuple(n for n in range(1, self.total + 1) if n not in self.reports)

    @property
    def whole_only(self) -> bool:
        """Reported as a whole period, no action recorded: which actions were in, nobody knows."""
        return self.whole is not None and not self.reports

    @property
    def done(self) -> bool:
        """Nothing left for the kab/kota: every action handed in or complete (or reported as a whole)."""
        if self.whole_only:
            return True
        return all(n in self.reports and AksiStatus(self.reports[n].status).is_reported
                   for n in range(1, self.total + 1))

    @property
    def action_nilai(self) -> list[float]:
        return [r.nilai for n, r in self.reports.items() if r.nilai is not None and n <= self.total]

    @property
    def capaian(self) -> float | None:
        if self.whole is not None and self.whole.score is not None:
            return self.whole.score
        scored = self.action_nilai
        return sum(scored) / len(scored) if scored and len(scored) == self.total else None

    @property
    def capaian_from_period(self) -> bool:
        return self.whole is not None and self.whole.score is not None


@dataclass(frozen=True)
class Grid:
    region: RegionRef
    year: int
    actions: ActionList
    periods: tuple[PeriodView, ...]
    target: Target
    focus: PeriodView | None  # the period being reported or next (this year), None for a past year
    focus_window: tuple[date, date] | None  # its usual reporting window (the real one arrives by letter)
    people: dict[int, Person]  # who recorded the reports
    today: date  # in the kab/kota's own time zone
    closed: tuple[str, date] | None = None  # this year's window that closed last (shown until the next opens)
    upcoming: tuple[str, int, date, date] | None = None  # every window of this year closed: the next period
    # (code, year, its usual window)

    def period(self, code: str) -> PeriodView | None:
        return next((p for p in self.periods if p.code == code), None)

    @property
    def capaian(self) -> list[float]:
        return [p.capaian for p in self.periods if p.capaian is not None]

    @property
    def average(self) -> float | None:
        scored = self.capaian
        return sum(scored) / len(scored) if scored else None

    @property
    def complete_year(self) -> bool:
        return len(self.capaian) == len(self.periods)


def _focus(year: int, today: date) -> tuple[periods.Period | None, tuple[date, date] | None]:
    if year < today.year:
        return None, None
    if year > today.year:
        first = periods.periods(year)[0]
        return first, first.window(year)
    period, in_year = periods.current_or_next(today)
    return (period, period.window(year)) if in_year == year else (None, None)


def _closed(year: int, today: date, focus_window: tuple[date, date] | None) -> tuple[str, date] | None:
    """This year's window that closed last, while no window is open (the next one not yet opened)."""
    found = periods.last_closed(today) if year == today.year else None
    if found is None or (focus_window is not None and focus_window[0] <= today):
        return None
    return found[0].code, found[2]


def _upcoming(year: int, today: date) -> tuple[str, int, date, date] | None:
    """After the last window of this year closed: the first period of next year, with its usual window."""
    period, in_year = periods.current_or_next(today)
    if year != today.year or in_year == year:
        return None
    return (period.code, in_year, *period.window(in_year))


def grid(session: Session, clock: Clock, region: RegionRef, year: int, default_actions: int,
         target_setting: float) -> Grid:
    actions = actions_of(session, region, year, default_actions)
    reports = action_reports_of(session, region, year)
    wholes = reports_of(session, region, year)
    views = tuple(PeriodView(code, actions.count, {n: r for (p, n), r in reports.items() if p == code},
                             wholes.get(code)) for code in periods.codes(year))
    today = clock.now().astimezone(zones.zone(region.timezone)).date()
    focus, window = _focus(year, today)
    ids = {r.recorded_by for r in reports.values() if r.recorded_by is not None}
    people = {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(sorted(ids))))} if ids else {}
    return Grid(region, year, actions, views, target_for(year, target_setting),
                next((v for v in views if focus and v.code == focus.code), None), window, people, today,
                _closed(year, today, window), _upcoming(year, today))


# -- the reminders ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outstanding:
    """What a kab/kota still has to report for one period."""

    total: int  # actions of the year
    unreported: tuple[int, ...] = ()  # no report yet
    incomplete: tuple[int, ...] = ()  # found incomplete by the Kanwil: to hand in again

    @property
    def has_work(self) -> bool:
        return bool(self.unreported or self.incomplete)


def outstanding(session: Session, year: int, period: str, codes: set[str], default_actions: int
                ) -> dict[str, Outstanding]:
    """Per kab/kota of ``codes``, the actions of ``period`` of ``year`` it still has to report (three
    queries, whatever the number of kab/kota)."""
    if not codes:
        return {}
    counts = action_counts(session, codes, year, default_actions)
    found: dict[str, dict[int, str]] = {c: {} for c in codes}
    for code, number, status in session.exec(select(
            AksiActionReport.region_code, AksiActionReport.action, AksiActionReport.status).where(
            AksiActionReport.year == year, AksiActionReport.period == period,
            col(AksiActionReport.region_code).in_(sorted(codes)))):
        found[code][number] = status
    whole = set(session.exec(select(AksiReport.region_code).where(
        AksiReport.year == year, AksiReport.period == period, col(AksiReport.region_code).in_(sorted(codes)))))
    out: dict[str, Outstanding] = {}
    for code in codes:
        total, reports = counts[code], found[code]
        if code in whole and not reports:
            out[code] = Outstanding(total)
            continue
        out[code] = Outstanding(
            total, tuple(n for n in range(1, total + 1) if n not in reports),
            tuple(n for n in range(1, total + 1) if reports.get(n) == AksiStatus.TIDAK_LENGKAP.value))
    return out

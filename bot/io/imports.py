"""One preview/apply of a progress or Aksi HAM spreadsheet, for the bot and for the CLI.

``handlers/files.py`` (a file sent to the bot, previewed, then "Kirim") and ``pantau-ham import progress|aksi``
both call :func:`run`: read the bytes (bounded, ``bot.io.spreadsheets``), tell a progress sheet from an Aksi HAM
one (a report from ``/ekspor`` has both: both are imported, together), validate every row against the
database as it is now (with the sender's rights, ``bot.domain.access``), and with ``apply`` save all or nothing in
one transaction. It is plain synchronous work on its own session:
the bot runs it in a worker thread (``asyncio.to_thread``) so that a 10,000-row file never holds up the
other chats.

Raises :class:`bot.io.spreadsheets.SpreadsheetError` (the file as a whole) or
:class:`bot.io.progress_import.ImportRejected` (rows, with numbers and reasons); nothing is changed then.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.core.i18n import N_
from bot.domain.catalog import RowError
from bot.io import aksi_import, progress_import
from bot.io.aksi_import import AksiRow, ListChange
from bot.io.progress_import import ImportRejected, Plan
from bot.io.spreadsheets import read_table, sheet_names

if TYPE_CHECKING:
    from bot.core.models import Cycle
    from bot.domain.people import Grants
    from bot.domain.runtime import Runtime

Kind = Literal["progress", "aksi", "both"]  # both: the report (/ekspor), with sheets Progres and Aksi HAM


@dataclass(frozen=True)
class Outcome:
    kind: Kind
    rows: int  # valid rows
    changed: int  # rows that change something
    applied: bool  # saved (``apply``), or only previewed
    plan: Plan | None = None  # progress
    aksi_rows: tuple[AksiRow, ...] = ()  # aksi: every row
    aksi_changed: tuple[AksiRow, ...] = ()  # aksi: those that change something
    aksi_lists: tuple[ListChange, ...] = ()  # aksi: lists of actions made longer or given titles

    @property
    def unchanged(self) -> int:
        if self.kind == "progress":
            return self.rows - self.changed
        return self.rows - len(self.aksi_changed) - (len(self.plan.changes) if self.plan else 0)


def kind_of(content: bytes, name: str) -> Kind:
    """"aksi" for an Aksi HAM sheet (XLSX sheet ``Aksi HAM``, CSV with a ``periode`` column), "both" for an
    XLSX with the sheets ``Progres`` and ``Aksi HAM`` (the report), else "progress"."""
    if name.lower().endswith(".csv"):
        return "aksi" if aksi_import.looks_like_aksi(read_table(content, name, ())) else "progress"
    names = {s.strip().lower() for s in sheet_names(content, name)}
    progress = bool(names & {s.lower() for s in progress_import.SHEETS})
    if names & {s.lower() for s in aksi_import.SHEETS}:
        return "both" if progress else "aksi"
    return "progress"


def _of_sheet(kind: Kind, sheet: str, errors: list[RowError]) -> list[RowError]:
    """The errors of one sheet of the report, after a line naming the sheet (their rows are that sheet's)."""
    if kind != "both":
        return errors
    return [RowError(0, N_("Lembar “{sheet}”:"), {"sheet": sheet}), *errors]


def run(rt: Runtime, content: bytes, name: str, *, kind: Kind | None = None, grants: Grants | None = None,
        actor: int | None = None, apply: bool = False) -> Outcome:
    """Validate ``content`` (and with ``apply`` save it, in one transaction). ``grants``: the sender's rights
    (None: the operator at the CLI, who may import anything); ``kind``: None to tell from the file."""
    kind = kind or kind_of(content, name)
    progress = read_table(content, name, progress_import.SHEETS) if kind in ("progress", "both") else None
    aksi = read_table(content, name, aksi_import.SHEETS) if kind in ("aksi", "both") else None
    if kind == "both" and aksi is not None and not any(any(c.strip() for c in row) for row in aksi.rows[1:]):
        kind, aksi = "progress", None  # a report without Aksi HAM rows: the progress alone
    cycle: Cycle | None = None
    if progress is not None:
        with rt.session() as session:  # (a new year's cycle is created in a short transaction of its own)
            cycle = rt.cycle(session)
    default = rt.settings.aksi_actions
    plan: Plan | None = None
    planned: aksi_import.AksiPlan | None = None
    errors: list[RowError] = []
    with rt.session() as session:  # both sheets of a report: validated together, saved in one transaction
        if progress is not None and cycle is not None:
            rights = progress_import.rights_of(grants) if grants is not None else None
            try:
                plan = progress_import.plan(session, cycle, progress, rights)
            except ImportRejected as exc:
                errors.extend(_of_sheet(kind, "Progres", exc.errors))
        if aksi is not None:
            try:
                planned = aksi_import.plan(session, aksi, grants, rt.clock.now(), default)
            except ImportRejected as exc:
                errors.extend(_of_sheet(kind, "Aksi HAM", exc.errors))
        if errors:
            raise ImportRejected(errors)
        if apply and plan is not None and cycle is not None:
            progress_import.apply(session, rt.clock, cycle, plan, actor, name)
        if apply and planned is not None:
            aksi_import.apply(session, rt.clock, planned, actor, name, default)
    if planned is None:
        assert plan is not None  # neither sheet was read: kind_of always names one
        return Outcome(kind, plan.rows, len(plan.changes), apply, plan=plan)
    changed = planned.changed
    rows = len(planned.rows) + (plan.rows if plan else 0)
    return Outcome(kind, rows, len(changed) + len(planned.lists) + (len(plan.changes) if plan else 0), apply,
                   plan=plan, aksi_rows=tuple(planned.rows), aksi_changed=tuple(changed),
                   aksi_lists=tuple(planned.lists))

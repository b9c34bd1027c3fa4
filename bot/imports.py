"""One preview/apply of a progress or Aksi HAM spreadsheet, for the bot and for the CLI.

``handlers/files.py`` (a file sent to the bot, previewed, then "Kirim") and ``pantau-ham import progress|aksi``
both call :func:`run`: read the bytes (bounded, ``bot.spreadsheets``), tell a progress sheet from an Aksi HAM
one, validate every row against the database as it is now (with the sender's rights, ``bot.access``), and
with ``apply`` save all or nothing in one transaction. It is plain synchronous work on its own session:
the bot runs it in a worker thread (``asyncio.to_thread``) so that a 10,000-row file never holds up the
other chats.

Raises :class:`bot.spreadsheets.SpreadsheetError` (the file as a whole) or
:class:`bot.progress_import.ImportRejected` (rows, with numbers and reasons); nothing is changed then.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot import aksi_import, progress_import
from bot.aksi_import import AksiRow, ListChange
from bot.progress_import import Plan
from bot.spreadsheets import read_table, sheet_names

if TYPE_CHECKING:
    from bot.people import Grants
    from bot.runtime import Runtime

Kind = Literal["progress", "aksi"]


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
        return self.rows - (len(self.aksi_changed) if self.kind == "aksi" else self.changed)


def kind_of(content: bytes, name: str) -> Kind:
    """"aksi" for an Aksi HAM sheet (XLSX sheet ``Aksi HAM``, CSV with a ``periode`` column), else "progress"."""
    if name.lower().endswith(".csv"):
        return "aksi" if aksi_import.looks_like_aksi(read_table(content, name, ())) else "progress"
    names = {s.strip().lower() for s in sheet_names(content, name)}
    if not names & {s.lower() for s in progress_import.SHEETS} and names & {s.lower() for s in aksi_import.SHEETS}:
        return "aksi"
    return "progress"


def run(rt: Runtime, content: bytes, name: str, *, kind: Kind | None = None, grants: Grants | None = None,
        actor: int | None = None, apply: bool = False) -> Outcome:
    """Validate ``content`` (and with ``apply`` save it, in one transaction). ``grants``: the sender's rights
    (None: the operator at the CLI, who may import anything); ``kind``: None to tell from the file."""
    kind = kind or kind_of(content, name)
    if kind == "progress":
        table = read_table(content, name, progress_import.SHEETS)
        rights = progress_import.rights_of(grants) if grants is not None else None
        with rt.session() as session:  # (a new year's cycle is created in a short transaction of its own)
            cycle = rt.cycle(session)
        with rt.session() as session:
            plan = progress_import.plan(session, cycle, table, rights)
            if apply:
                progress_import.apply(session, rt.clock, cycle, plan, actor, name)
        return Outcome(kind, plan.rows, len(plan.changes), apply, plan=plan)
    table = read_table(content, name, aksi_import.SHEETS)
    default = rt.settings.aksi_actions
    with rt.session() as session:
        planned = aksi_import.plan(session, table, grants, rt.clock.now(), default)
        changed = planned.changed
        if apply:
            aksi_import.apply(session, rt.clock, planned, actor, name, default)
    return Outcome(kind, len(planned.rows), len(changed) + len(planned.lists), apply, aksi_rows=tuple(planned.rows),
                   aksi_changed=tuple(changed), aksi_lists=tuple(planned.lists))

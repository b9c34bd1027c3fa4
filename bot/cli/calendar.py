"""``pantau-ham calendar ...``: the calendar from the command line, same services as the bot.

The parser is here; the verbs are in ``bot/cli/calendar_verbs.py``, imported when a calendar command runs,
so that ``pantau-ham --help`` does not load the database models and the services.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.i18n import Translator

if TYPE_CHECKING:
    from bot.domain.runtime import Runtime


def add_parser(sub: argparse._SubParsersAction, t: Translator) -> None:
    cal = sub.add_parser("calendar", help=t.gettext("jadwal: tambah, ubah, batal, templat tahunan, ekspor .ics"))
    verbs = cal.add_subparsers(dest="verb", required=True)
    add = verbs.add_parser(
        "add", help=t.gettext("tambah acara: “rakor Kalsel Senin depan 09.00 Judul | ingatkan H-3, H-1”"))
    add.add_argument("line")
    lst = verbs.add_parser("list", help=t.gettext("acara mendatang"))
    lst.add_argument("--wilayah")
    change = verbs.add_parser(
        "change", help=t.gettext("ubah: ID tanggal TANGGAL [HH.MM] | judul/lokasi/catatan/ingatkan NILAI"))
    change.add_argument("id", type=int)
    change.add_argument("field", choices=["tanggal", "judul", "lokasi", "catatan", "ingatkan"])
    change.add_argument("value", nargs="*")
    confirm = verbs.add_parser("confirm", help=t.gettext("konfirmasi draf (opsional tanggal baru)"))
    confirm.add_argument("id", type=int)
    confirm.add_argument("when", nargs="*")
    cancel = verbs.add_parser("cancel", help=t.gettext("batalkan acara"))
    cancel.add_argument("id", type=int)
    template = verbs.add_parser("template", help=t.gettext("buat draf siklus tahunan (tanggal perlu dikonfirmasi)"))
    template.add_argument("year", type=int)
    export = verbs.add_parser("export", help=t.gettext("ekspor acara mendatang ke berkas .ics"))
    export.add_argument("file", type=Path)
    export.add_argument("--wilayah")


def run(rt: Runtime, t: Translator, args: argparse.Namespace) -> int:
    from bot.cli.calendar_verbs import run as run_verb

    return run_verb(rt, t, args)

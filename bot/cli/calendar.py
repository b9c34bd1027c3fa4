"""``pantau-ham calendar ...``: the calendar from the command line, same services as the bot.

The parser is here; the verbs are in ``bot/cli/calendar_verbs.py``, imported when a calendar command runs,
so that ``pantau-ham --help`` does not load the database models and the services.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.text import number_type
from bot.core.i18n import N_, Translator

if TYPE_CHECKING:
    from bot.domain.runtime import Runtime


def add_parser(sub: argparse._SubParsersAction, t: Translator) -> None:
    cal = sub.add_parser("calendar", help=t.gettext("jadwal: tambah, ubah, batal, templat tahunan, ekspor .ics"))
    verbs = cal.add_subparsers(dest="verb", required=True, metavar=t.gettext("PERINTAH"),
                               help=t.gettext("salah satu perintah berikut; rinciannya: pantau-ham calendar "
                                              "PERINTAH --help"))
    number = number_type(t, N_("“{value}” bukan nomor acara; tulis angkanya, mis. 12 (lihat pantau-ham calendar "
                               "list)."))
    event_id = {"type": number, "metavar": t.gettext("NOMOR"),
                "help": t.gettext("nomor acara, seperti di pantau-ham calendar list (mis. 12)")}
    region = {"metavar": t.gettext("WILAYAH"), "help": t.gettext("kab/kota atau provinsi, mis. Tapin atau Kalsel")}
    add = verbs.add_parser(
        "add", help=t.gettext("tambah acara: “rakor Kalsel Senin depan 09.00 Judul | ingatkan H-3, H-1”"))
    add.add_argument("line", metavar=t.gettext("ACARA"),
                     help=t.gettext("acara dalam satu baris, di antara tanda kutip: jenis, wilayah, tanggal, jam, "
                                    "judul, lalu | ingatkan …"))
    lst = verbs.add_parser("list", help=t.gettext("acara mendatang"))
    lst.add_argument("--wilayah", **region)
    change = verbs.add_parser(
        "change", help=t.gettext("ubah: ID tanggal TANGGAL [HH.MM] | judul/lokasi/catatan/ingatkan NILAI"))
    change.add_argument("id", **event_id)
    change.add_argument("field", choices=["tanggal", "judul", "lokasi", "catatan", "ingatkan"],
                        metavar=t.gettext("BAGIAN"),
                        help=t.gettext("yang diubah: tanggal, judul, lokasi, catatan atau ingatkan"))
    change.add_argument("value", nargs="*", metavar=t.gettext("NILAI"), help=t.gettext("nilai barunya"))
    confirm = verbs.add_parser("confirm", help=t.gettext("konfirmasi draf (opsional tanggal baru)"))
    confirm.add_argument("id", **event_id)
    confirm.add_argument("when", nargs="*", metavar=t.gettext("TANGGAL"),
                         help=t.gettext("opsional: tanggal baru, dengan jam bila perlu"))
    cancel = verbs.add_parser("cancel", help=t.gettext("batalkan acara"))
    cancel.add_argument("id", **event_id)
    template = verbs.add_parser("template", help=t.gettext("buat draf siklus tahunan (tanggal perlu dikonfirmasi)"))
    template.add_argument("year", type=number_type(t, N_("“{value}” bukan tahun; tulis angkanya, mis. 2027.")),
                          metavar=t.gettext("TAHUN"),
                          help=t.gettext("tahun yang dijadwalkan, mis. 2027"))
    export = verbs.add_parser("export", help=t.gettext("ekspor acara mendatang ke berkas .ics"))
    export.add_argument("file", type=Path, metavar=t.gettext("BERKAS"),
                        help=t.gettext("berkas iCalendar (.ics) yang ditulis"))
    export.add_argument("--wilayah", **region)

def run(rt: Runtime, t: Translator, args: argparse.Namespace) -> int:
    from bot.cli.calendar_verbs import run as run_verb

    return run_verb(rt, t, args)

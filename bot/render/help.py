"""``/start``, ``/bantuan`` and the command menu."""

from __future__ import annotations

from bot.i18n import N_, Translator
from bot.render import Reply

# (command, description) for setMyCommands, in menu order
COMMANDS = (
    ("status", N_("Progres KKP HAM kab/kota atau provinsi")),
    ("belum", N_("Indikator yang belum lengkap")),
    ("checklist", N_("Buka checklist indikator")),
    ("tandai", N_("Ubah status indikator (admin)")),
    ("bantuan", N_("Cara memakai bot")),
)


def command_menu(t: Translator) -> list[tuple[str, str]]:
    return [(name, t.gettext(desc)) for name, desc in COMMANDS]


def help_text(t: Translator, first_name: str | None = None) -> Reply:
    lines = []
    if first_name:
        lines.append(t.fmt("Halo, {name}!", name=first_name))
    lines += [
        t.gettext("<b>Pantau HAM</b> membantu Bidang HAM Kanwil dan kab/kota memantau KKP HAM dan Aksi HAM."),
        "",
        t.gettext("/status <i>wilayah</i>: progres kab/kota (mis. /status Tapin) atau provinsi (/status Kalsel)"),
        t.gettext("/belum <i>wilayah</i> [<i>nomor kriteria</i>]: indikator yang belum lengkap"),
        t.gettext("/checklist <i>wilayah</i>: telusuri kriteria dan indikator"),
        t.gettext("/tandai <i>wilayah</i> <i>kode</i> <i>status</i> [<i>tautan/catatan</i>]: ubah status (admin)"),
        t.gettext("Status: belum, proses, lengkap, terverifikasi, ditolak."),
        "",
        t.gettext("Nama wilayah boleh disingkat (HSS, Kukar, PALI) atau memakai ibu kota (Rantau)."),
    ]
    return Reply("\n".join(lines))

"""``/start``, ``/bantuan`` and the command menu."""

from __future__ import annotations

from bot.core.i18n import N_, Translator
from bot.render import Reply

# (command, description) for setMyCommands, in menu order
COMMANDS = (
    ("status", N_("Progres KKP HAM kab/kota atau provinsi")),
    ("belum", N_("Indikator yang belum lengkap")),
    ("checklist", N_("Buka daftar indikator")),
    ("tandai", N_("Ubah status indikator (staf, PIC)")),
    ("jadwal", N_("Jadwal rakor dan tenggat")),
    ("kalender", N_("Jadwal sebagai berkas kalender (.ics)")),
    ("aksi", N_("Aksi HAM per aksi: B04/B08/B12, nilai capaian")),
    ("riwayat", N_("Riwayat perubahan")),
    ("ekspor", N_("Laporan kab/kota atau provinsi (berkas Excel)")),
    ("templat", N_("Format isian progres, berkas Excel (staf, PIC)")),
    ("jadwal_tambah", N_("Tambah acara (staf)")),
    ("verifikasi", N_("Periksa data dukung yang diajukan kab/kota (staf)")),
    ("umumkan", N_("Umumkan hasil ke grup (staf)")),
    ("langganan", N_("Hubungkan chat ini dengan wilayah (staf)")),
    ("undang", N_("Undang staf, PIC atau pemantau (staf)")),
    ("anggota", N_("Siapa terhubung ke wilayah mana (staf)")),
    ("saya", N_("ID Telegram, peran dan wilayah Anda")),
    ("bahasa", N_("Pilih bahasa: id atau en")),
    ("keluar", N_("Berhenti memakai bot")),
    ("bantuan", N_("Cara memakai bot")),
)


DESCRIPTIONS = dict(COMMANDS) | {
    "berhenti": N_("Hentikan pengingat di chat ini (staf)"),
    "riwayat": N_("Riwayat perubahan"),
}

# Which commands each menu shows. Telegram shows the narrowest scope that exists: a person's own chat,
# then group administrators, then all groups, then the default.
READ = ("status", "belum", "checklist", "jadwal", "kalender", "aksi", "bantuan")
DEFAULT = READ[:-1] + ("saya", "bantuan")  # private chats without a menu of their own
PIC = READ[:3] + ("tandai", "riwayat", "ekspor", "templat") + READ[3:6] + ("keluar", "bantuan")
STAFF = PIC[:-2] + ("verifikasi", "jadwal_tambah", "umumkan", "langganan", "undang", "anggota", "keluar",
                    "bantuan")
GROUP_ADMIN = READ[:-1] + ("langganan", "berhenti", "bantuan")


def command_menu(t: Translator, names: tuple[str, ...] = READ) -> list[tuple[str, str]]:
    return [(name, t.gettext(DESCRIPTIONS[name])) for name in names]


def menu_for(admin: bool, staf: bool, pic: bool, has_role: bool) -> tuple[str, ...]:
    """The commands a person's private menu shows, by their roles."""
    names: tuple[str, ...]
    if admin or staf:
        names = STAFF
    elif pic:
        names = PIC
    else:
        names = READ + ("keluar",) if has_role else READ
    return names[:-1] + ("saya", "bahasa") + names[-1:]  # about oneself, one's language: private menus


INTRO = N_("<b>Pantau HAM</b> membantu Bidang HAM Kantor Wilayah Kementerian Hak Asasi Manusia (Kanwil) dan "
           "pemerintah kabupaten/kota memantau Kabupaten/Kota Peduli HAM (KKP HAM) dan Aksi HAM dalam Rencana "
           "Aksi Nasional HAM (RANHAM).")
INVITATION = N_("Bot ini dipakai oleh staf Bidang HAM Kanwil dan PIC (narahubung) kab/kota yang diundang. Anda "
                "belum terdaftar: mintalah tautan undangan kepada Bidang HAM Kanwil di provinsi Anda, lalu buka "
                "tautan itu di Telegram.")


def stranger_welcome(t: Translator, first_name: str | None = None) -> Reply:
    """``/start`` of a person without a role: what the bot is, and that they need an invitation."""
    lines = [t.fmt("Halo, {name}!", name=first_name)] if first_name else []
    lines += [
        t.gettext(INTRO),
        "",
        t.gettext(INVITATION),
        "",
        t.gettext("/saya: ID Telegram Anda (untuk admin yang mendaftarkan Anda)"),
        t.gettext("/bantuan: daftar perintah"),
    ]
    return Reply("\n".join(lines))


def help_text(t: Translator, first_name: str | None = None, has_role: bool = True, kanwil: bool = False,
              pic: bool = False) -> Reply:
    """What the reader may do: reading for everyone; changing indicators, files, spreadsheets and the history for
    a PIC (``pic``) and the Kanwil (``kanwil``: staf and admins), who also get their own commands.
    ``has_role=False``: the person is told first that they need an invitation."""
    lines = []
    if first_name:
        lines.append(t.fmt("Halo, {name}!", name=first_name))
    lines += [t.gettext(INTRO), ""]
    if not has_role:
        lines += [t.gettext(INVITATION), ""]
    lines += [
        t.gettext("/status [<i>wilayah</i>]: progres kab/kota (mis. /status Tapin) atau provinsi (/status Kalsel)"),
        t.gettext("/belum [<i>wilayah</i>] [<i>nomor kriteria</i>]: indikator yang belum lengkap"),
        t.gettext("/checklist [<i>wilayah</i>]: telusuri kriteria dan indikator"),
    ]
    if pic or kanwil:
        lines.append(t.gettext("/tandai <i>wilayah</i> <i>kode</i> <i>status</i> [<i>tautan/catatan</i>]: ubah "
                               "status indikator"))
        lines.append(t.gettext("Status: belum, proses, lengkap, terverifikasi, perlu perbaikan (dengan alasan).")
                     if kanwil else
                     t.gettext("Status: belum, proses, lengkap (terverifikasi dan perlu perbaikan ditetapkan oleh "
                               "Kanwil)."))
    lines += ["", t.gettext("/jadwal [<i>wilayah</i>]: rakor dan tenggat mendatang; /kalender: berkas .ics"),
              t.gettext("/aksi [<i>wilayah</i>]: Aksi HAM per aksi dan periode")]
    if kanwil:
        lines.append(t.gettext("/aksi <i>wilayah</i> <i>periode</i> <i>aksi</i> lengkap|tidak lengkap [<i>nilai</i>] "
                               "[<i>catatan</i>]: periksa laporan satu aksi"))
    elif pic:
        lines.append(t.gettext("/aksi <i>wilayah</i> <i>periode</i> <i>aksi</i> lengkap [<i>catatan</i>]: catat "
                               "laporan satu aksi yang sudah diajukan"))
    if pic or kanwil:
        lines += [
            t.gettext("/riwayat [<i>wilayah</i>]: perubahan terakhir"),
            t.gettext("/ekspor [<i>wilayah atau provinsi</i>]: laporan dalam berkas Excel (.xlsx); /templat "
                      "[<i>wilayah</i>]: format isian (.xlsx) untuk diisi lalu dikirim kembali ke bot (impor dengan "
                      "pratinjau)"),
            t.gettext("Data dukung: kirim dokumen atau foto dengan keterangan kode indikator (mis. 3.02)."),
        ]
    if kanwil:
        lines += [
            t.gettext("/verifikasi [<i>wilayah atau provinsi</i>]: periksa data dukung yang diajukan kab/kota, satu "
                      "kartu per indikator: terverifikasi, perlu perbaikan (dengan alasan) atau lewati"),
            t.gettext("/jadwal_tambah, /jadwal_ubah, /jadwal_batal, /langganan <i>wilayah</i>, /berhenti, "
                      "/umumkan, /undang <i>peran</i> <i>wilayah</i>, /anggota, /cabut"),
            t.gettext("/status nasional: setiap provinsi, berapa kab/kota yang perkiraan predikatnya peduli"),
        ]
    lines += [
        "",
        t.gettext("Tanpa nama wilayah, perintah berlaku untuk kab/kota atau provinsi Anda sendiri."),
        t.gettext("Nama wilayah boleh disingkat (HSS, Jaksel, Sergai), memakai ibu kota (Rantau, Timika) atau "
                  "nama lama (Toba Samosir). Bila ada nama yang sama di provinsi lain, sebutkan provinsinya, "
                  "misalnya: Martapura, Kalsel."),
        t.gettext("/saya: ID Telegram, peran dan wilayah Anda; /bahasa id|en: bahasa jawaban bot untuk Anda"),
    ]
    return Reply("\n".join(lines))

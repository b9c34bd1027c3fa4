"""``/saya``: a person's id (to copy into ``PANTAU_ADMIN_IDS``), name, roles and regions."""

from __future__ import annotations

from bot.core.i18n import Translator
from bot.core.models import Role
from bot.domain.profile import Profile
from bot.render import Reply
from bot.render.people import place, role_label


def profile(t: Translator, p: Profile) -> Reply:
    handle = f" @{p.username}" if p.username else ""
    lines = [
        t.gettext("<b>Tentang Anda</b>"),
        t.fmt("ID Telegram: <code>{id}</code>", id=str(p.user_id)),
        t.fmt("Nama: {name}", name=f"{p.first_name}{handle}".strip() or "—"),
    ]
    if p.has_role:
        lines.append(t.gettext("Peran:"))
        if p.configured_admin:
            lines.append(t.gettext("• admin (dari pengaturan PANTAU_ADMIN_IDS)"))
        for role, code in p.roles:
            if role == Role.ADMIN.value:
                if not p.configured_admin:
                    lines.append(t.gettext("• admin"))
                continue
            lines.append(t.fmt("• {role} untuk {place}", role=role_label(t, role), place=place(code)))
    else:
        lines.append(t.gettext("Peran: belum ada."))
    if p.reminders:
        lines.append(t.fmt("Pengingat di chat ini: {places}", places=", ".join(place(c) for c in p.reminders)))
    lines.append(t.gettext("Bahasa: Inggris (dipilih dengan /bahasa en)") if p.language == "en"
                 else t.gettext("Bahasa: Indonesia"))
    if not p.has_role:
        lines.append("")
        if p.anyone_admin:
            lines.append(t.gettext("Untuk memakai bot ini, mintalah tautan undangan kepada Bidang HAM Kanwil di "
                                   "provinsi Anda, lalu buka tautan itu di Telegram."))
        else:
            lines.append(t.gettext("Belum ada admin. Operator bot menjadikan Anda admin pertama dengan menulis ID "
                                   "di atas pada pengaturan <code>PANTAU_ADMIN_IDS</code> (misalnya di berkas "
                                   "<code>.env</code>), lalu menjalankan ulang bot."))
    return Reply("\n".join(lines))


def private_only(t: Translator) -> Reply:
    return Reply(t.gettext("Kirim /saya di chat pribadi dengan bot: ID dan peran Anda tidak ditampilkan di grup."))

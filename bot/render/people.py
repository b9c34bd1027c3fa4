"""Invitations, members, greetings (the history is ``bot.render.history``)."""

from __future__ import annotations

from babel.dates import get_day_names

from bot.core.i18n import N_, Translator
from bot.core.models import Invite, Person, Role, RoleBinding
from bot.reference import provinces, regions
from bot.render import Reply

ROLE_LABELS = {
    Role.ADMIN: N_("admin"),
    Role.STAF: N_("staf Bidang HAM"),
    Role.PIC: N_("PIC (narahubung kab/kota)"),
    Role.PEMANTAU: N_("pemantau"),
}

def role_label(t: Translator, role: str) -> str:
    return t.gettext(ROLE_LABELS[Role(role)])


def place(code: str) -> str:
    if code in provinces():
        return f"Provinsi {provinces()[code].name}"
    if code in regions():
        return regions()[code].official_name
    return "—"


def invite_link(t: Translator, invite: Invite, link: str, tz: str) -> Reply:
    """``link``: the bot's deep link carrying the invitation's token (built by the handler)."""
    return Reply("\n".join([
        t.fmt("Undangan {role} untuk {place}:", role=role_label(t, invite.role), place=place(invite.target_code)),
        t.escape(link),
        t.fmt("Sekali pakai, berlaku sampai {when}.", when=t.datetime(invite.expires_at, tz)),
    ]))


def welcome(t: Translator, binding: RoleBinding, reminder_hour: str = "08:00", digest_weekday: int = 0) -> Reply:
    """``reminder_hour`` and ``digest_weekday`` are the settings the text speaks of."""
    role = Role(binding.role)
    lines = [t.fmt("Selamat datang! Anda kini {role} untuk {place}.", role=role_label(t, role),
                   place=place(binding.target_code))]
    if role is Role.PIC:
        lines.append(t.fmt("Anda akan menerima pengingat rakor dan tenggat di chat ini, pada pukul {hour} "
                           "waktu setempat. Perbarui status indikator dengan /checklist dan /tandai.",
                           hour=reminder_hour.replace(":", ".") if t.locale == "id" else reminder_hour))
    elif role is Role.STAF:
        lines.append(t.fmt("Anda dapat mengelola jadwal, grup, pengumuman dan anggota provinsi ini, "
                           "dan menerima ringkasan mingguan setiap {weekday}.",
                           weekday=get_day_names("wide", locale=t.locale)[digest_weekday % 7]))
    else:
        lines.append(t.gettext("Anda dapat melihat progres dengan /status dan jadwal dengan /jadwal."))
    lines.append(t.gettext("Ketik /bantuan untuk daftar perintah; /keluar untuk berhenti."))
    return Reply("\n".join(lines))


def person_name(person: Person | None, user_id: int) -> str:
    if person is None:
        return f"#{user_id}"
    handle = f" @{person.username}" if person.username else ""
    return f"{person.first_name}{handle} (#{user_id})"


def members(t: Translator, heading: str, bindings: list[RoleBinding], people: dict[int, Person]) -> Reply:
    if not bindings:
        return Reply(t.fmt("<b>Anggota {heading}</b>", heading=heading) + "\n" + t.gettext("Belum ada anggota."))
    lines = [t.fmt("<b>Anggota {heading}</b>", heading=heading)]
    for b in bindings:
        lines.append(t.fmt("• {name}: {role}, {place}", name=person_name(people.get(b.user_id), b.user_id),
                           role=role_label(t, b.role), place=place(b.target_code) if b.target_code else "—"))
    return Reply("\n".join(lines))

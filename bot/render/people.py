"""Invitations, members, greetings, history."""

from __future__ import annotations

from bot import callbacks as cb
from bot.audit import Page, decoded
from bot.i18n import N_, Translator
from bot.models import Invite, Person, Role, RoleBinding
from bot.reference import provinces, regions
from bot.render import Button, Reply

ROLE_LABELS = {
    Role.ADMIN: N_("admin"),
    Role.STAF: N_("staf Bidang HAM"),
    Role.PIC: N_("PIC (focal point)"),
    Role.PEMANTAU: N_("pemantau"),
}

ACTION_LABELS = {
    "checklist.state": N_("status indikator"),
    "event.create": N_("acara dibuat"),
    "event.move": N_("acara dipindah"),
    "event.edit": N_("acara diubah"),
    "event.confirm": N_("acara dikonfirmasi"),
    "event.cancel": N_("acara dibatalkan"),
    "binding.add": N_("peran diberikan"),
    "binding.remove": N_("peran dicabut"),
    "invite.create": N_("undangan dibuat"),
    "subscription.add": N_("chat berlangganan"),
    "subscription.remove": N_("langganan dihentikan"),
    "broadcast.confirm": N_("pengumuman dikirim"),
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


def welcome(t: Translator, binding: RoleBinding) -> Reply:
    role = Role(binding.role)
    lines = [t.fmt("Selamat datang! Anda kini {role} untuk {place}.", role=role_label(t, role),
                   place=place(binding.target_code))]
    if role is Role.PIC:
        lines.append(t.gettext("Anda akan menerima pengingat rakor dan tenggat di chat ini, pada pukul 08.00 "
                               "waktu setempat. Perbarui checklist dengan /checklist dan /tandai."))
    elif role is Role.STAF:
        lines.append(t.gettext("Anda dapat mengelola jadwal, grup, pengumuman dan anggota provinsi ini, "
                               "dan menerima ringkasan mingguan setiap Senin."))
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


def history(t: Translator, code: str, page: Page, people: dict[int, Person], tz: str) -> Reply:
    lines = [t.fmt("<b>Riwayat {place}</b>", place=place(code))]
    if page.pages > 1:
        lines.append(t.fmt("Halaman {page} dari {pages}", page=page.page + 1, pages=page.pages))
    if not page.entries:
        lines.append(t.gettext("Belum ada perubahan."))
    for e in page.entries:
        label = t.gettext(ACTION_LABELS.get(e.action, e.action))
        who = person_name(people.get(e.actor_id), e.actor_id) if e.actor_id is not None else t.gettext("sistem")
        lines.append(t.fmt("• {when} · {who} · {action} <code>{subject}</code>", when=t.datetime(e.at, tz),
                           who=who, action=label, subject=e.subject))
        change = _change(decoded(e.before), decoded(e.after))
        if change:
            lines.append(t.fmt("   {change}", change=change))
    nav = []
    if page.page > 0:
        nav.append(Button(t.gettext("‹ Sebelumnya"), cb.build(cb.RIWAYAT, code, page.page - 1, cb.IN_PLACE)))
    if page.page < page.pages - 1:
        nav.append(Button(t.gettext("Berikutnya ›"), cb.build(cb.RIWAYAT, code, page.page + 1, cb.IN_PLACE)))
    return Reply("\n".join(lines), (tuple(nav),) if nav else ())


def _change(before: object, after: object) -> str:
    if isinstance(before, dict) and isinstance(after, dict):
        parts = [f"{k}: {before.get(k)} → {after.get(k)}" for k in after if before.get(k) != after.get(k)]
        return "; ".join(parts)
    if isinstance(after, dict):
        return ", ".join(f"{k}: {v}" for k, v in after.items() if v not in (None, ""))
    if isinstance(before, dict):
        return ", ".join(f"{k}: {v}" for k, v in before.items() if v not in (None, ""))
    return ""

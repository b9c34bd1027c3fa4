"""Invitations, members, greetings, history."""

from __future__ import annotations

from datetime import date

from babel.dates import get_day_names

from bot import callbacks as cb
from bot.audit import Page, decoded
from bot.i18n import N_, Markup, Translator
from bot.models import IndicatorState, Invite, Person, Role, RoleBinding
from bot.reference import provinces, regions
from bot.render import Button, Reply
from bot.render.common import state_label

ROLE_LABELS = {
    Role.ADMIN: N_("admin"),
    Role.STAF: N_("staf Bidang HAM"),
    Role.PIC: N_("PIC (narahubung kab/kota)"),
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
    "aksi.record": N_("laporan Aksi HAM dicatat"),
    "checklist.import": N_("impor progres"),
    "aksi.import": N_("impor Aksi HAM"),
    "evidence.attach": N_("berkas data dukung"),
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
                           "waktu setempat. Perbarui checklist dengan /checklist dan /tandai.",
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


def history(t: Translator, code: str, page: Page, people: dict[int, Person], tz: str,
            indicators: dict[str, str] | None = None) -> Reply:
    """Sentences: who did what, when (in the region's zone), to which region and indicator."""
    lines = [t.fmt("<b>Riwayat {place}</b>", place=place(code))]
    if page.pages > 1:
        lines.append(t.fmt("Halaman {page} dari {pages}", page=page.page + 1, pages=page.pages))
    if not page.entries:
        lines.append(t.gettext("Belum ada perubahan."))
    for e in page.entries:
        who = person_name(people.get(e.actor_id), e.actor_id) if e.actor_id is not None else t.gettext("Sistem")
        lines.append(t.fmt("• {when}: {who} {what}", when=t.datetime(e.at, tz), who=who,
                           what=Markup(sentence(t, e.action, e.subject, decoded(e.before), decoded(e.after),
                                                indicators or {}, tz))))
    nav = []
    if page.page > 0:
        nav.append(Button(t.gettext("‹ Sebelumnya"), cb.build(cb.RIWAYAT, code, page.page - 1, cb.IN_PLACE)))
    if page.page < page.pages - 1:
        nav.append(Button(t.gettext("Berikutnya ›"), cb.build(cb.RIWAYAT, code, page.page + 1, cb.IN_PLACE)))
    return Reply("\n".join(lines), (tuple(nav),) if nav else ())


def _state(t: Translator, value: str | None) -> str:
    try:
        return state_label(t, IndicatorState(value or "belum"))
    except ValueError:
        return value or ""


def _checklist_change(t: Translator, before: dict, after: dict) -> str:
    """``ditolak → lengkap, tautan data dukung ditambahkan``."""
    parts = []
    if before.get("state") != after.get("state"):
        parts.append(t.fmt("{before} → {after}", before=_state(t, before.get("state")),
                           after=_state(t, after.get("state"))))
    for key, added, changed in (("link", N_("tautan data dukung ditambahkan"), N_("tautan data dukung diganti")),
                                ("note", N_("catatan ditambahkan"), N_("catatan diganti"))):
        if after.get(key) and after.get(key) != before.get(key):
            parts.append(t.gettext(changed if before.get(key) else added))
    return ", ".join(parts)


def sentence(t: Translator, action: str, subject: str, before: object, after: object,
             indicators: dict[str, str], tz: str) -> str:
    """One entry of the trail as a sentence (HTML; every value escaped)."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    if action == "checklist.state":
        region_code, _, code = subject.partition("/")
        name = indicators.get(code)
        indicator = t.fmt("{code} ({name})", code=code, name=_short(name)) if name else t.escape(code)
        return t.fmt("mengubah indikator {indicator} di {place}: {change}.", indicator=Markup(indicator),
                     place=place(region_code), change=_checklist_change(t, before, after))
    if action.startswith("event."):
        title = after.get("title") or before.get("title") or subject
        verbs = {"event.create": N_("membuat acara “{title}”, {day}."),
                 "event.move": N_("memindahkan acara “{title}” ke {day}."),
                 "event.edit": N_("mengubah acara “{title}”."),
                 "event.confirm": N_("mengonfirmasi acara “{title}”, {day}."),
                 "event.cancel": N_("membatalkan acara “{title}”.")}
        day = after.get("start") or ""
        try:
            day = t.date(date.fromisoformat(str(day)[:10])) if day else ""
        except ValueError:
            pass
        return t.fmt(verbs.get(action, N_("mengubah acara “{title}”.")), title=title, day=day)
    if action == "binding.add":
        return t.fmt("menerima peran {role} untuk {place}.", role=_role(t, after.get("role")),
                     place=place(after.get("target") or ""))
    if action == "binding.remove":
        return t.fmt("mencabut peran {role} untuk {place}.", role=_role(t, before.get("role")),
                     place=place(before.get("target") or ""))
    if action == "invite.create":
        return t.fmt("membuat undangan {role} untuk {place}.", role=_role(t, after.get("role")),
                     place=place(after.get("target") or ""))
    if action == "subscription.add":
        return t.fmt("mendaftarkan sebuah chat untuk menerima pengingat {place}.",
                     place=place(after.get("target") or ""))
    if action == "subscription.remove":
        return t.gettext("menghentikan langganan sebuah chat.")
    if action == "broadcast.confirm":
        return t.nfmt("mengirim pengumuman hasil ke {n} grup.", "mengirim pengumuman hasil ke {n} grup.",
                      int(after.get("groups") or 0))
    if action == "aksi.record":
        score = after.get("score")
        if score is None:
            return t.fmt("mencatat laporan Aksi HAM {period} {year} untuk {place}.", period=after.get("period", ""),
                         year=str(after.get("year", "")), place=place(subject.partition("/")[0]))
        return t.fmt("mencatat laporan Aksi HAM {period} {year} untuk {place}, capaian {score}.",
                     period=after.get("period", ""), year=str(after.get("year", "")),
                     place=place(subject.partition("/")[0]), score=float(score))
    return t.fmt("{action}.", action=t.gettext(ACTION_LABELS.get(action, action)))


def _role(t: Translator, role: str | None) -> str:
    try:
        return role_label(t, role)
    except ValueError:
        return role or ""


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

"""``/riwayat``: each entry of the trail as one plain sentence: who did what to which indicator or event.

One function per action the code records (``bot.domain.audit.record``); ``SENTENCES`` lists them, and
``tests/test_history.py`` checks that every action written anywhere in the code has one. Every value is
escaped; times are shown in the region's zone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.core.i18n import N_, Markup, Translator
from bot.core.models import AuditEntry, IndicatorState
from bot.domain.audit import HistoryView, decoded
from bot.domain.labels import state_label
from bot.reference import provinces, regions
from bot.render import Button, Reply
from bot.render import callbacks as cb
from bot.render.people import person_name, place, role_label

LISTED = 10  # changes of an import named in its sentence; the rest are counted


@dataclass(frozen=True)
class _Ctx:
    t: Translator
    view: HistoryView
    code: str  # the kab/kota or province whose history this is
    tz: str


def history(t: Translator, code: str, view: HistoryView, tz: str) -> Reply:
    """Sentences: who did what, when (in the region's zone), to which region and indicator."""
    page = view.page
    ctx = _Ctx(t, view, code, tz)
    lines = [t.fmt("<b>Riwayat {place}</b>", place=place(code))]
    if page.pages > 1:
        lines.append(t.fmt("Halaman {page} dari {pages}", page=page.page + 1, pages=page.pages))
    if not page.entries:
        lines.append(t.gettext("Belum ada perubahan."))
    for e in page.entries:
        lines.append(t.fmt("• {when}: {who} {what}", when=t.datetime(e.at, tz), who=_actor(ctx, e.actor_id),
                           what=Markup(sentence(ctx, e))))
    nav = []
    if page.page > 0:
        nav.append(Button(t.gettext("‹ Sebelumnya"), cb.build(cb.RIWAYAT, code, page.page - 1, cb.IN_PLACE)))
    if page.page < page.pages - 1:
        nav.append(Button(t.gettext("Berikutnya ›"), cb.build(cb.RIWAYAT, code, page.page + 1, cb.IN_PLACE)))
    return Reply("\n".join(lines), (tuple(nav),) if nav else ())


def sentence(ctx: _Ctx, e: AuditEntry) -> str:
    """One entry as the rest of a sentence after its actor (HTML, every value escaped, ending with a full stop)."""
    before, after = decoded(e.before), decoded(e.after)
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    render = SENTENCES.get(e.action) or (_event if e.action.startswith("event.") else None)
    if render is None:
        return ctx.t.gettext("membuat perubahan lain.")
    return render(ctx, e, before, after)


# -- names -----------------------------------------------------------------------------------------------
def _actor(ctx: _Ctx, user_id: int | None) -> str:
    return ctx.t.gettext("Sistem") if user_id is None else _person(ctx, user_id)


def _person(ctx: _Ctx, user_id: int) -> str:
    return person_name(ctx.view.people.get(user_id), user_id)


def _chat(ctx: _Ctx, chat_id: int | None) -> Markup:
    t = ctx.t
    if chat_id is None:
        return Markup(t.gettext("sebuah chat"))
    if chat_id > 0:
        return Markup(t.fmt("chat pribadi {name}", name=_person(ctx, chat_id)))
    title = ctx.view.chats.get(chat_id)
    return Markup(t.fmt("grup “{title}”", title=title) if title else t.gettext("sebuah grup"))


def _int(value: object) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _chat_of(e: AuditEntry, before: dict[str, Any], after: dict[str, Any]) -> int | None:
    return _int(after.get("chat")) or _int(before.get("chat")) or _int(e.subject.removeprefix("chat:"))


def _indicator(ctx: _Ctx, code: str) -> Markup:
    name = ctx.view.indicators.get(code)
    return Markup(ctx.t.fmt("{code} ({name})", code=code, name=_short(name)) if name else ctx.t.escape(code))


def _state(t: Translator, value: str | None) -> str:
    try:
        return state_label(t, IndicatorState(value or "belum"))
    except ValueError:
        return value or ""


def _role(t: Translator, role: str | None) -> str:
    try:
        return role_label(t, role or "")
    except ValueError:
        return role or ""


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _in_view(ctx: _Ctx, region_code: object) -> bool:
    """Whether a change of ``region_code`` (an import's row) belongs in this history."""
    if ctx.code in provinces():
        return isinstance(region_code, str) and region_code in regions() \
            and regions()[region_code].province_code == ctx.code
    return region_code == ctx.code


def _region_prefix(ctx: _Ctx, region_code: object) -> str:
    """A province's history names each kab/kota; a kab/kota's own history need not."""
    if ctx.code in provinces() and isinstance(region_code, str) and region_code in regions():
        return regions()[region_code].short_name + " "
    return ""


def _listed(ctx: _Ctx, items: list[str]) -> str:
    shown = ", ".join(items[:LISTED])
    if len(items) > LISTED:
        shown += " " + ctx.t.nfmt("dan {n} lainnya", "dan {n} lainnya", len(items) - LISTED)
    return shown


# -- one function per action --------------------------------------------------------------------------------
def _checklist_change(t: Translator, before: dict[str, Any], after: dict[str, Any]) -> str:
    """``perlu perbaikan → lengkap, tautan data dukung ditambahkan``."""
    parts = []
    if before.get("state") != after.get("state"):
        parts.append(t.fmt("{before} → {after}", before=_state(t, before.get("state")),
                           after=_state(t, after.get("state"))))
    for key, added, changed in (("link", N_("tautan data dukung ditambahkan"), N_("tautan data dukung diganti")),
                                ("note", N_("catatan ditambahkan"), N_("catatan diganti"))):
        if after.get(key) and after.get(key) != before.get(key):
            parts.append(t.gettext(changed if before.get(key) else added))
    return ", ".join(parts)


def _checklist_state(ctx: _Ctx, e: AuditEntry, before: dict[str, Any], after: dict[str, Any]) -> str:
    region_code, _, code = e.subject.partition("/")
    change = _checklist_change(ctx.t, before, after)
    if not change:
        return ctx.t.fmt("mengubah indikator {indicator} di {place}.", indicator=_indicator(ctx, code),
                         place=place(region_code))
    return ctx.t.fmt("mengubah indikator {indicator} di {place}: {change}.", indicator=_indicator(ctx, code),
                     place=place(region_code), change=Markup(change))


EVENT_VERBS = {
    "event.create": N_("membuat acara “{title}”, {day}."),
    "event.move": N_("memindahkan acara “{title}” ke {day}."),
    "event.edit": N_("mengubah acara “{title}”."),
    "event.confirm": N_("mengonfirmasi acara “{title}”, {day}."),
    "event.cancel": N_("membatalkan acara “{title}”."),
}


def _event(ctx: _Ctx, e: AuditEntry, before: dict[str, Any], after: dict[str, Any]) -> str:
    title = after.get("title") or before.get("title") or ctx.t.gettext("tanpa judul")
    day = after.get("start") or ""
    try:
        day = ctx.t.date(date.fromisoformat(str(day)[:10])) if day else ""
    except ValueError:
        day = ""
    verb = EVENT_VERBS.get(e.action, N_("mengubah acara “{title}”."))
    if not day and "{day}" in verb:
        verb = N_("mengubah acara “{title}”.")
    return ctx.t.fmt(verb, title=title, day=day)


def _binding_add(ctx: _Ctx, e: AuditEntry, before: dict[str, Any], after: dict[str, Any]) -> str:
    inviter = _int(after.get("invite_by"))
    role, where = _role(ctx.t, after.get("role")), place(after.get("target") or "")
    if inviter is not None and inviter != e.actor_id:
        return ctx.t.fmt("menerima undangan dari {inviter} dan menjadi {role} untuk {place}.",
                         inviter=_person(ctx, inviter), role=role, place=where)
    return ctx.t.fmt("menerima peran {role} untuk {place}.", role=role, place=where)


def _binding_remove(ctx: _Ctx, e: AuditEntry, before: dict[str, Any], after: dict[str, Any]) -> str:
    user = _int(e.subject.removeprefix("user:"))
    role, target = _role(ctx.t, before.get("role")), before.get("target") or ""
    if user is not None and user == e.actor_id:
        if not target:
            return ctx.t.fmt("keluar dari peran {role}.", role=role)
        return ctx.t.fmt("keluar dari peran {role} untuk {place}.", role=role, place=place(target))
    whom = _person(ctx, user) if user is not None else ctx.t.gettext("seseorang")
    if not target:
        return ctx.t.fmt("mencabut peran {role} dari {person}.", role=role, person=whom)
    return ctx.t.fmt("mencabut peran {role} dari {person} untuk {place}.", role=role, person=whom,
                     place=place(target))


def _invite_create(ctx: _Ctx, e: AuditEntry, before: dict[str, Any], after: dict[str, Any]) -> str:
    return ctx.t.fmt("membuat undangan {role} untuk {place}.", role=_role(ctx.t, after.get("role")),
                     place=place(after.get("target") or ""))


def _subscription_add(ctx: _Ctx, e: AuditEntry, before: dict[str, Any], after: dict[str, Any]) -> str:
    t = ctx.t
    if "migrated_from" in after:
        return t.fmt("memindahkan langganan {chat} ke supergrup barunya.",
                     chat=_chat(ctx, _int(after["migrated_from"])))
    chat, where = _chat_of(e, before, after), place(after.get("target") or "")
    if chat is not None and chat < 0:
        return t.fmt("menghubungkan {chat} dengan {place}: grup itu menerima pengingat dan pengumuman.",
                     chat=_chat(ctx, chat), place=where)
    if chat is not None and chat == e.actor_id:
        return t.fmt("mulai menerima pengingat {place} di chat pribadinya.", place=where)
    return t.fmt("mendaftarkan {chat} untuk menerima pengingat {place}.", chat=_chat(ctx, chat), place=where)


def _subscription_remove(ctx: _Ctx, e: AuditEntry, before: dict[str, Any], after: dict[str, Any]) -> str:
    t = ctx.t
    chat = _chat_of(e, before, after)
    if "reason" in after:  # the bot was removed from a group, or blocked in a private chat
        if chat is not None and chat > 0:
            return t.gettext("memblokir bot; chat pribadinya tidak lagi menerima pengingat.")
        return t.fmt("mengeluarkan bot dari {chat}; grup itu tidak lagi menerima pengingat dan pengumuman.",
                     chat=_chat(ctx, chat))
    if before.get("target"):
        return t.fmt("menghentikan pengingat dan pengumuman {place} di {chat}.", place=place(before["target"]),
                     chat=_chat(ctx, chat))
    return t.fmt("menghentikan pengingat dan pengumuman di {chat}.", chat=_chat(ctx, chat))


def _broadcast(ctx: _Ctx, e: AuditEntry, before: dict[str, Any], after: dict[str, Any]) -> str:
    n, where = _int(after.get("groups")) or 0, place(e.province_code or "")
    if after.get("to_pics"):
        return ctx.t.nfmt("mengirim pengumuman hasil {place} ke {n} grup dan ke PIC setiap kab/kota.",
                          "mengirim pengumuman hasil {place} ke {n} grup dan ke PIC setiap kab/kota.", n,
                          place=where)
    return ctx.t.nfmt("mengirim pengumuman hasil {place} ke {n} grup.",
                      "mengirim pengumuman hasil {place} ke {n} grup.", n, place=where)


def _score(ctx: _Ctx, value: object) -> str:
    return ctx.t.number(float(value)) if isinstance(value, int | float) else ""


def _aksi_record(ctx: _Ctx, e: AuditEntry, before: dict[str, Any], after: dict[str, Any]) -> str:
    t = ctx.t
    values = dict(period=after.get("period", ""), year=str(after.get("year", "")),
                  place=place(e.subject.partition("/")[0]))
    if before.get("score") is not None and after.get("score") is not None:
        return t.fmt("mengubah nilai capaian Aksi HAM {period} {year} untuk {place} dari {before} menjadi {score}.",
                     before=_score(ctx, before["score"]), score=_score(ctx, after["score"]), **values)
    if after.get("score") is None:
        return t.fmt("mencatat laporan Aksi HAM {period} {year} untuk {place} (seluruh periode).", **values)
    return t.fmt("mencatat nilai capaian Aksi HAM {period} {year} untuk {place}: {score}.",
                 score=_score(ctx, after["score"]), **values)


def _aksi_status(t: Translator, value: object) -> str:
    from bot.domain.labels import aksi_status_label as status_label

    try:
        return status_label(t, str(value))
    except ValueError:
        return str(value or "—")


def _aksi_action(ctx: _Ctx, e: AuditEntry, before: dict[str, Any], after: dict[str, Any]) -> str:
    """``mencatat laporan Aksi 2 B04 2024 untuk Kabupaten Tapin: lengkap, nilai 80 (sebelumnya diajukan).``"""
    t = ctx.t
    text = t.fmt("mencatat laporan Aksi {action} {period} {year} untuk {place}: {status}",
                 action=after.get("action", ""), period=after.get("period", ""), year=str(after.get("year", "")),
                 place=place(e.subject.partition("/")[0]), status=_aksi_status(t, after.get("status")))
    if after.get("nilai") is not None:
        text += t.fmt(", nilai capaian {score}", score=_score(ctx, after["nilai"]))
    if before.get("status") and before.get("status") != after.get("status"):
        text += t.fmt(" (sebelumnya {status})", status=_aksi_status(t, before["status"]))
    return text + "."


def _aksi_actions(ctx: _Ctx, e: AuditEntry, before: dict[str, Any], after: dict[str, Any]) -> str:
    """``menetapkan daftar Aksi HAM 2024 untuk Kabupaten Tapin: 8 aksi (sebelumnya 6), judul Aksi 3 diubah.``"""
    t = ctx.t
    count, was = _int(after.get("count")) or 0, _int(before.get("count")) or 0
    text = t.nfmt("menetapkan daftar Aksi HAM {year} untuk {place}: {n} aksi",
                  "menetapkan daftar Aksi HAM {year} untuk {place}: {n} aksi", count, year=str(after.get("year", "")),
                  place=place(e.subject.partition("/")[0]))
    if was != count:
        text += t.fmt(" (sebelumnya {n})", n=was)
    old, new = list(before.get("titles") or []), list(after.get("titles") or [])
    renamed = [str(i) for i, title in enumerate(new, start=1)
               if title and (old[i - 1] if i <= len(old) else None) != title]
    if renamed:
        text += t.fmt(", judul Aksi {numbers} diubah", numbers=", ".join(renamed))
    return text + "."


def _checklist_import(ctx: _Ctx, e: AuditEntry, before: dict[str, Any], after: dict[str, Any]) -> str:
    t = ctx.t
    changes = [c for c in after.get("changes") or [] if isinstance(c, dict) and _in_view(ctx, c.get("region"))]
    file = after.get("file") or e.subject.removeprefix("file:")
    if not changes:
        return t.fmt("mengimpor progres dari berkas “{file}”; tidak ada indikator yang berubah.", file=file)
    items = [t.fmt("{region}{code} {before} → {after}", region=_region_prefix(ctx, c.get("region")),
                   code=c.get("code", ""), before=_state(t, c.get("before")), after=_state(t, c.get("after")))
             for c in changes]
    return t.nfmt("mengimpor progres dari berkas “{file}”: {n} indikator diubah ({changes}).",
                  "mengimpor progres dari berkas “{file}”: {n} indikator diubah ({changes}).", len(changes),
                  file=file, changes=Markup(_listed(ctx, items)))


def _aksi_import(ctx: _Ctx, e: AuditEntry, before: dict[str, Any], after: dict[str, Any]) -> str:
    t = ctx.t
    changes = [c for c in after.get("changes") or [] if isinstance(c, dict) and _in_view(ctx, c.get("region"))]
    file = after.get("file") or e.subject.removeprefix("file:")
    if not changes:
        return t.fmt("mengimpor laporan Aksi HAM dari berkas “{file}”; tidak ada laporan yang berubah.", file=file)
    items = []
    for c in changes:
        values = dict(region=_region_prefix(ctx, c.get("region")), period=c.get("period", ""),
                      year=str(c.get("year", "")))
        if "count" in c:  # a list of actions
            items.append(t.fmt("{region}daftar aksi {year}: {count} aksi", count=c.get("count"), **values))
        elif c.get("action"):
            items.append(t.fmt("{region}{period} {year} Aksi {action} {status}", action=c["action"],
                               status=_aksi_status(t, c.get("status")), **values))
        elif c.get("after") is not None:
            items.append(t.fmt("{region}{period} {year}, nilai capaian {score}", score=_score(ctx, c["after"]),
                               **values))
        else:
            items.append(t.fmt("{region}{period} {year}", **values))
    return t.nfmt("mengimpor laporan Aksi HAM dari berkas “{file}”: {n} laporan dicatat ({changes}).",
                  "mengimpor laporan Aksi HAM dari berkas “{file}”: {n} laporan dicatat ({changes}).", len(changes),
                  file=file, changes=Markup(_listed(ctx, items)))


def _evidence(ctx: _Ctx, e: AuditEntry, before: dict[str, Any], after: dict[str, Any]) -> str:
    region_code, _, code = e.subject.partition("/")
    return ctx.t.fmt("melampirkan berkas data dukung “{file}” pada indikator {indicator} di {place}.",
                     file=after.get("file") or "—", indicator=_indicator(ctx, code), place=place(region_code))


def _reminder_ack(ctx: _Ctx, e: AuditEntry, before: dict[str, Any], after: dict[str, Any]) -> str:
    return ctx.t.fmt("menandai pengingat acara “{event}” di {chat} sudah dikerjakan.",
                     event=after.get("event") or ctx.t.gettext("tanpa judul"), chat=_chat(ctx, _int(after.get("chat"))))


def _reminder_snooze(ctx: _Ctx, e: AuditEntry, before: dict[str, Any], after: dict[str, Any]) -> str:
    event, chat = after.get("event") or ctx.t.gettext("tanpa judul"), _chat(ctx, _int(after.get("chat")))
    try:
        when = ctx.t.datetime(datetime.fromisoformat(str(after.get("due_at"))), ctx.tz)
    except (TypeError, ValueError):
        return ctx.t.fmt("menunda pengingat acara “{event}” di {chat} sampai besok.", event=event, chat=chat)
    return ctx.t.fmt("menunda pengingat acara “{event}” di {chat} sampai {when}.", event=event, chat=chat, when=when)


Sentence = Callable[[_Ctx, AuditEntry, dict[str, Any], dict[str, Any]], str]
SENTENCES: dict[str, Sentence] = {
    "checklist.state": _checklist_state,
    **dict.fromkeys(EVENT_VERBS, _event),
    "binding.add": _binding_add,
    "binding.remove": _binding_remove,
    "invite.create": _invite_create,
    "subscription.add": _subscription_add,
    "subscription.remove": _subscription_remove,
    "broadcast.confirm": _broadcast,
    "aksi.record": _aksi_record,
    "aksi.action": _aksi_action,
    "aksi.actions": _aksi_actions,
    "checklist.import": _checklist_import,
    "aksi.import": _aksi_import,
    "evidence.attach": _evidence,
    "reminder.ack": _reminder_ack,
    "reminder.snooze": _reminder_snooze,
}

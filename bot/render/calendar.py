"""Events as people read them: kind, local date and time with the zone, scope, countdown."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.core import zones
from bot.core.i18n import N_, Translator
from bot.core.models import Event, EventKind, EventStatus, ScopeKind
from bot.core.offsets import Offset
from bot.reference import provinces, regions
from bot.render import Reply
from schedules.calendar import Scope, anchor_of, event_day, is_window, scope_of
from schedules.policy import offsets_for

KIND_LABELS = {
    EventKind.RAKOR: N_("Rapat koordinasi"),
    EventKind.AKSIHAM: N_("Pelaporan Aksi HAM"),
    EventKind.KKPHAM: N_("Tenggat KKP HAM"),
    EventKind.VERIFIKASI: N_("Verifikasi"),
    EventKind.HARIHAM: N_("Hari HAM"),
    EventKind.LAIN: N_("Agenda"),
}


def kind_label(t: Translator, kind: str) -> str:
    return t.gettext(KIND_LABELS[EventKind(kind)])


def when(t: Translator, event: Event, zone: str) -> str:
    """``Rabu, 19 Juni 2024 pukul 09.00 WITA`` or ``Senin, 28 November 2022 s.d. Senin, 5 Desember 2022``."""
    if event.start_time is not None:
        text = t.datetime(event.starts_at, zone)
    else:
        text = t.date(event.start_date)
    if event.end_date and event.end_date != event.start_date:
        text = t.gettext("{start} s.d. {end}").format(start=text, end=t.date(event.end_date))
    return text


COUNTDOWN_DAYS = 14  # "H-14" is how people count down; beyond two weeks the date beside it says more


def days_word(t: Translator, days: int) -> str:
    """``hari ini``, ``besok``, ``H-3`` up to ``H-14``, then ``30 hari lagi`` (never ``H-144``)."""
    if days == 0:
        return t.gettext("hari ini")
    if days == 1:
        return t.gettext("besok")
    if days < 0:
        return t.gettext("sudah lewat")
    if days > COUNTDOWN_DAYS:
        return t.ngettext("{n} hari lagi", "{n} hari lagi", days).format(n=t.number(days))
    return t.gettext("H-{n}").format(n=days)


def countdown(t: Translator, event: Event, zone: str, now: datetime) -> str:
    """``H-3``, ``besok``, ``2 jam lagi``, ``30 hari lagi``; a reporting window: ``dibuka H-6`` (``dibuka 30 hari
    lagi``), then ``ditutup H-2``."""
    today = now.astimezone(zones.zone(zone)).date()
    if is_window(event) and event.end_date is not None:
        if today < event.start_date:
            return t.gettext("dibuka {when}").format(when=days_word(t, (event.start_date - today).days))
        days = (event.end_date - today).days
        if days < 0:
            return t.gettext("sudah ditutup")
        return t.gettext("ditutup {when}").format(when=days_word(t, days))
    anchor = anchor_of(event)
    if isinstance(anchor, datetime):
        left = (anchor - now).total_seconds()
        if 0 < left < 3600 * 12:
            # to the nearest minute, then hour, halves up, as people read a clock: a reminder sent a few
            # seconds after 08:25 for a 09:00 meeting says "35 menit lagi", never "34"
            minutes = max(1, int(left / 60 + 0.5))
            if minutes < 60:
                return t.ngettext("{n} menit lagi", "{n} menit lagi", minutes).format(n=minutes)
            hours = int(minutes / 60 + 0.5)
            return t.ngettext("{n} jam lagi", "{n} jam lagi", hours).format(n=hours)
    return days_word(t, (event_day(event, zone) - today).days)


def offset_label(t: Translator, offset: Offset) -> str:
    """``H-3``, ``hari H``, ``2 jam``, ``30 menit``."""
    if offset.unit == "d":
        if offset.amount:
            return t.npgettext("pengingat", "H-{n}", "H-{n}", offset.amount).format(n=offset.amount)
        return t.pgettext("pengingat", "hari H")
    if offset.unit == "h":
        return t.ngettext("{n} jam", "{n} jam", offset.amount).format(n=offset.amount)
    return t.ngettext("{n} menit", "{n} menit", offset.amount).format(n=offset.amount)


def offsets_text(t: Translator, offsets: Iterable[Offset]) -> str:
    return ", ".join(offset_label(t, o) for o in offsets)


def reminders_text(t: Translator, event: Event, opening: tuple[Offset, ...] = (),
                   passed: frozenset[str] = frozenset()) -> str:
    """The offsets of an event; a reporting window also names those before it opens (``opening``); those whose
    time is already over (``passed``: their keys) are said to be, since nobody will get them."""
    offsets = offsets_for(event.kind, event.offsets, event.start_time is not None)
    ahead = [o for o in offsets if o.key not in passed]
    gone = [o for o in offsets if o.key in passed]
    text = offsets_text(t, ahead) if ahead else t.gettext("tidak ada lagi")
    if gone:
        text += " " + t.fmt("({offsets} sudah lewat)", offsets=offsets_text(t, gone))
    if is_window(event) and opening:
        text = t.gettext("{close} (menjelang ditutup); {open} (menjelang dibuka)").format(
            close=text, open=offsets_text(t, opening))
    return text


def scope_text(t: Translator, scope: Scope) -> str:
    if scope.kind is ScopeKind.NATIONAL:
        return t.gettext("nasional")
    if scope.kind is ScopeKind.PROVINCES:
        return ", ".join(provinces()[c].name for c in scope.codes)
    return ", ".join(regions()[c].short_name for c in scope.codes)


def event_lines(t: Translator, event: Event, zone: str | None, now: datetime) -> list[str]:
    """``zone`` None: the event's own zone (the Kanwil's for a province's rakor)."""
    zone = zone or event.timezone
    lines = [
        t.fmt("<b>{title}</b> (#{id})", title=event.title, id=str(event.id)) if event.id
        else f"<b>{t.escape(event.title)}</b>",
        t.fmt("{kind} · {when} · {countdown}", kind=kind_label(t, event.kind), when=when(t, event, zone),
              countdown=countdown(t, event, zone, now)),
        t.fmt("Cakupan: {scope}", scope=scope_text(t, scope_of(event))),
    ]
    if event.period:
        lines.append(t.fmt("Periode Aksi HAM: {period}", period=event.period))
    if event.location:
        lines.append(t.fmt("Tempat/tautan: {location}", location=event.location))
    if event.notes:
        lines.append(t.fmt("Catatan: {note}", note=event.notes))
    if event.status == EventStatus.DRAFT:
        lines.append("<i>" + t.gettext("Draf: tanggal perlu dikonfirmasi; belum ada pengingat.") + "</i>")
    if event.status == EventStatus.CANCELLED:
        lines.append("<i>" + t.gettext("Dibatalkan.") + "</i>")
    return lines


def event_card(t: Translator, event: Event, zone: str, now: datetime, offsets: str) -> Reply:
    lines = event_lines(t, event, zone, now)
    if event.status != EventStatus.CANCELLED:  # a cancelled event reminds no one: it says "Dibatalkan." only
        lines.append(t.fmt("Pengingat: {offsets}", offsets=offsets))
    return Reply("\n".join(lines))


def agenda(t: Translator, heading: str, events: list[Event], zone: str | None, now: datetime) -> Reply:
    """``zone`` None: each event in its own region's zone."""
    if not events:
        return Reply(t.fmt("<b>Jadwal {heading}</b>", heading=heading) + "\n" +
                     t.gettext("Belum ada acara mendatang."))
    blocks = [t.fmt("<b>Jadwal {heading}</b>", heading=heading)]
    for event in events:
        blocks.append("\n".join(event_lines(t, event, zone, now)))
    return Reply("\n\n".join(blocks))

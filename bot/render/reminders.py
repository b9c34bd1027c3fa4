"""Reminder messages, change notices, the escalation digest and the "terlewat" summary."""

from __future__ import annotations

from datetime import date, datetime

from bot.core import zones
from bot.core.i18n import N_, Translator
from bot.core.models import Event, EventKind
from bot.domain.aksi_grid import Outstanding
from bot.domain.people import Grants
from bot.render import Button, Reply
from bot.render import callbacks as cb
from bot.render.aksi import missing_sentence
from bot.render.calendar import countdown, days_word, kind_label, when
from bot.render.people import place
from bot.render.refusal import ALERT_LIMIT
from bot.views.reminders import EscalationView, NoticeView, ReminderView
from schedules.calendar import anchor_of, opening_of
from schedules.planner import MOVED
from schedules.policy import needs_answer
from schedules.recipients import RegionWork


def _work_line(t: Translator, event: Event, work: RegionWork) -> str:
    if event.kind == EventKind.KKPHAM:
        return t.fmt("• {name}: {missing} dari {total} indikator belum diajukan",
                     name=work.region.short_name, missing=work.missing, total=work.total)
    if event.kind == EventKind.AKSIHAM:  # the actions still missing: "Aksi 2, 5 dan 6 belum dilaporkan untuk B04"
        if not work.unreported and not work.incomplete:
            return t.fmt("• {name}: laporan {period} belum tercatat", name=work.region.short_name,
                         period=event.period or "")
        left = Outstanding(work.total, work.unreported, work.incomplete)
        return t.fmt("• {name}: {missing}", name=work.region.short_name,
                     missing=missing_sentence(t, event.period or "", left))
    return t.fmt("• {name}", name=work.region.short_name)


def _instant(t: Translator, value: datetime | date, zone: str) -> str:
    return t.datetime(value, zone) if isinstance(value, datetime) else t.date(value)


def opening(t: Translator, view: ReminderView) -> Reply:
    """Before a reporting window opens: when it opens and when it closes (in the chat's zone), who has
    to report. Before the opening day no "Sudah dikerjakan"/"Ingatkan besok" (nothing can be reported
    yet); these reminders never lead to an escalation."""
    event = view.event
    zone = view.zone
    opens, closes = _instant(t, opening_of(event), zone), _instant(t, anchor_of(event), zone)
    today = view.now.astimezone(zones.zone(zone)).date()
    days = (event.start_date - today).days
    end = event.end_date
    assert end is not None  # reminded before it opens: a reporting window, which has an end
    if days > 0:
        sentence = t.fmt("Masa pelaporan dibuka {opens} ({countdown}) dan ditutup {closes}.",
                         opens=opens, countdown=days_word(t, days), closes=closes)
    elif days == 0:
        sentence = t.fmt("Masa pelaporan dibuka hari ini, {opens}, dan ditutup {closes} ({countdown}).",
                         opens=opens, closes=closes, countdown=days_word(t, (end - today).days))
    else:  # sent late (the bot was down): it is open already
        sentence = t.fmt("Masa pelaporan sudah dibuka sejak {opens} dan ditutup {closes} ({countdown}).",
                         opens=opens, closes=closes, countdown=days_word(t, (end - today).days))
    lines = [
        t.fmt("🔔 <b>Masa pelaporan dibuka: {title}</b>", title=event.title) if days <= 0
        else t.fmt("🔔 <b>Masa pelaporan segera dibuka: {title}</b>", title=event.title),
        kind_label(t, event.kind) + (t.fmt(" · Periode {period}", period=event.period) if event.period else ""),
        sentence,
    ]
    if event.location:
        lines.append(t.fmt("Tempat/tautan: {location}", location=event.location))
    lines.append("")
    lines.append(t.gettext("Masih perlu dikerjakan:"))
    lines.extend(_work_line(t, event, w) for w in view.pending)
    return Reply("\n".join(lines), _buttons(t, view, answerable=days <= 0))


def _buttons(t: Translator, view: ReminderView, answerable: bool) -> tuple[tuple[Button, ...], ...]:
    """"Sudah dikerjakan" ("Sudah dilaporkan" for an Aksi HAM window) and "Ingatkan besok" (while tomorrow
    morning is still before the deadline) once there is something to do; "Lihat yang belum lengkap" for one
    kab/kota's KKP HAM checklist."""
    rows: list[tuple[Button, ...]] = []
    if answerable:
        done = (t.gettext("✅ Sudah dilaporkan") if view.event.kind == EventKind.AKSIHAM
                else t.gettext("✅ Sudah dikerjakan"))
        row = [Button(done, cb.build(cb.REMINDER_ACK, view.reminder_id))]
        if view.snoozable:  # not when tomorrow morning is already past the deadline (or the start)
            row.append(Button(t.gettext("⏰ Ingatkan besok"), cb.build(cb.REMINDER_SNOOZE, view.reminder_id)))
        rows.append(tuple(row))
    if view.event.kind == EventKind.KKPHAM and len(view.pending) == 1:
        rows.append((Button(t.gettext("Lihat yang belum lengkap"),
                            cb.build(cb.BELUM, view.pending[0].region.code, 0, 0)),))
    return tuple(rows)


def reminder(t: Translator, view: ReminderView) -> Reply:
    if view.opening:
        return opening(t, view)
    event = view.event
    lines = [
        t.fmt("⏰ <b>Pengingat: {title}</b>", title=event.title),
        t.fmt("{kind} · {when} · <b>{countdown}</b>", kind=kind_label(t, event.kind),
              when=when(t, event, view.zone), countdown=countdown(t, event, view.zone, view.now)),
    ]
    if event.location:
        lines.append(t.fmt("Tempat/tautan: {location}", location=event.location))
    answerable = needs_answer(event.kind)
    if event.kind in (EventKind.KKPHAM, EventKind.AKSIHAM):
        lines.append("")
        lines.append(t.gettext("Masih perlu dikerjakan:"))
    elif answerable:
        lines.append("")
        lines.append(t.gettext("Untuk:"))
    if answerable:  # a commemoration (Hari HAM) is announced: no work list, nothing to answer
        lines.extend(_work_line(t, event, w) for w in view.pending)
    return Reply("\n".join(lines), _buttons(t, view, answerable=answerable))


def answered_already(t: Translator, aksi: bool, by: str) -> str:
    """The alert of a second "Sudah dikerjakan" ("Sudah dilaporkan"): who gave the first, when known."""
    if aksi:
        return (t.plain(N_("Sudah ditandai sudah dilaporkan oleh {name}; tidak ada pengingat lagi di chat ini."),
                        name=by) if by
                else t.gettext("Sudah ditandai sudah dilaporkan; tidak ada pengingat lagi di chat ini."))
    return (t.plain(N_("Sudah ditandai sudah dikerjakan oleh {name}; tidak ada pengingat lagi di chat ini."),
                    name=by) if by
            else t.gettext("Sudah ditandai sudah dikerjakan; tidak ada pengingat lagi di chat ini."))


def snoozed_already(t: Translator, when: str, by: str) -> str:
    """The alert of a second "Ingatkan besok" for the same morning."""
    return (t.plain(N_("Pengingat sudah diminta diulang {when} oleh {name}."), when=when, name=by) if by
            else t.plain(N_("Pengingat sudah diminta diulang {when}."), when=when))


def answer_refusal(t: Translator, g: Grants) -> str:
    """Why ``g`` may not answer a reminder (``bot.domain.access.may_answer_reminder``), in a button's alert."""
    first = t.gettext("Hanya PIC kab/kota yang diingatkan, staf Bidang HAM Kanwil provinsinya dan admin yang dapat "
                      "menandai atau menunda pengingat ini.")
    if g.staf:
        who = t.plain(N_("Anda staf Kanwil {own}."), own=_places(g.staf))
    elif g.pic:
        who = t.plain(N_("Anda PIC {own}."), own=_places(g.pic))
    elif g.pemantau:
        who = t.plain(N_("Anda pemantau {own} (hanya dapat melihat)."), own=_places(g.pemantau))
    else:
        who = t.gettext("Anda belum terdaftar.")
    text = f"{first} {who}"
    return text if len(text) <= ALERT_LIMIT else text[: ALERT_LIMIT - 1].rstrip() + "…"


def _places(codes: frozenset[str]) -> str:
    shown = ", ".join(place(c) for c in sorted(codes)[:2])
    return shown + (", …" if len(codes) > 2 else "")


def notice(t: Translator, view: NoticeView) -> Reply:
    if view.key == MOVED:
        text = t.fmt("📅 <b>Jadwal berubah</b>: {title} kini {when}.", title=view.event.title,
                     when=when(t, view.event, view.zone))
    else:
        text = t.fmt("❌ <b>Dibatalkan</b>: {title} ({when}). Pengingat berikutnya tidak dikirim.",
                     title=view.event.title, when=when(t, view.event, view.zone))
    return Reply(text)


def escalation(t: Translator, view: EscalationView) -> Reply:
    lines = [
        t.fmt("⚠️ <b>Belum ditanggapi: {title}</b>", title=view.event.title),
        t.fmt("{kind} · {when} · <b>{countdown}</b>", kind=kind_label(t, view.event.kind),
              when=when(t, view.event, view.zone), countdown=countdown(t, view.event, view.zone, view.now)),
        t.nfmt("{n} kab/kota sudah diingatkan tetapi belum menanggapi:",
               "{n} kab/kota sudah diingatkan tetapi belum menanggapi:", len(view.laggards)),
    ]
    lines.extend(_work_line(t, view.event, w) for w in view.laggards)
    return Reply("\n".join(lines))


def missed(t: Translator, events: list[Event], zone: str) -> Reply:
    lines = [t.gettext("🕓 <b>Pengingat terlewat</b> (bot sempat tidak aktif; tenggatnya sudah lewat):")]
    lines.extend(t.fmt("• {title}: {when}", title=e.title, when=when(t, e, zone)) for e in events)
    return Reply("\n".join(lines))

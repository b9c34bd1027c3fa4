"""The verbs of ``pantau-ham calendar``: add, list, change, confirm, cancel, template, export."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from bot.cli.data import write_output
from bot.core import zones
from bot.core.errors import UserError
from bot.core.i18n import N_, Translator
from bot.domain.regions import resolve
from bot.io.ics import to_ics
from bot.reference import ProvinceRef, regions_of
from bot.render import calendar as render_calendar
from bot.render import plain_text as plain
from schedules import events as event_service
from schedules.calendar import get_event, parse_line, parse_when, upcoming
from schedules.planner import passed_offsets, policy_from
from schedules.template import load_template

if TYPE_CHECKING:
    from datetime import date

    from sqlmodel import Session

    from bot.core.models import Event
    from bot.domain.runtime import Runtime


def _codes(query: str | None) -> tuple[set[str] | None, str, str | None]:
    """The kab/kota, a heading and the zone to show (None: each event in its own zone)."""
    if not query:
        return None, "Pantau HAM", None
    resolution = resolve(query)
    target = resolution.target
    if target is None:
        raise UserError(N_("Wilayah “{name}” tidak ditemukan."), name=query)
    if isinstance(target, ProvinceRef):
        return {r.code for r in regions_of(target.code)}, f"Provinsi {target.name}", target.timezone
    return {target.code}, target.official_name, target.timezone


def _today(rt: Runtime, session: Session, event_id: int) -> date:
    """Today in the event's zone (an event that does not exist is a UserError)."""
    event = get_event(session, event_id)
    return rt.clock.now().astimezone(zones.zone(event.timezone)).date()


def _card(rt: Runtime, event: Event) -> str:
    offsets = render_calendar.reminders_text(rt.t, event, rt.settings.opening_offsets,
                                             passed_offsets(event, policy_from(rt.settings), rt.clock.now()))
    return plain(render_calendar.event_card(rt.t, event, event.timezone, rt.clock.now(), offsets).text)


def run(rt: Runtime, t: Translator, args: argparse.Namespace) -> int:
    try:
        with rt.session() as session:
            if args.verb == "add":
                draft = parse_line(args.line, rt.clock.now(), rt.settings.timezone)
                print(_card(rt, event_service.add(session, rt.clock, rt.settings, draft, None)))
            elif args.verb == "list":
                codes, heading, zone = _codes(args.wilayah)
                events = upcoming(session, rt.clock, codes, limit=500)
                print(plain(render_calendar.agenda(t, heading, events, zone, rt.clock.now()).text))
            elif args.verb == "change":
                value = " ".join(args.value)
                if args.field == "tanggal":
                    when = parse_when(value, _today(rt, session, args.id))
                    event, _ = event_service.move(session, rt.clock, rt.settings, args.id, *when)
                else:
                    event = event_service.edit(session, rt.clock, rt.settings, args.id, args.field, value)
                print(_card(rt, event))
            elif args.verb == "confirm":
                if args.when:
                    when = parse_when(" ".join(args.when), _today(rt, session, args.id))
                    event_service.move(session, rt.clock, rt.settings, args.id, *when)
                print(_card(rt, event_service.confirm(session, rt.clock, rt.settings, args.id)))
            elif args.verb == "cancel":
                print(_card(rt, event_service.cancel(session, rt.clock, rt.settings, args.id)))
            elif args.verb == "template":
                created = load_template(session, rt.clock, args.year, rt.settings.timezone, None,
                                        rt.settings.aksi_rakor_weeks_before)
                if not created:  # run again: the year's drafts (or its events) are there already
                    print(t.plain("Acara templat {year} sudah ada; tidak ada yang dibuat. Lihat dengan pantau-ham "
                                  "calendar list.", year=str(args.year)))
                else:
                    print(t.plain("{n} draf acara dibuat untuk {year}; konfirmasi tanggalnya dengan "
                                  "pantau-ham calendar confirm ID.", n=len(created), year=str(args.year)))
            elif args.verb == "export":
                codes, heading, _zone = _codes(args.wilayah)
                events = upcoming(session, rt.clock, codes, limit=5000)
                name = "Pantau HAM" if heading == "Pantau HAM" else f"Pantau HAM: {heading}"  # all: no repeat
                if not write_output(t, args.file, to_ics(events, rt.clock.now(), name,
                                                          lambda kind: render_calendar.kind_label(t, kind))):
                    return 1
                print(t.plain("{n} acara ditulis ke {path}.", n=len(events), path=args.file))
    except UserError as exc:
        print("⚠️ " + t.plain(exc.message, **exc.values), file=sys.stderr)
        return 1
    return 0

"""Events as an iCalendar file (RFC 5545), for /kalender and ``pantau-ham calendar export``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from icalendar import Calendar
from icalendar import Event as IcsEvent

from bot.core.models import Event, EventStatus
from schedules.calendar import local_instant

PRODID = "-//Pantau HAM//KKP HAM dan Aksi HAM//ID"


def to_ics(events: list[Event], stamp: datetime, name: str, kind_name: Callable[[str], str]) -> bytes:
    """``kind_name`` spells an event's kind as people read it (``Rapat koordinasi``, not ``rakor``): the
    category a calendar app shows."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for event in events:
        item = IcsEvent()
        item.add("uid", f"event-{event.id}@pantau-ham")
        item.add("summary", event.title)
        item.add("dtstamp", stamp)
        item.add("sequence", event.version)
        if event.start_time is None:
            item.add("dtstart", event.start_date)
            item.add("dtend", (event.end_date or event.start_date) + timedelta(days=1))
        else:
            item.add("dtstart", local_instant(event.start_date, event.start_time, event.timezone))
            if event.end_date or event.end_time:
                item.add("dtend", local_instant(event.end_date or event.start_date,
                                                event.end_time or event.start_time, event.timezone))
            else:
                item.add("dtend", local_instant(event.start_date, event.start_time, event.timezone)
                         + timedelta(hours=2))
        if event.location:
            item.add("location", event.location)
        if event.notes:
            item.add("description", event.notes)
        item.add("categories", [kind_name(event.kind)])
        item.add("status", "TENTATIVE" if event.status == EventStatus.DRAFT else "CONFIRMED")
        cal.add_component(item)
    cal.add_missing_timezones()  # VTIMEZONE blocks, so Outlook shows the right hour
    ics: bytes = cal.to_ical()
    return ics

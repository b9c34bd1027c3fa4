"""The guided /jadwal_tambah conversation: kind, scope, date (a month calendar), time, title."""

from __future__ import annotations

import calendar as month_calendar
from datetime import date, timedelta

from babel.dates import format_date, get_day_names

from bot.core import limits, zones
from bot.core.i18n import Translator
from bot.core.models import EventKind
from bot.reference import provinces
from bot.render import Button, Reply, rows
from bot.render import callbacks as cb
from bot.render.calendar import kind_label
from schedules.dates import examples

TIMES = ("08.00", "09.00", "10.00", "13.00", "14.00")


def ask_kind(t: Translator) -> Reply:
    buttons = [Button(kind_label(t, k.value), cb.build(cb.WIZARD, "kind", k.value)) for k in EventKind]
    return Reply(t.gettext("<b>Acara baru</b> (1/5). Jenis acara?"), rows(buttons, 2))


def ask_scope(t: Translator) -> Reply:
    buttons = [Button(t.gettext("Nasional"), cb.build(cb.WIZARD, "scope", "nasional"))]
    buttons += [Button(p.name, cb.build(cb.WIZARD, "scope", p.code)) for p in provinces().values()]
    return Reply(t.gettext("(2/5) Untuk siapa? Pilih provinsi, atau ketik nama kab/kota (boleh beberapa, "
                           "dipisah koma)."), rows(buttons, 3))


def ask_date(t: Translator, month: date, today: date) -> Reply:
    first = month.replace(day=1)
    header = [Button(format_date(first, "MMMM y", locale=t.locale).capitalize(), cb.build(cb.WIZARD, "noop"))]
    names = get_day_names("abbreviated", locale=t.locale)
    weekdays = [Button(names[i], cb.build(cb.WIZARD, "noop")) for i in range(7)]
    grid: list[tuple[Button, ...]] = [tuple(header), tuple(weekdays)]
    for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        grid.append(tuple(
            Button(str(d.day) if d.month == first.month else "·",
                   cb.build(cb.WIZARD, "day", d.isoformat()) if d.month == first.month and d >= today
                   else cb.build(cb.WIZARD, "noop"))
            for d in week
        ))
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    nav = []
    if prev_month >= today.replace(day=1):
        nav.append(Button("‹", cb.build(cb.WIZARD, "month", prev_month.isoformat())))
    if next_month <= limits.date_window(today)[1]:  # no further than the dates the bot accepts
        nav.append(Button("›", cb.build(cb.WIZARD, "month", next_month.isoformat())))
    if nav:
        grid.append(tuple(nav))
    return Reply(t.fmt("(3/5) Tanggal? Pilih di kalender atau ketik mis. {example}, {dmy}, besok atau Senin depan.",
                       **examples(today)), tuple(grid))


def ask_time(t: Translator, zone: str) -> Reply:
    """``zone``: the scope's zone, named in the question (a Kalsel event is asked in WITA)."""
    buttons = [Button(t.gettext("Tanpa jam"), cb.build(cb.WIZARD, "time", "-"))]
    buttons += [Button(x, cb.build(cb.WIZARD, "time", x.replace(".", ""))) for x in TIMES]
    return Reply(t.fmt("(4/5) Jam berapa, dalam {zone}? Pilih atau ketik mis. 09.00.", zone=zones.label(zone)),
                 rows(buttons, 3))


def ask_title(t: Translator) -> Reply:
    return Reply(t.gettext("(5/5) Ketik judul acara, mis. “Rakor Aksi HAM B08”."))


def confirm(t: Translator, card_text: str) -> Reply:
    buttons = [Button(t.gettext("💾 Simpan"), cb.build(cb.WIZARD, "save")),
               Button(t.gettext("✖️ Batal"), cb.build(cb.WIZARD, "cancel"))]
    return Reply(t.gettext("Periksa lalu simpan:") + "\n\n" + card_text, (tuple(buttons),))

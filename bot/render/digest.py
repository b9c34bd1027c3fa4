"""The weekly digest for a province's staf."""

from __future__ import annotations

from bot.core import zones
from bot.core.i18n import Translator
from bot.render.calendar import when
from bot.render.common import has_data, indicator_totals, province_share, region_row
from bot.render.status import cycle_line
from bot.views.digest import DigestView


def digest(t: Translator, v: DigestView) -> str:
    tz = v.province.timezone
    p = v.progress
    lines = [
        t.fmt("🗓️ <b>Ringkasan mingguan: Provinsi {name}</b>", name=v.province.name),
        cycle_line(t, p),
        province_share(t, p.above, len(p.rows), p.includes_handed_in),
        indicator_totals(t, p.indicators),
        "",
        t.gettext("<b>Menunggu verifikasi Kanwil</b>"),
    ]
    lines += [t.nfmt("• {name}: {count} indikator diajukan", "• {name}: {count} indikator diajukan", n,
                     name=region.short_name, count=t.number(n)) for region, n in v.waiting.per_region] \
        or [t.gettext("• tidak ada")]
    if v.waiting.total:
        lines.append(t.gettext("Periksa dengan /verifikasi."))
    lines += ["", t.gettext("<b>Perlu pendampingan</b>")]
    lines += [t.fmt("• {name}: {row}", name=r.region.short_name, row=region_row(t, r)) for r in v.behind] \
        or [t.gettext("• tidak ada")]
    silent = [r.region.short_name for r in p.rows if not has_data(r)]
    if silent:
        lines.append(t.fmt("Belum ada data: {names}", names=", ".join(silent)))
    since = t.date(v.since.astimezone(zones.zone(tz)).date())
    lines += ["", t.fmt("<b>Perubahan status indikator sejak {when}</b>", when=since)]
    if v.changes:
        names = {r.region.code: r.region.short_name for r in p.rows}
        lines += [t.nfmt("• {name}: {n} perubahan", "• {name}: {n} perubahan", n, name=names.get(code, code))
                  for code, n in sorted(v.changes.items(), key=lambda kv: -kv[1])]
    else:
        lines.append(t.gettext("• belum ada perubahan minggu ini"))
    lines += ["", t.gettext("<b>Pengingat belum ditanggapi</b>")]
    lines += [t.fmt("• {name}: {title}", name=region.short_name, title=event.title) for event, region in v.unanswered] \
        or [t.gettext("• tidak ada")]
    lines += ["", t.gettext("<b>Acara dua minggu ke depan</b>")]
    lines += [t.fmt("• {title}: {when}", title=e.title, when=when(t, e, tz)) for e in v.events] \
        or [t.gettext("• tidak ada")]
    return "\n".join(lines)

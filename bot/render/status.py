"""``/status``: one region, one province, and what to say when a name is unclear."""

from __future__ import annotations

from bot.core.i18n import Translator
from bot.domain.checklist import NationalProgress, ProvinceProgress, RegionProgress
from bot.domain.labels import class_label, projection_label
from bot.domain.regions import Resolution, label
from bot.reference import Place, ProvinceRef, RegionRef, provinces
from bot.render import Button, Reply, rows
from bot.render import callbacks as cb
from bot.render.common import (
    bar,
    cycle_label,
    has_data,
    indicator_totals,
    projection_basis,
    province_share,
    region_row,
    sample_notice,
)


def target_data(action: str, target: Place, *rest: object) -> str:
    if action == cb.UMUMKAN:  # um|prov|63: the preview of that province
        return cb.build(action, "prov", target.code)
    if action in cb.TARGETED:
        kind = "p" if isinstance(target, ProvinceRef) else "r"
        return cb.build(action, cb.target(kind, target.code))
    return cb.build(action, target.code, *rest)


def cycle_line(t: Translator, progress: RegionProgress | ProvinceProgress | NationalProgress) -> str:
    return cycle_label(t, progress.cycle)


def region_status(t: Translator, p: RegionProgress, also: tuple[Place, ...] = ()) -> Reply:
    lines = [
        t.fmt("<b>{name}</b>, {province}", name=p.region.official_name, province=p.province.name),
        cycle_line(t, p),
        "",
    ]
    if p.total == 0:
        lines.append(t.gettext("Daftar indikator belum dimuat. Admin: pantau-ham import catalog BERKAS.xlsx"))
        return Reply("\n".join(lines))
    if not has_data(p):  # nothing submitted yet: not "0%" and not "kurang peduli" (domain.md)
        lines += [
            t.fmt("<b>Belum ada data</b> pada siklus ini: belum satu pun dari {total} indikator dikerjakan atau "
                  "diajukan.", total=t.number(p.total)),
            t.fmt("{label}: belum ada data.", label=projection_label(t, p.includes_handed_in)),
        ]
        if p.sample_catalog:
            lines.append(sample_notice(t))
        return Reply("\n".join(lines), rows(_region_buttons(t, p.region), 2) + rows(_also(also), 1))
    lines += [
        t.fmt("Terverifikasi Kanwil: <b>{verified}</b> dari {total} indikator ({pct})",
              verified=t.number(p.verified), total=t.number(p.total), pct=t.percent(p.verified_fraction)),
        t.fmt("Diajukan kab/kota, menunggu verifikasi: <b>{handed_in}</b>", handed_in=t.number(p.handed_in)),
        t.fmt("Proses {in_progress} · perlu perbaikan {rejected} · belum dikerjakan {not_started}",
              in_progress=t.number(p.in_progress), rejected=t.number(p.rejected),
              not_started=t.number(p.not_started)),
        "",
        t.gettext("Per kriteria (terverifikasi dari jumlah indikator):"),
    ]
    for c in p.criteria:
        line = t.fmt("{bar} {number}. {name}: {verified}/{total}", bar=bar(c.verified_fraction),
                     number=str(c.criterion.number), name=c.criterion.name, verified=c.verified, total=c.total)
        if c.handed_in:
            line += t.fmt(" · diajukan {handed_in}", handed_in=c.handed_in)
        lines.append(line)
    lines.append("")
    heading = projection_label(t, p.includes_handed_in)
    if has_data(p):
        lines.append(t.fmt("{label}: <b>{klass}</b> ({score} dari 100; batas peduli {threshold}, sesuai pengaturan)",
                           label=heading, klass=class_label(t, p.klass), score=t.number(p.score),
                           threshold=t.number(p.peduli_threshold)))
        lines.append("<i>" + t.escape(projection_basis(t, p.includes_handed_in)) + "</i>")
    else:
        lines.append(t.fmt("{label}: belum ada data.", label=heading))
    if p.last_updated:
        lines.append(t.fmt("Terakhir diperbarui: {when}", when=t.datetime(p.last_updated, p.region.timezone)))
    else:
        lines.append(t.gettext("Belum ada pembaruan pada siklus ini."))
    if p.sample_catalog:
        lines.append(sample_notice(t))
    return Reply("\n".join(lines), rows(_region_buttons(t, p.region), 2) + rows(_also(also), 1))


def _region_buttons(t: Translator, region: RegionRef) -> list[Button]:
    return [
        Button(t.gettext("Lihat yang belum lengkap"), target_data(cb.BELUM, region, 0, 0)),
        Button(t.gettext("Buka daftar indikator"), target_data(cb.CHECKLIST, region)),
    ]


def _also(also: tuple[Place, ...]) -> list[Button]:
    """Other places the typed name may have meant (Banjar: the kabupaten, and Kota Banjar)."""
    return [Button(label(o), target_data(cb.STATUS, o)) for o in also[:3]]


def province_status(t: Translator, p: ProvinceProgress) -> Reply:
    n = len(p.rows)
    lines = [
        t.fmt("<b>Provinsi {name}</b>", name=p.province.name),
        cycle_line(t, p),
        "",
    ]
    if not any(has_data(r) for r in p.rows):  # as the national overview says of it
        lines += [
            t.fmt("<b>Belum ada data</b> pada siklus ini: belum satu pun dari {n} kab/kota mengisi daftar "
                  "indikatornya.", n=t.number(n)),
            t.fmt("{label}: belum ada data.", label=projection_label(t, p.includes_handed_in)),
        ]
        if p.sample_catalog:
            lines.append(sample_notice(t))
        buttons = [Button(r.region.short_name, target_data(cb.STATUS, r.region)) for r in p.rows]
        return Reply("\n".join(lines), rows(buttons, 2))
    lines += [
        province_share(t, p.above, n, p.includes_handed_in),
        t.fmt("Syarat provinsi (sesuai pengaturan): {threshold} kab/kota peduli, {verdict}",
              threshold=t.percent(p.threshold / 100),
              verdict=t.gettext("tercapai ✅") if p.meets_threshold else t.gettext("belum tercapai")),
        indicator_totals(t, p.indicators),
        "",
    ]
    for i, r in enumerate(p.rows, start=1):
        lines.append(t.fmt("{i}. {name}: {row}", i=str(i), name=r.region.short_name, row=region_row(t, r)))
    if p.last_updated:
        lines.append("")
        lines.append(t.fmt("Terakhir diperbarui: {when}", when=t.datetime(p.last_updated, p.province.timezone)))
    if p.sample_catalog:
        lines.append(sample_notice(t))
    buttons = [Button(r.region.short_name, target_data(cb.STATUS, r.region)) for r in p.rows]
    return Reply("\n".join(lines), rows(buttons, 2))


def national_status(t: Translator, p: NationalProgress, timezone: str) -> Reply:
    """Every province: how many of its kab/kota are above the peduli threshold, best first."""
    lines = [
        t.gettext("<b>Nasional: seluruh provinsi</b>"),
        cycle_line(t, p),
        "",
        province_share(t, p.above, p.regions, p.includes_handed_in),
        t.fmt("{m} dari {k} provinsi memenuhi syarat provinsi (sesuai pengaturan) {threshold} kab/kota peduli",
              m=p.provinces_meeting, k=len(p.provinces), threshold=t.percent(p.threshold / 100)),
        indicator_totals(t, p.indicators),
        "",
    ]
    for i, prov in enumerate(p.provinces, start=1):
        if not prov.with_data:
            lines.append(t.fmt("{i}. {name}: belum ada data", i=str(i), name=prov.province.name))
            continue
        line = t.fmt("{i}. {name}: {above} dari {n} kab/kota peduli ({pct}) · {verified} terverifikasi · "
                     "{handed_in} diajukan", i=str(i), name=prov.province.name, above=prov.above, n=prov.regions,
                     pct=t.percent(prov.fraction_above), verified=t.percent(prov.indicators.verified_fraction),
                     handed_in=t.percent(prov.indicators.handed_in_fraction))
        if prov.without_data:
            line += t.fmt("; {k} kab/kota belum ada data", k=prov.without_data)
        lines.append(line + (" ✅" if prov.meets_threshold else ""))
    lines.append("")
    if p.last_updated:
        lines.append(t.fmt("Terakhir diperbarui: {when}", when=t.datetime(p.last_updated, timezone)))
    lines.append(t.gettext("Rincian per provinsi: /status <i>provinsi</i>, misalnya /status Kalsel"))
    if p.sample_catalog:
        lines.append(sample_notice(t))
    return Reply("\n".join(lines))


def choose(t: Translator, resolution: Resolution, action: str, *rest: object,
           command: tuple[str, str] | None = None) -> Reply:
    """An ambiguous name: ask which one, with a button per candidate that finishes ``action``; with ``command``
    (the typed command around the name, for commands whose other arguments no button can carry), the corrected
    commands to tap, copy and send instead."""
    places = _for(action, resolution.candidates)
    if command is not None:
        return Reply("\n".join([t.fmt("“{query}” bisa berarti beberapa wilayah. Ketuk perintah yang dimaksud untuk "
                                      "menyalinnya, lalu kirimkan:", query=resolution.query),
                                *_commands(t, places, command)]))
    buttons = [Button(label(c), target_data(action, c, *rest)) for c in places]
    return Reply(t.fmt("“{query}” bisa berarti beberapa wilayah. Pilih salah satu:", query=resolution.query),
                 rows(buttons, 1))


def not_found(t: Translator, resolution: Resolution, action: str, *rest: object,
              command: tuple[str, str] | None = None, mine: tuple[Place, ...] | None = None) -> Reply:
    """An unknown name: the nearest names as buttons that finish ``action`` (or, with ``command``, as corrected
    commands to copy, see :func:`choose`). ``mine``: the suggestions were limited to the places the asker may
    act on, and these are theirs (named when no suggestion is left)."""
    text = t.fmt("Wilayah “{query}” tidak ditemukan.", query=resolution.query)
    places = _for(action, resolution.suggestions)
    if not places and mine:
        return Reply(text + " " + yours(t, mine))
    if command is not None and places:
        return Reply("\n".join([text, t.gettext("Mungkin maksud Anda (ketuk perintahnya untuk menyalin, lalu "
                                                "kirimkan):"), *_commands(t, places, command)]))
    buttons = [Button(label(s), target_data(action, s, *rest)) for s in places] if command is None else []
    if buttons:
        text += "\n" + t.gettext("Mungkin maksud Anda:")
    else:
        text += "\n" + t.gettext("Ketik nama kab/kota atau provinsi, misalnya: /status Tapin")
    return Reply(text, rows(buttons, 1))


def none_yours(t: Translator, resolution: Resolution, mine: tuple[Place, ...]) -> Reply:
    """An unclear name none of whose places the asker may act on: say so and name theirs."""
    text = t.fmt("“{query}” bisa berarti beberapa wilayah, tetapi tidak satu pun termasuk wilayah Anda.",
                 query=resolution.query)
    return Reply(text + (" " + yours(t, mine) if mine else ""))


def yours(t: Translator, mine: tuple[Place, ...]) -> str:
    """``Wilayah Anda: Kabupaten Tapin.``"""
    return t.fmt("Wilayah Anda: {places}.", places=", ".join(full_name(p) for p in mine))


def full_name(p: Place) -> str:
    """``Kabupaten Tapin``, ``Provinsi Kalimantan Selatan``: a name that resolves again, typed or copied."""
    return f"Provinsi {p.name}" if isinstance(p, ProvinceRef) else p.official_name


def _for(action: str, places: tuple[Place, ...]) -> tuple[Place, ...]:
    """The places a button of ``action`` can act on: /umumkan is about a province (a kab/kota's own, once)."""
    if action != cb.UMUMKAN:
        return places
    out: dict[str, Place] = {}
    for p in places:
        province = p if isinstance(p, ProvinceRef) else provinces()[p.province_code]
        out.setdefault(province.code, province)
    return tuple(out.values())


def _commands(t: Translator, places: tuple[Place, ...], command: tuple[str, str]) -> list[str]:
    """``<code>/tandai Kabupaten Tapin 6.01 lengkap</code>``: a tap copies it (the full name resolves again)."""
    before, after = command
    names = [full_name(p) for p in places]
    return ["<code>" + t.escape(" ".join(w for w in (before, name, after) if w)) + "</code>" for name in names]


def pick_region(t: Translator, province: ProvinceRef, regions: list[RegionRef], action: str, *rest: object) -> Reply:
    """A province where a kab/kota is needed: offer its kab/kota."""
    buttons = [Button(r.short_name, target_data(action, r, *rest)) for r in regions]
    return Reply(t.fmt("Pilih kab/kota di Provinsi {name}:", name=province.name), rows(buttons, 2))


def usage(t: Translator, form: str, example: str) -> Reply:
    return Reply(t.fmt("Cara pakai: <code>{form}</code>\nContoh: <code>{example}</code>", form=form, example=example))


def no_catalog(t: Translator) -> Reply:
    """Before any indicator catalog is imported there is nothing to count: say so, never "complete" or a class."""
    return Reply("\n".join([
        t.gettext("⚠️ Daftar indikator KKP HAM belum diimpor, sehingga progres belum dapat dihitung."),
        t.gettext("Admin dapat mengimpor daftar 120 indikator (lampiran Permenkumham Nomor 22 Tahun 2021) dengan "
                  "<code>pantau-ham import catalog BERKAS.xlsx</code>, atau memuat contoh untuk mencoba dengan "
                  "<code>pantau-ham demo</code>."),
    ]))

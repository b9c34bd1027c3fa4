"""The results message of /umumkan, each focal point's own line, and the delivery report."""

from __future__ import annotations

from bot.core.i18n import Translator
from bot.domain.checklist import RegionProgress
from bot.domain.labels import class_label, projection_label
from bot.reference import ProvinceRef
from bot.render import Button, Reply, rows
from bot.render import callbacks as cb
from bot.render.calendar import when
from bot.render.common import has_data, indicator_totals, province_share
from bot.render.status import cycle_line
from bot.views.broadcast import BroadcastView, DeliveryReport


def _summary(t: Translator, v: BroadcastView) -> str:
    p = v.progress
    verdict = t.gettext("tercapai ✅") if p.meets_threshold else t.gettext("belum tercapai")
    return t.fmt("{share}; syarat provinsi (sesuai pengaturan) {threshold}: {verdict}",
                 share=province_share(t, p.above, len(p.rows), p.includes_handed_in),
                 threshold=t.percent(p.threshold / 100), verdict=verdict)


def _legend(t: Translator, includes_handed_in: bool) -> str:
    if includes_handed_in:
        return t.gettext("Per kab/kota: indikator terverifikasi Kanwil dan yang baru diajukan (%) · perkiraan predikat")
    return t.gettext("Per kab/kota: indikator terverifikasi Kanwil (%) · perkiraan predikat")


def _row(t: Translator, r: RegionProgress) -> str:
    """``87,5% · peduli``: the share the predikat is read from (the legend says which); short, so that the
    results of a province fit under the chart as its caption. The chart shows both numbers per kab/kota."""
    if not has_data(r):
        return t.gettext("belum ada data")
    counted = r.verified + (r.handed_in if r.includes_handed_in else 0)
    return t.fmt("{pct} · {klass}", pct=t.percent(counted / r.total if r.total else 0.0),
                 klass=class_label(t, r.klass))


def results(t: Translator, v: BroadcastView) -> str:
    """The message every group of the province receives (HTML)."""
    p = v.progress
    lines = [t.fmt("📢 <b>Hasil KKP HAM: Provinsi {name}</b>", name=p.province.name), cycle_line(t, p), "",
             _summary(t, v), indicator_totals(t, p.indicators), "", _legend(t, p.includes_handed_in)]
    for i, r in enumerate(p.rows, start=1):
        lines.append(t.fmt("{i}. {name}: {row}", i=str(i), name=r.region.short_name, row=_row(t, r)))
    if v.behind:
        lines += ["", t.fmt("Perlu pendampingan: {names}", names=", ".join(r.region.short_name for r in v.behind))]
    if v.next_events:
        lines += ["", t.gettext("Jadwal berikutnya:")]
        lines += [t.fmt("• {title}: {when}", title=e.title, when=when(t, e, p.province.timezone))
                  for e in v.next_events]
    return "\n".join(lines)


def pic_line(t: Translator, v: BroadcastView, row: RegionProgress, rank: int) -> str:
    """What a focal point receives: their own kab/kota's two numbers and perkiraan predikat, and the province
    in one sentence."""
    if has_data(row):
        own = [
            t.fmt("Terverifikasi Kanwil: {verified} dari {total} indikator ({pct}) · diajukan, menunggu verifikasi: "
                  "{handed_in}", verified=t.number(row.verified), total=t.number(row.total),
                  pct=t.percent(row.verified_fraction), handed_in=t.number(row.handed_in)),
            t.fmt("{label}: {klass} · peringkat {rank} dari {n} di Provinsi {province}",
                  label=projection_label(t, row.includes_handed_in), klass=class_label(t, row.klass), rank=str(rank),
                  n=len(v.progress.rows), province=v.progress.province.name),
        ]
    else:
        own = [t.fmt("Belum ada data untuk {name} pada siklus ini.", name=row.region.short_name)]
    return "\n".join([
        t.fmt("📢 <b>Hasil KKP HAM: {name}</b>", name=row.region.official_name),
        *own,
        "",
        t.fmt("Seluruh Provinsi {name}:", name=v.progress.province.name),  # the next line is the province's
        _summary(t, v),
        t.gettext("Lihat indikator yang belum lengkap dengan /belum."),
    ])


def chart_labels(t: Translator, v: BroadcastView) -> dict[str, str]:
    """The words on the chart of ``bot.io.charts.progress_chart`` (plain text), in the audience's language."""
    p = v.progress
    threshold = p.rows[0].peduli_threshold if p.rows else 75.0
    return {
        "title": t.plain("KKP HAM {name}: perkiraan predikat dari kelengkapan data dukung", name=p.province.name),
        "threshold_label": t.plain("batas peduli {value} (sesuai pengaturan)", value=t.number(threshold)),
        "verified_label": t.gettext("terverifikasi Kanwil"),
        "handed_in_label": t.gettext("diajukan kab/kota, ikut dihitung (sesuai pengaturan)") if p.includes_handed_in
        else t.gettext("diajukan kab/kota, menunggu verifikasi (tidak dihitung)"),
    }


def preview(t: Translator, text: str, broadcast_id: int, groups: int, pics: int, to_pics: bool,
            province_name: str = "") -> Reply:
    """"Kirim" is offered only when someone would receive it; otherwise the preview says why."""
    head = t.fmt("<b>Pratinjau</b>: akan dikirim ke {groups} grup", groups=groups)
    if to_pics:
        head += t.fmt(" dan {pics} PIC (narahubung kab/kota; masing-masing menerima hasil wilayahnya sendiri)",
                      pics=pics)
    # the button says what pressing it does: add the focal points, or leave them out again
    toggle = t.gettext("👥 Tanpa PIC") if to_pics else t.gettext("👥 Kirim juga ke PIC")
    row = []
    if groups or (to_pics and pics):
        row.append(Button(t.gettext("✅ Kirim"), cb.build(cb.UMUMKAN, "ok", broadcast_id)))
    else:
        head = t.fmt("<b>Pratinjau</b>: belum ada penerima. Belum ada grup yang berlangganan Provinsi {name} atau "
                     "kab/kotanya (ketik /langganan di grup)", name=province_name)
        if pics:
            head += t.fmt("; tekan “👥 Kirim juga ke PIC” untuk mengirim ke {pics} PIC", pics=pics)
        else:
            head += t.gettext("; belum ada PIC yang terdaftar")
        head += "."
    row.append(Button(toggle, cb.build(cb.UMUMKAN, "pic", broadcast_id, cb.IN_PLACE)))
    row.append(Button(t.gettext("✖️ Batal"), cb.build(cb.UMUMKAN, "no", broadcast_id, cb.IN_PLACE)))
    return Reply(f"{head}\n\n{text}", (tuple(row),))


def choose_province(t: Translator, provinces: list[ProvinceRef]) -> Reply:
    buttons = [Button(p.name, cb.build(cb.UMUMKAN, "prov", p.code)) for p in provinces]
    return Reply(t.gettext("Umumkan hasil untuk provinsi mana?"), rows(buttons, 2))


NAMES = 20  # recipients named per line of a delivery report; the rest are counted


def _names(t: Translator, names: list[str]) -> str:
    shown = ", ".join(names[:NAMES])
    if len(names) > NAMES:
        shown += ", " + t.plain("dan {n} lainnya", n=t.number(len(names) - NAMES))
    return shown


def delivery_report(t: Translator, r: DeliveryReport, province_name: str) -> Reply:
    """Final when every message has settled; otherwise interim, naming the recipients still pending."""
    if r.final:
        head = t.fmt("📬 <b>Laporan pengiriman</b>: pengumuman Provinsi {name}", name=province_name)
    else:
        head = t.fmt("📬 <b>Laporan pengiriman sementara</b>: pengumuman Provinsi {name}", name=province_name)
    lines = [head, t.fmt("Terkirim: {n}", n=t.number(len(r.sent)))
             + (f" ({t.escape(_names(t, r.sent))})" if r.sent else "")]
    if r.pending:
        lines.append(t.fmt("Masih diproses: {n} ({names})", n=t.number(len(r.pending)), names=_names(t, r.pending)))
    if r.blocked:
        lines.append(t.fmt("Diblokir/dikeluarkan: {n} ({names})", n=t.number(len(r.blocked)),
                           names=_names(t, r.blocked)))
    if r.failed:
        lines.append(t.fmt("Gagal: {n} ({names})", n=t.number(len(r.failed)), names=_names(t, r.failed)))
    if r.pending:
        lines.append(t.gettext("Pesan yang masih diproses dicoba lagi; laporan akhir menyusul setelah semuanya "
                               "selesai."))
    return Reply("\n".join(lines))

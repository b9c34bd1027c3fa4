"""Answers about files: evidence attached, import previews and rejections, reports sent."""

from __future__ import annotations

from bot.core.i18n import Markup, Translator
from bot.domain.catalog import RowError
from bot.domain.evidence import Attached
from bot.domain.labels import aksi_status_label as status_label
from bot.domain.labels import state_label
from bot.io.aksi_import import AksiRow, ListChange
from bot.io.progress_import import SHOWN_ERRORS, Plan
from bot.render import Button, Reply
from bot.render import callbacks as cb

PREVIEW_ROWS = 3  # changed rows shown per kab/kota
PREVIEW_REGIONS = 40


def attached(t: Translator, a: Attached, instead_of: str = "") -> str:
    """``instead_of``: the indicator of the message replied to, when the caption named another one."""
    text = t.fmt("📎 Berkas “{file}” dilampirkan pada {region}, indikator <code>{code}</code>.",
                 file=a.file.file_name, region=a.region.official_name, code=a.indicator.code)
    if instead_of:
        text += "\n" + t.fmt("Sesuai keterangan berkas: indikator <code>{code}</code>, bukan <code>{replied}</code> "
                             "dari pesan yang dibalas.", code=a.indicator.code, replied=instead_of)
    text += "\n" + t.nfmt("Indikator ini kini memiliki {n} berkas data dukung.",
                          "Indikator ini kini memiliki {n} berkas data dukung.", a.count)
    if a.change is not None:
        text += "\n" + t.fmt("Status: {before} → <b>{after}</b>", before=state_label(t, a.change.before),
                             after=state_label(t, a.change.after))
    else:
        text += "\n" + t.fmt("Status tetap: <b>{state}</b>", state=state_label(t, a.state))
    return text


def rejected(t: Translator, filename: str, errors: list[RowError]) -> str:
    lines = [t.fmt("⚠️ Berkas “{file}” ditolak; tidak ada yang diubah. Perbaiki lalu kirim lagi:", file=filename)]
    for err in errors[:SHOWN_ERRORS]:
        message = t.fmt(err.message, **err.values)
        lines.append(("• " + t.fmt("baris {row}: ", row=str(err.row)) if err.row else "• ") + message)
    if len(errors) > SHOWN_ERRORS:
        lines.append(t.fmt("… dan {n} kesalahan lain.", n=len(errors) - SHOWN_ERRORS))
    return "\n".join(lines)


def unreadable(t: Translator, filename: str, message: str, values: dict[str, object]) -> str:
    return t.fmt("⚠️ Berkas “{file}” ditolak; tidak ada yang diubah.", file=filename) + "\n" + t.fmt(message, **values)


def _buttons(t: Translator, token: str) -> tuple[tuple[Button, ...], ...]:
    return ((Button(t.gettext("✅ Kirim"), cb.build(cb.IMPORT, "ok", token)),
             Button(t.gettext("✖️ Batal"), cb.build(cb.IMPORT, "no", token))),)


def _closing(t: Translator, lines: list[str], changes: int, token: str) -> Reply:
    lines.append("")
    if changes:
        lines.append(t.gettext("Simpan perubahan ini? Semua baris disimpan sekaligus, atau tidak sama sekali."))
        return Reply("\n".join(lines), _buttons(t, token))
    lines.append(t.gettext("Tidak ada yang berubah; tidak ada yang perlu disimpan."))
    return Reply("\n".join(lines))


def report_preview(t: Translator, filename: str, plan: Plan, rows: list[AksiRow], changed: list[AksiRow],
                   token: str, lists: list[ListChange]) -> Reply:
    """A report (/ekspor) sent back: its sheets Progres and Aksi HAM, saved together or not at all."""
    lines = _progress_lines(t, filename, plan) + [""] + _aksi_lines(t, filename, rows, changed, lists)
    return _closing(t, lines, len(plan.changes) + len(changed) + len(lists), token)


def progress_preview(t: Translator, filename: str, plan: Plan, token: str) -> Reply:
    return _closing(t, _progress_lines(t, filename, plan), len(plan.changes), token)


def _progress_lines(t: Translator, filename: str, plan: Plan) -> list[str]:
    lines = [t.fmt("<b>Pratinjau impor progres</b> “{file}”", file=filename),
             t.fmt("{rows} baris sah: {changed} berubah, {unchanged} tetap.", rows=plan.rows,
                   changed=len(plan.changes), unchanged=plan.unchanged)]
    for summary in list(plan.regions.values())[:PREVIEW_REGIONS]:
        lines.append("")
        lines.append(t.fmt("<b>{region}</b>: {n} berubah dari {rows} baris", region=summary.region.official_name,
                           n=len(summary.changes), rows=summary.rows))
        for (before, after), n in sorted(summary.transitions.items(), key=lambda kv: -kv[1]):
            lines.append(t.fmt("  {before} → {after}: {n}", before=state_label(t, before),
                               after=state_label(t, after), n=n))
        only_evidence = sum(1 for c in summary.changes if c.before is c.after)
        if only_evidence:
            lines.append(t.fmt("  tautan/catatan saja: {n}", n=only_evidence))
        for c in summary.changes[:PREVIEW_ROWS]:
            lines.append(t.fmt("  • baris {row}: <code>{code}</code> {before} → {after}", row=str(c.row), code=c.code,
                               before=state_label(t, c.before), after=state_label(t, c.after)))
    if len(plan.regions) > PREVIEW_REGIONS:
        lines.append(t.fmt("… dan {n} kab/kota lain.", n=len(plan.regions) - PREVIEW_REGIONS))
    return lines


def _aksi_change(t: Translator, r: AksiRow) -> str:
    place = t.fmt("{region} {period} {year}", region=r.region.official_name, period=r.period, year=str(r.year))
    if r.action is None:
        if r.score is None:
            return t.fmt("• {place}: dilaporkan (seluruh periode)", place=Markup(place))
        return t.fmt("• {place}: nilai capaian {score}", place=Markup(place), score=float(r.score))
    before = status_label(t, r.before_status) if r.before_status else t.gettext("belum dilaporkan")
    after = status_label(t, r.status) if r.status else t.gettext("belum dilaporkan")  # a title only: unchanged
    text = t.fmt("• {place} Aksi {action}: {before} → {after}", place=Markup(place), action=r.action, before=before,
                 after=after)
    if r.score is not None:
        text += t.fmt(", nilai capaian {score}", score=float(r.score))
    return text


def aksi_preview(t: Translator, filename: str, rows: list[AksiRow], changed: list[AksiRow], token: str,
                 lists: list[ListChange] | None = None) -> Reply:
    lists = lists or []
    return _closing(t, _aksi_lines(t, filename, rows, changed, lists), len(changed) + len(lists), token)


def _aksi_lines(t: Translator, filename: str, rows: list[AksiRow], changed: list[AksiRow],
                lists: list[ListChange]) -> list[str]:
    lines = [t.fmt("<b>Pratinjau impor Aksi HAM</b> “{file}”", file=filename),
             t.fmt("{rows} baris sah: {changed} berubah, {unchanged} tetap.", rows=len(rows), changed=len(changed),
                   unchanged=len(rows) - len(changed))]
    for c in lists[:PREVIEW_REGIONS]:
        lines.append(t.fmt("• {region} {year}: daftar aksi {before} → {after} aksi", region=c.region.official_name,
                           year=str(c.year), before=c.count_before, after=c.count)
                     + (t.nfmt(", {n} judul", ", {n} judul", len(c.titles)) if c.titles else ""))
    for r in changed[:PREVIEW_REGIONS]:
        lines.append(_aksi_change(t, r))
    if len(changed) > PREVIEW_REGIONS:
        lines.append(t.fmt("… dan {n} baris lain.", n=len(changed) - PREVIEW_REGIONS))
    return lines


def applied(t: Translator, filename: str, changed: int) -> str:
    return t.fmt("✔️ Impor “{file}” selesai: {n} baris berubah.", file=filename, n=changed)


def unknown_code(t: Translator, code: str) -> str:
    return t.fmt("⚠️ Indikator “{code}” tidak ada di daftar indikator yang berlaku; berkas tidak dilampirkan. "
                 "Periksa kodenya dengan /checklist, lalu kirim lagi dengan keterangan kode yang benar (mis. “3.02”).",
                 code=code)


def not_your_region(t: Translator, region: str, own: list[str]) -> str:
    text = t.fmt("⚠️ {region} bukan wilayah Anda; berkas tidak dilampirkan.", region=region)
    if own:
        text += " " + t.fmt("Anda dapat melampirkan data dukung untuk {own}.", own=", ".join(own))
    return text


def unknown_region(t: Translator, name: str, code: str) -> str:
    return t.fmt("⚠️ Kab/kota “{name}” tidak dikenal atau bisa berarti beberapa kab/kota; berkas tidak dilampirkan. "
                 "Tulis nama lengkapnya di keterangan berkas, mis. “Kabupaten Tapin {code}”.", name=name, code=code)


def more_files(t: Translator, shown: int, total: int) -> str:
    return t.fmt("Ditampilkan {shown} berkas terbaru dari {total}; {rest} berkas yang lebih lama tidak dikirim ulang.",
                 shown=shown, total=total, rest=total - shown)


def import_taken(t: Translator) -> str:
    return t.gettext("Tombol untuk berkas ini sudah ditekan (Kirim atau Batal); hasilnya dikirim di percakapan ini.")


def send_hint(t: Translator) -> str:
    return "\n".join([
        t.gettext("Berkas ini tidak dapat diproses."),
        t.gettext("• Data dukung: kirim dokumen atau foto dengan keterangan kode indikator (mis. “3.02”, atau "
                  "“Tapin 3.02”), atau balas pesan indikator dari /checklist."),
        t.gettext("• Impor progres: kirim berkas Excel (.xlsx) dengan lembar “Progres”, atau berkas CSV; format "
                  "isiannya dari /templat."),
    ])

"""The verification loop as people read it: the Kanwil's cards (``/verifikasi``), the PIC's notice of what
was decided, and the staf's daily line of what waits."""

from __future__ import annotations

from bot.core.i18n import Markup, Translator
from bot.core.models import IndicatorState
from bot.domain.labels import state_label
from bot.domain.verification import REASONS, Card, Decision, QueueItem, Scope, Waiting
from bot.reference import ProvinceRef, RegionRef, criteria
from bot.render import Button, Reply, rows
from bot.render import callbacks as cb
from bot.render import review_callbacks as vcb
from bot.render.common import cycle_label
from bot.views.review import QueueLineView, ReviewNoticeView

SHOWN_REGIONS = 8  # kab/kota named with their counts on a card
NOTICE_BUTTONS = 24  # indicators sent back that get a button in the PIC's notice
TEXT_CUT = 120  # characters of an indicator's text in a list


def scope_name(t: Translator, scope: Scope) -> str:
    if isinstance(scope, ProvinceRef):
        return t.fmt("Provinsi {name}", name=scope.name)
    return t.escape(scope.official_name)


def _cut(text: str, limit: int = TEXT_CUT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def waiting_line(t: Translator, w: Waiting) -> str:
    """``Menunggu verifikasi: 15 indikator dari 3 kab/kota``."""
    indicators = t.nfmt("{count} indikator", "{count} indikator", w.total, count=t.number(w.total))
    kab_kota = t.nfmt("{count} kab/kota", "{count} kab/kota", w.regions, count=t.number(w.regions))
    return t.fmt("Menunggu verifikasi: {indicators} dari {regions}", indicators=Markup(indicators),
                 regions=Markup(kab_kota))


def per_region(t: Translator, w: Waiting) -> str:
    shown = [t.fmt("{name} {count}", name=r.short_name, count=t.number(n)) for r, n in w.per_region[:SHOWN_REGIONS]]
    if w.regions > SHOWN_REGIONS:
        rest = w.regions - SHOWN_REGIONS
        shown.append(t.nfmt("{count} kab/kota lain", "{count} kab/kota lain", rest, count=t.number(rest)))
    return " · ".join(shown)


def _data(what: str, scope: Scope, item: QueueItem) -> str:
    return cb.build(vcb.VERIFY, what, scope.code, item.entry_id, item.stamp)


def _head(t: Translator, card: Card, prefix: str) -> list[str]:
    lines = [prefix, ""] if prefix else []
    lines.append(t.fmt("🔎 <b>Verifikasi data dukung: {scope}</b>", scope=scope_name(t, card.scope)))
    if card.waiting.total:
        lines.append(waiting_line(t, card.waiting))
        if isinstance(card.scope, ProvinceRef):
            lines.append(per_region(t, card.waiting))
    if card.skipped:
        lines.append(t.nfmt("Dilewati dalam sesi ini: {count}", "Dilewati dalam sesi ini: {count}", card.skipped,
                            count=t.number(card.skipped)))
    return lines


def _item_lines(t: Translator, item: QueueItem, viewer: int | None, tz: str) -> list[str]:
    ind = item.indicator
    lines = [
        "",
        t.fmt("<b>{name}</b> · <code>{code}</code>", name=item.region.official_name, code=ind.code),
        t.fmt("Kriteria {number}. {name}", number=str(ind.criterion_number),
              name=criteria()[ind.criterion_number].name),
        "<i>" + t.escape(ind.text) + "</i>",
        "",
    ]
    when = t.datetime(item.handed_in_at, tz)
    if item.handed_in_by is not None and item.handed_in_by == viewer:
        lines.append(t.fmt("Diajukan {when} oleh Anda sendiri", when=when))
    elif item.handed_in_name:
        lines.append(t.fmt("Diajukan {when} oleh {who}", when=when, who=item.handed_in_name))
    else:
        lines.append(t.fmt("Diajukan {when}", when=when))
    if item.link:
        lines.append(t.fmt("Tautan: {link}", link=item.link))
    if item.note:
        lines.append(t.fmt("Catatan: {note}", note=item.note))
    if item.earlier is not None:  # the Kanwil's own reason, never shown as the note of whoever handed it in
        lines.append(t.fmt("Alasan perbaikan sebelumnya: {reason}", reason=reason_text(t, item.earlier.reason)))
    if not item.file_total:
        lines.append(t.gettext("Berkas data dukung: belum ada"))
    elif item.file_total > len(item.files):
        lines.append(t.fmt("Berkas data dukung: {total}; tombol di bawah mengirim {shown} yang terbaru, semuanya ada "
                           "di /checklist {name}", total=t.number(item.file_total), shown=t.number(len(item.files)),
                           name=item.region.name))
    else:
        lines.append(t.nfmt("Berkas data dukung: {count} (tekan tombolnya untuk membuka)",
                            "Berkas data dukung: {count} (tekan tombolnya untuk membuka)", item.file_total,
                            count=t.number(item.file_total)))
    return lines


def _file_buttons(item: QueueItem) -> tuple[tuple[Button, ...], ...]:
    buttons = [Button(("🖼️ " if f.kind == "photo" else "📄 ") + _cut(f.name, 28), cb.build(vcb.VERIFY_FILE, f.id))
               for f in item.files]
    return rows(buttons, 2)


def _finished(t: Translator, card: Card, lines: list[str]) -> Reply:
    if card.skipped:
        lines += ["", t.nfmt("Semua kartu sudah dilihat dalam sesi ini; {count} dilewati dan masih menunggu.",
                             "Semua kartu sudah dilihat dalam sesi ini; {count} dilewati dan masih menunggu.",
                             card.skipped, count=t.number(card.skipped))]
        again = Button(t.gettext("🔁 Mulai lagi dari yang terlama"),
                       cb.build(vcb.VERIFY_OPEN, card.scope.code, cb.IN_PLACE))
        return Reply("\n".join(lines), ((again,),))
    lines += ["", t.fmt("✅ Tidak ada yang menunggu verifikasi di {scope}.", scope=scope_name(t, card.scope))]
    return Reply("\n".join(lines))


def card(t: Translator, card: Card, viewer: int | None, prefix: str = "") -> Reply:
    """One card: the queue's counts, the indicator handed in, its files on buttons, and the three choices."""
    lines = _head(t, card, prefix)
    item = card.item
    if item is None:
        return _finished(t, card, lines)
    lines += _item_lines(t, item, viewer, item.region.timezone)
    choices = (
        (Button(t.gettext("✅ Terverifikasi"), _data(vcb.VERIFIED, card.scope, item)),
         Button(t.gettext("↩️ Perlu perbaikan"), _data(vcb.SEND_BACK, card.scope, item))),
        (Button(t.gettext("⏭ Lewati"), _data(vcb.SKIP, card.scope, item)),),
    )
    return Reply("\n".join(lines), _file_buttons(item) + choices)


def reasons(t: Translator, card: Card, viewer: int | None) -> Reply:
    """The card again, asking why it goes back: a common reason, or "Tulis alasan"."""
    item = card.item
    if item is None:  # nothing left to show in this sitting
        return _finished(t, card, _head(t, card, ""))
    lines = _head(t, card, "") + _item_lines(t, item, viewer, item.region.timezone)
    lines += ["", t.gettext("<b>Mengapa perlu perbaikan?</b> Pilih alasannya, atau tulis sendiri.")]
    buttons = [(Button(t.gettext(reason), _data(f"r{i}", card.scope, item)),) for i, reason in enumerate(REASONS, 1)]
    buttons.append((Button(t.gettext("✍️ Tulis alasan"), _data(vcb.WRITE, card.scope, item)),))
    buttons.append((Button(t.gettext("‹ Kembali ke kartu"), _data(vcb.BACK, card.scope, item)),))
    return Reply("\n".join(lines), _file_buttons(item) + tuple(buttons))


def ask_reason(t: Translator, region: RegionRef, code: str, limit: int) -> Reply:
    return Reply(t.fmt("Tulis alasan perlu perbaikan untuk {name}, indikator <code>{code}</code>, dalam satu pesan "
                       "(paling banyak {limit} karakter). Ketik /batal untuk membatalkan.", name=region.official_name,
                       code=code, limit=t.number(limit)))


def reason_text(t: Translator, reason: str | None) -> str:
    """A stored reason in the reader's language when it is one of the common ones (stored in Indonesian)."""
    if not reason:
        return t.gettext("(tanpa alasan tertulis; tanyakan kepada Bidang HAM Kanwil)")
    return t.gettext(reason) if reason in REASONS else reason


def decided(t: Translator, d: Decision) -> str:
    """What became of a decision, one line above the next card."""
    where = Markup(t.fmt("{name} · <code>{code}</code>", name=d.region.short_name, code=d.code))
    if not d.done:
        return t.fmt("⚠️ {where} tidak diubah: statusnya kini <b>{state}</b> (diubah PIC, atau sudah diputuskan staf "
                     "lain).", where=where, state=state_label(t, d.state))
    if d.verdict is IndicatorState.TERVERIFIKASI:
        return t.fmt("✔️ {where}: <b>terverifikasi</b>.", where=where)
    return t.fmt("✔️ {where}: <b>perlu perbaikan</b>. Alasan: {reason}", where=where, reason=reason_text(t, d.reason))


def changed_meanwhile(t: Translator) -> str:
    return t.gettext("⚠️ Indikator ini berubah sejak kartunya ditampilkan (diubah PIC, atau sudah diputuskan staf "
                     "lain); tidak ada yang diubah. Periksa kartu di bawah ini.")


def skipped(t: Translator, region: RegionRef, code: str) -> str:
    return t.fmt("⏭ {name} · <code>{code}</code> dilewati; kartu ini muncul lagi pada sesi berikutnya.",
                 name=region.short_name, code=code)


def file_caption(t: Translator, region: RegionRef, code: str, name: str) -> str:
    return t.fmt("{region} · <code>{code}</code> · {file}", region=region.short_name, code=code, file=_cut(name, 200))


# -- told on its own ---------------------------------------------------------------------------------------------
def pic_notice(t: Translator, v: ReviewNoticeView) -> Reply:
    """To the kab/kota's PIC: what the Kanwil sent back (with reasons and a button each) and what it verified."""
    lines = [t.fmt("📋 <b>Hasil pemeriksaan Kanwil: {name}</b>", name=v.region.official_name), cycle_label(t, v.cycle)]
    if v.sent_back:
        n = len(v.sent_back)
        lines += ["", t.nfmt("↩️ <b>{count} indikator perlu perbaikan</b>",
                             "↩️ <b>{count} indikator perlu perbaikan</b>", n, count=t.number(n))]
        for r in v.sent_back:
            lines.append(t.fmt("• <code>{code}</code> {text}", code=r.code, text=_cut(r.text)))
            lines.append(t.fmt("  Alasan: {reason}", reason=reason_text(t, r.reason)))
    if v.verified:
        n = len(v.verified)
        lines += ["", t.nfmt("✅ <b>{count} indikator diverifikasi Kanwil</b>: {codes}",
                             "✅ <b>{count} indikator diverifikasi Kanwil</b>: {codes}", n, count=t.number(n),
                             codes=", ".join(v.verified))]
    if not v.sent_back:
        return Reply("\n".join(lines))
    lines += ["", t.gettext("Perbaiki data dukungnya: buka indikatornya dengan tombol di bawah, kirim berkas, tautan "
                            "atau catatan, lalu tandai <b>lengkap</b> lagi.")]
    if len(v.sent_back) > NOTICE_BUTTONS:
        lines.append(t.fmt("Indikator lainnya: /belum {name}", name=v.region.name))
    buttons = [Button(f"↩️ {r.code}", cb.build(cb.INDICATOR, v.region.code, r.code))
               for r in v.sent_back[:NOTICE_BUTTONS]]
    return Reply("\n".join(lines), rows(buttons, 3))


def queue_line(t: Translator, v: QueueLineView) -> Reply:
    """To a province's staf at their reminder hour, when something waits."""
    text = "⏳ " + waiting_line(t, v.waiting) + " · " + scope_name(t, v.province)
    button = Button(t.gettext("🔎 Buka antrean verifikasi"), cb.build(vcb.VERIFY_OPEN, v.province.code))
    return Reply(text, ((button,),))

"""``/belum`` and the ``/checklist`` browser: criteria -> indicators -> state."""

from __future__ import annotations

from bot.core.i18n import Translator
from bot.core.models import IndicatorState
from bot.domain.checklist import IndicatorStatus, RegionProgress, StateChange
from bot.domain.decisions import REASONS, SendBack
from bot.domain.labels import state_label
from bot.reference import RegionRef, criteria
from bot.render import Button, Reply, rows
from bot.render import callbacks as cb
from bot.render.common import STATE_ICONS, sample_notice
from bot.render.verification import reason_text

BELUM_PAGE = 20
CRITERION_PAGE = 10


def _pager(t: Translator, action: str, region: RegionRef, criterion: int, page: int, pages: int) -> tuple[Button, ...]:
    nav = []
    if page > 0:
        nav.append(Button(t.gettext("‹ Sebelumnya"), cb.build(action, region.code, criterion, page - 1, cb.IN_PLACE)))
    if page < pages - 1:
        nav.append(Button(t.gettext("Berikutnya ›"), cb.build(action, region.code, criterion, page + 1, cb.IN_PLACE)))
    return tuple(nav)


def _pages(count: int, size: int) -> int:
    return max(1, -(-count // size))


def belum(t: Translator, region: RegionRef, items: list[IndicatorStatus], criterion: int | None, page: int,
          sample: bool) -> Reply:
    """Indicators the kab/kota has not handed in yet, grouped by criterion, ``BELUM_PAGE`` a page; ``items`` are
    all of them (or a criterion's): those handed in and waiting for the Kanwil are counted, not listed."""
    waiting = sum(1 for s in items if s.state is IndicatorState.LENGKAP)
    items = [s for s in items if not s.state.is_complete]
    head = t.fmt("<b>Indikator belum lengkap: {name}</b>", name=region.official_name)
    if criterion:
        head += "\n" + t.fmt("Kriteria {number}. {name}", number=str(criterion), name=criteria()[criterion].name)
    if not items:
        done = t.nfmt("Semua indikator sudah diajukan; {n} di antaranya menunggu verifikasi Kanwil.",
                      "Semua indikator sudah diajukan; {n} di antaranya menunggu verifikasi Kanwil.", waiting) \
            if waiting else t.gettext("Semua indikator sudah terverifikasi Kanwil. 🎉")
        return Reply(head + "\n\n" + done)
    pages = _pages(len(items), BELUM_PAGE)
    page = max(0, min(page, pages - 1))
    shown = items[page * BELUM_PAGE : (page + 1) * BELUM_PAGE]
    lines = [head, t.nfmt("{n} indikator belum lengkap", "{n} indikator belum lengkap", len(items))]
    if waiting:
        lines.append(t.nfmt("{n} indikator lain sudah diajukan dan menunggu verifikasi Kanwil.",
                            "{n} indikator lain sudah diajukan dan menunggu verifikasi Kanwil.", waiting))
    if pages > 1:
        lines.append(t.fmt("Halaman {page} dari {pages}", page=page + 1, pages=pages))
    current = None
    for s in shown:
        if s.indicator.criterion_number != current:
            current = s.indicator.criterion_number
            lines.append("")
            lines.append(t.fmt("<b>{number}. {name}</b>", number=str(current), name=criteria()[current].name))
        lines.append(
            t.fmt("{icon} <code>{code}</code> {text} ({state})", icon=STATE_ICONS[s.state], code=s.indicator.code,
                  text=s.indicator.text, state=state_label(t, s.state))
        )
    if sample:
        lines.append("")
        lines.append(sample_notice(t))
    nav = _pager(t, cb.BELUM, region, criterion or 0, page, pages)
    return Reply("\n".join(lines), (nav,) if nav else ())


def criteria_menu(t: Translator, progress: RegionProgress) -> Reply:
    text = "\n".join([
        t.fmt("<b>Daftar indikator {name}</b>", name=progress.region.official_name),
        t.fmt("Terverifikasi Kanwil: <b>{verified}</b> dari {total} indikator ({pct}) · diajukan, menunggu "
              "verifikasi: <b>{handed_in}</b>", verified=t.number(progress.verified), total=t.number(progress.total),
              pct=t.percent(progress.verified_fraction), handed_in=t.number(progress.handed_in)),
        t.gettext("Pilih kriteria (terverifikasi/jumlah, lalu yang diajukan):"),
    ])
    buttons = [
        Button(
            t.plain("{number}. {name} ({verified}/{total}, {handed_in} diajukan)", number=str(c.criterion.number),
                    name=c.criterion.name, verified=c.verified, total=c.total, handed_in=c.handed_in)
            if c.handed_in else
            t.plain("{number}. {name} ({verified}/{total})", number=str(c.criterion.number), name=c.criterion.name,
                    verified=c.verified, total=c.total),
            cb.build(cb.CRITERION, progress.region.code, c.criterion.number, 0, cb.IN_PLACE),
        )
        for c in progress.criteria
    ]
    return Reply(text, rows(buttons, 1))


def criterion_page(t: Translator, region: RegionRef, number: int, items: list[IndicatorStatus], page: int) -> Reply:
    pages = _pages(len(items), CRITERION_PAGE)
    page = max(0, min(page, pages - 1))
    shown = items[page * CRITERION_PAGE : (page + 1) * CRITERION_PAGE]
    lines = [
        f"<b>{t.escape(region.official_name)}</b>",
        t.fmt("Kriteria {number}. {name}", number=str(number), name=criteria()[number].name),
    ]
    if pages > 1:
        lines.append(t.fmt("Halaman {page} dari {pages}", page=page + 1, pages=pages))
    lines.append("")
    for s in shown:
        lines.append(t.fmt("{icon} <code>{code}</code> {text}", icon=STATE_ICONS[s.state], code=s.indicator.code,
                           text=s.indicator.text))
    if not items:
        lines.append(t.gettext("Tidak ada indikator pada kriteria ini."))
    buttons = [
        Button(f"{STATE_ICONS[s.state]} {s.indicator.code}",
               cb.build(cb.INDICATOR, region.code, s.indicator.code, cb.IN_PLACE))
        for s in shown
    ]
    nav = _pager(t, cb.CRITERION, region, number, page, pages)
    back = (Button(t.gettext("‹ Daftar kriteria"), cb.build(cb.CHECKLIST, region.code, cb.IN_PLACE)),)
    return Reply("\n".join(lines), rows(buttons, 4) + ((nav,) if nav else ()) + (back,))


def indicator_detail(t: Translator, region: RegionRef, s: IndicatorStatus, may_edit: bool,
                     states: list[IndicatorState], tz: str, files: int = 0, may_see_files: bool | None = None,
                     sent_back: SendBack | None = None) -> Reply:
    """``may_edit``: the reader may add links, notes and files; ``states``: the states they may choose now;
    ``files``: data-dukung files sent to the bot (a button sends them back to ``may_see_files``, by default
    an editor: the region's staf and PIC, also once the indicator is verified); ``sent_back``: the Kanwil's last
    decision when it sent the indicator back (its reason is shown while it is *perlu perbaikan*)."""
    may_see_files = may_edit if may_see_files is None else may_see_files
    ind = s.indicator
    lines = [
        t.fmt("<b>{name}</b> · <code>{code}</code>", name=region.official_name, code=ind.code),
        t.fmt("Kriteria {number}. {name}", number=str(ind.criterion_number),
              name=criteria()[ind.criterion_number].name),
        t.fmt("Jenis: {kind} · bobot {weight}", kind=ind.kind, weight=t.number(ind.weight)),
        "",
        t.escape(ind.text),
        "",
        t.fmt("Status: {icon} <b>{state}</b>", icon=STATE_ICONS[s.state], state=state_label(t, s.state)),
    ]
    if sent_back is not None and s.state is IndicatorState.DITOLAK:
        lines.append(t.fmt("Alasan perbaikan: {reason}", reason=reason_text(t, sent_back.reason)))
    if s.link:
        lines.append(t.fmt("Data dukung: {link}", link=s.link))
    if s.note and not (sent_back is not None and s.note == sent_back.reason):  # the reason, stored as the note
        lines.append(t.fmt("Catatan: {note}", note=s.note))  # before it was kept apart: shown once, as the reason
    if s.updated_at:
        lines.append(t.fmt("Diperbarui: {when}", when=t.datetime(s.updated_at, tz)))
    if files:
        lines.append(t.nfmt("Berkas data dukung: {n}", "Berkas data dukung: {n}", files))
    if may_edit:
        lines.append("<i>" + t.gettext("Lampirkan berkas: balas pesan ini dengan dokumen atau foto.") + "</i>")
    elif may_see_files and s.state is IndicatorState.TERVERIFIKASI:
        lines.append("<i>" + t.gettext("Sudah diverifikasi Kanwil: status, data dukung, tautan dan catatannya hanya "
                                       "dapat diubah staf Bidang HAM.") + "</i>")
    keyboard: tuple[tuple[Button, ...], ...] = ()
    if may_see_files and files:
        keyboard += ((Button(t.nfmt("📂 Lihat {n} berkas", "📂 Lihat {n} berkas", files),
                             cb.build(cb.FILES, region.code, ind.code)),),)
    keyboard += rows([
        Button(f"{STATE_ICONS[st]} {state_label(t, st)}",
               cb.build(cb.SET_STATE, region.code, ind.code, st.value, cb.IN_PLACE))
        for st in states
    ], 2)
    if may_edit:
        keyboard += ((Button(t.gettext("📎 Tambah tautan/catatan"), cb.build(cb.ADD_NOTE, region.code, ind.code)),),)
    back = (Button(t.gettext("‹ Kembali"), cb.build(cb.CRITERION, region.code, ind.criterion_number, 0, cb.IN_PLACE)),)
    return Reply("\n".join(lines), keyboard + (back,))


def state_changed(t: Translator, region: RegionRef, change: StateChange) -> str:
    """What a change did: the state before and after, or "Status tetap" (a link or note saved, or nothing)."""
    where = {"name": region.official_name, "code": change.indicator.code}
    if not change.kept:
        lines = [t.fmt("✔️ {name}, indikator <code>{code}</code>: {before} → <b>{after}</b>",
                       before=state_label(t, change.before), after=state_label(t, change.after), **where)]
    elif change.link:
        lines = [t.fmt("✔️ Tautan data dukung disimpan: {name}, indikator <code>{code}</code>.", **where)]
    elif change.note:
        lines = [t.fmt("✔️ Catatan disimpan: {name}, indikator <code>{code}</code>.", **where)]
    elif change.reason:  # perlu perbaikan again, for another reason: the PIC is told of it
        lines = [t.fmt("✔️ Alasan perbaikan diperbarui: {name}, indikator <code>{code}</code>. PIC akan diberi "
                       "tahu.", **where)]
    else:
        lines = [t.fmt("Tidak ada yang diubah: {name}, indikator <code>{code}</code>.", **where)]
    if change.link:
        lines.append(t.fmt("Data dukung: {link}", link=change.link))
    if change.note:
        lines.append(t.fmt("Catatan: {note}", note=change.note))
    if change.reason:
        lines.append(t.fmt("Alasan: {reason}", reason=reason_text(t, change.reason)))
    if change.kept:
        lines.append(t.fmt("Status tetap: <b>{state}</b>", state=state_label(t, change.after)))
    return "\n".join(lines)


def send_back_reasons(t: Translator, region: RegionRef, code: str, detail: Reply) -> Reply:
    """The indicator again (``detail``'s text), asking why it goes back: a common reason, or "Tulis alasan"
    (as a card of /verifikasi asks)."""
    text = detail.text + "\n\n" + t.gettext("<b>Mengapa perlu perbaikan?</b> Pilih alasannya, atau tulis sendiri.")
    buttons = [(Button(t.gettext(reason), cb.build(cb.SEND_BACK, region.code, code, f"r{i}", cb.IN_PLACE)),)
               for i, reason in enumerate(REASONS, 1)]
    buttons.append((Button(t.gettext("✍️ Tulis alasan"), cb.build(cb.SEND_BACK, region.code, code, "tw")),))
    buttons.append((Button(t.gettext("‹ Kembali"), cb.build(cb.INDICATOR, region.code, code, cb.IN_PLACE)),))
    return Reply(text, tuple(buttons))


def ask_evidence(t: Translator, region: RegionRef, code: str) -> Reply:
    return Reply(t.fmt(
        "Kirim tautan data dukung (https://… atau www.…), catatan, atau berkas (dokumen atau foto) untuk {name}, "
        "indikator <code>{code}</code>. Ketik /batal untuk membatalkan.", name=region.official_name, code=code))

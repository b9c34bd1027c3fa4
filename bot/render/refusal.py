"""What a person is told when ``bot.domain.access`` refuses them: why, and who may do it.

The decision is :func:`bot.domain.access.allowed`'s alone; this module only words it, from the person's grants
and what they tried (the action and its place). One or two short sentences, short enough for a button's alert
(Telegram shows at most 200 characters there).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.i18n import N_, Translator
from bot.domain.access import REGION_ACTIONS, STAFF_ACTIONS, Action, Scope, allowed
from bot.domain.people import Grants
from bot.reference import ProvinceRef, RegionRef, provinces
from bot.render.people import place

ALERT_LIMIT = 200  # what Telegram shows in a button's alert (answerCallbackQuery text)

# what each action is, after "Hanya … yang dapat"
WHAT = {
    Action.MANAGE_EVENTS: N_("membuat, mengubah atau membatalkan jadwal acara"),
    Action.SUBSCRIBE: N_("mengatur pengingat grup"),
    Action.BROADCAST: N_("mengumumkan hasil ke grup"),
    Action.INVITE: N_("mengundang anggota"),
    Action.MEMBERS: N_("melihat daftar anggota"),
    Action.REVOKE: N_("mencabut peran"),
    Action.ASSESS_AKSI: N_("menilai laporan Aksi HAM dan menetapkan daftar aksinya"),
    Action.VERIFY: N_("memverifikasi data dukung"),
    Action.EDIT_CHECKLIST: N_("mengubah status dan data dukung indikator"),
    Action.RECORD_AKSI: N_("mencatat laporan Aksi HAM"),
    Action.HISTORY: N_("melihat riwayat perubahan"),
}


def refusal(t: Translator, g: Grants, action: Action, target: Scope = None, targets: tuple[Scope, ...] = (),
            html: bool = True) -> str:
    """Why ``g`` may not do ``action`` (on ``target``, or on each of ``targets``), and what to do instead.

    ``html``: for a message (values escaped); otherwise plain text for a button's alert, cut to its limit."""
    fill: Callable[..., str] = t.fmt if html else t.plain
    text = _reason(t, fill, g, action, target, targets)
    if not html and len(text) > ALERT_LIMIT:
        text = text[: ALERT_LIMIT - 1].rstrip() + "…"
    return text


def _reason(t: Translator, fill: Callable[..., str], g: Grants, action: Action, target: Scope,
            targets: tuple[Scope, ...]) -> str:
    if not g.has_role:  # a stranger (or a member of a bound group without a role of their own)
        return t.gettext("Anda belum terdaftar. Mintalah tautan undangan kepada Bidang HAM Kanwil di provinsi Anda; "
                         "ID Telegram Anda dapat dilihat dengan /saya.")
    if not allowed(g, action):  # the role has no such right anywhere
        return _role_lacks(t, fill, g, action)
    refused = next((s for s in (targets or (target,)) if not allowed(g, action, s)), target)
    if isinstance(refused, str) or refused is None:  # "nasional": an event for every province
        return t.gettext("Acara nasional hanya dapat dibuat oleh admin.")
    return _elsewhere(t, fill, g, action, refused)


def _role_lacks(t: Translator, fill: Callable[..., str], g: Grants, action: Action) -> str:
    if action is Action.VIEW_NATIONAL:
        first = t.gettext("Rekap nasional hanya dapat dilihat oleh staf Kanwil dan admin.")
    elif action in STAFF_ACTIONS:
        first = fill(N_("Hanya staf Bidang HAM Kanwil dan admin yang dapat {what}."), what=t.gettext(WHAT[action]))
    elif action in REGION_ACTIONS:
        first = fill(N_("Hanya PIC kab/kota, staf Bidang HAM Kanwil dan admin yang dapat {what}."),
                     what=t.gettext(WHAT[action]))
    else:
        first = t.gettext("Peran Anda tidak mencakup perintah ini.")
    return f"{first} {_who(t, fill, g)}".strip()


def _elsewhere(t: Translator, fill: Callable[..., str], g: Grants, action: Action,
               refused: RegionRef | ProvinceRef) -> str:
    """A place outside the person's scope: name it and name theirs."""
    name = place(refused.code)
    staff_reach = g.staf and (action in STAFF_ACTIONS or action in REGION_ACTIONS)
    if staff_reach and isinstance(refused, RegionRef) and refused.province_code not in g.staf:
        return fill(N_("{place} berada di {province}; Anda staf Kanwil {own}."), place=name,
                    province=place(refused.province_code), own=_places(g.staf))
    if staff_reach:
        return fill(N_("{place} bukan wilayah Anda; Anda staf Kanwil {own}."), place=name, own=_places(g.staf))
    if g.pic:
        return fill(N_("{place} bukan wilayah Anda. Anda PIC {own}."), place=name, own=_places(g.pic))
    return (fill(N_("{place} bukan wilayah Anda."), place=name) + " " + _who(t, fill, g)).strip()


def _who(t: Translator, fill: Callable[..., str], g: Grants) -> str:
    """The person's roles, one sentence: "Anda PIC Kabupaten Tapin."."""
    if g.staf:
        return fill(N_("Anda staf Kanwil {own}."), own=_places(g.staf))
    if g.pic:
        return fill(N_("Anda PIC {own}."), own=_places(g.pic))
    if g.pemantau:
        return fill(N_("Anda pemantau {own} (hanya dapat melihat)."), own=_places(g.pemantau))
    return ""


def _places(codes: frozenset[str]) -> str:
    """``Provinsi Kalimantan Selatan``, ``Kabupaten Tapin, Kota Banjarbaru`` (at most three, then "…")."""
    ordered = sorted(codes, key=lambda c: (c not in provinces(), c))
    shown = ", ".join(place(c) for c in ordered[:3])
    return shown + (", …" if len(ordered) > 3 else "")

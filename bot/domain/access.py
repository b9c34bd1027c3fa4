"""Who may do what, decided here and nowhere else.

Roles: **admin** (everything, everywhere; ``PANTAU_ADMIN_IDS`` are bootstrapped as admins), **staf**
(Bidang HAM staff of a province: its kab/kota, events, groups, broadcasts, members), **pic** (focal
point of a kab/kota: its checklist, and its Aksi HAM reports handed in), **pemantau** (read only). Anyone writing in a
group that is bound to a region may read. A scope is the kab/kota, province or event scope acted on;
no scope means "somewhere" (opening a menu, starting a conversation).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from bot.core.i18n import N_
from bot.core.models import AksiStatus, IndicatorState
from bot.domain.people import Grants
from bot.reference import Place, ProvinceRef, RegionRef


class Action(StrEnum):
    VIEW = "view"  # /status, /belum, /checklist (browse), /jadwal, /kalender, /aksi (read)
    VIEW_NATIONAL = "view_national"  # /status nasional: staf of any province and admins
    EDIT_CHECKLIST = "edit_checklist"  # /tandai, state buttons in /checklist
    RECORD_AKSI = "record_aksi"  # /aksi <wilayah> <periode> <aksi> <status> ...: see aksi_status_as/aksi_refusal
    ASSESS_AKSI = "assess_aksi"  # the Kanwil's: nilai capaian, a whole period, the list of actions (jumlah, judul)
    VERIFY = "verify"  # /verifikasi: the Kanwil checks what a kab/kota handed in (staf of the province, admins)
    MANAGE_EVENTS = "manage_events"  # /jadwal_tambah, /jadwal_ubah, /jadwal_batal
    SUBSCRIBE = "subscribe"  # /langganan, /berhenti
    BROADCAST = "broadcast"  # /umumkan
    INVITE = "invite"  # /undang
    MEMBERS = "members"  # /anggota
    REVOKE = "revoke"  # /cabut
    HISTORY = "history"  # /riwayat
    LEAVE = "leave"  # /keluar


STAFF_ACTIONS = {Action.MANAGE_EVENTS, Action.SUBSCRIBE, Action.BROADCAST, Action.INVITE, Action.MEMBERS,
                 Action.REVOKE, Action.ASSESS_AKSI, Action.VERIFY}
REGION_ACTIONS = {Action.EDIT_CHECKLIST, Action.RECORD_AKSI, Action.HISTORY}

# What a focal point may set on their own kab/kota's checklist; verifying (terverifikasi) and sending back
# for revision (ditolak, shown as "perlu perbaikan") are the Kanwil's (staf of the province, admin).
PIC_STATES = frozenset({IndicatorState.BELUM, IndicatorState.PROSES, IndicatorState.LENGKAP})

Scope = Place | str | None  # what an action is on: a place, "nasional" (a national event), or somewhere


def _provinces_of(target: Scope) -> set[str] | None:
    """The provinces a target touches; None for national."""
    if isinstance(target, ProvinceRef):
        return {target.code}
    if isinstance(target, RegionRef):
        return {target.province_code}
    return None


def allowed(g: Grants, action: Action, target: Scope = None, targets: tuple[Scope, ...] = ()) -> bool:
    """``targets``: several at once (an event's scope); all must be allowed."""
    if targets:
        return all(allowed(g, action, t) for t in targets)
    if g.admin:
        return True
    if action is Action.VIEW:
        return g.has_role or bool(g.bound_chat)
    if action is Action.VIEW_NATIONAL:
        return bool(g.staf)
    if action is Action.LEAVE:
        return g.has_role
    if action in STAFF_ACTIONS:
        if target is None:
            return bool(g.staf)
        touched = _provinces_of(target)
        return touched is not None and touched <= g.staf
    if action in REGION_ACTIONS:
        if target is None:
            return bool(g.staf or g.pic)
        if isinstance(target, ProvinceRef):
            return target.code in g.staf
        if isinstance(target, RegionRef):
            return target.province_code in g.staf or target.code in g.pic
        return False
    return False


def may_answer_reminder(g: Grants, places: Iterable[RegionRef]) -> bool:
    """Whether ``g`` may answer a reminder sent for ``places`` (the kab/kota the chat speaks for): "Sudah
    dikerjakan" stops its reminders and keeps those kab/kota out of the escalation, "Ingatkan besok" adds
    one. A PIC of one of the kab/kota, staf of one of their provinces, an admin. Not a pemantau (read only),
    nor a member of the chat without a role: a province group's member would otherwise silence the province."""
    if g.admin:
        return True
    return any(r.code in g.pic or r.province_code in g.staf for r in places)


def may_change_evidence(g: Grants, region: RegionRef, current: IndicatorState | str | None = None) -> bool:
    """Whether ``g`` may add or replace the data dukung (link, note, files) of ``region``'s indicator that is
    now in state ``current``.

    A verified indicator's evidence, link and note are the Kanwil's (staf of the province, admins): the
    verification was of exactly that evidence. ``/tandai``, the "Tambah tautan/catatan" button, a file and
    an import row all ask this (through :func:`may_set_state`), so none of them lets a PIC change it.
    """
    if not allowed(g, Action.EDIT_CHECKLIST, region):
        return False
    if g.admin or region.province_code in g.staf:
        return True
    return current is None or IndicatorState(current) is not IndicatorState.TERVERIFIKASI


def may_set_state(g: Grants, region: RegionRef, state: IndicatorState | str,
                  current: IndicatorState | str | None = None) -> bool:
    """Whether ``g`` may set ``region``'s indicator to ``state`` (from ``current``, when known), with or
    without new evidence.

    Admins and the staf of the province set any state. A PIC of the kab/kota sets only ``PIC_STATES``, and
    may not touch an indicator the Kanwil has verified (``terverifikasi``): neither reopen it nor change its
    evidence (:func:`may_change_evidence`). Keeping the state (``state == current``) while adding a link,
    note or file is otherwise allowed: an indicator sent back (``ditolak``) is the PIC's to fix.
    """
    if not may_change_evidence(g, region, current):
        return False
    if g.admin or region.province_code in g.staf:
        return True
    if current is not None and IndicatorState(state) is IndicatorState(current):
        return True
    return IndicatorState(state) in PIC_STATES


def settable_states(g: Grants, region: RegionRef, current: IndicatorState | str | None = None) -> list[IndicatorState]:
    """The states ``g`` may choose for an indicator of ``region`` now in state ``current`` (buttons)."""
    return [st for st in IndicatorState if st != current and may_set_state(g, region, st, current)]


# -- Aksi HAM by action ------------------------------------------------------------------------------------
# The Kanwil (staf of the province, admins) checks each action's report: lengkap or tidak lengkap, with a
# nilai capaian. A focal point hands their own kab/kota's reports in: what they record is ``diajukan``
# (counted as reported, so the reminders stop, but shown apart until the Kanwil checks it). They may hand
# in again a report the Kanwil found incomplete, never change one it found complete, and never set a nilai.

def is_kanwil(g: Grants, region: RegionRef) -> bool:
    """Whether ``g`` checks ``region``'s Aksi HAM reports: an admin or staf of its province."""
    return allowed(g, Action.ASSESS_AKSI, region)


def aksi_status_as(g: Grants, region: RegionRef, typed: AksiStatus, current: AksiStatus | None) -> AksiStatus:
    """What ``typed`` means coming from ``g``: the Kanwil's word as typed; a focal point's ``lengkap`` (or
    ``diajukan``) is a report handed in, ``diajukan``, except that it keeps a report already handed in or
    found complete as it is (sending an exported file back changes nothing)."""
    if is_kanwil(g, region) or typed is AksiStatus.TIDAK_LENGKAP:
        return typed
    if current in (AksiStatus.LENGKAP, AksiStatus.DIAJUKAN):
        return current
    return AksiStatus.DIAJUKAN


def aksi_refusal(g: Grants, region: RegionRef, current: AksiStatus | None, status: AksiStatus,
                 nilai_changes: bool, note_changes: bool) -> str | None:
    """None when ``g`` may record this report of ``region`` (``status`` as :func:`aksi_status_as` gave it),
    else the message id of the reason (``{region}`` is filled by the caller). A report recorded exactly as
    it is changes nothing and is never refused for a right the person lacks."""
    if not allowed(g, Action.RECORD_AKSI, region):
        return N_("Anda tidak berwenang mencatat Aksi HAM {region}.")
    if is_kanwil(g, region) or (status is current and not nilai_changes and not note_changes):
        return None
    if nilai_changes:
        return N_("PIC tidak berwenang mencatat nilai capaian; nilai capaian dicatat oleh Kanwil.")
    if status is AksiStatus.TIDAK_LENGKAP:
        return N_("PIC tidak berwenang menyatakan laporan “tidak lengkap”: itu penilaian Kanwil. PIC mencatat laporan "
                  "aksi yang sudah diajukan (lengkap).")
    if current is AksiStatus.LENGKAP:
        return N_("Laporan ini sudah dinyatakan lengkap oleh Kanwil; PIC tidak berwenang mengubahnya.")
    return None

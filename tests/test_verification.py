"""The Kanwil's verification queue as a service (``bot.domain.verification``): what waits, in which order, one
decision per card as it was shown, skipping within a sitting, and every decision recorded for the PIC."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.core.errors import UserError
from bot.core.models import AuditEntry, ChecklistEntry, IndicatorState, ReviewNotice
from bot.domain import verification as v
from bot.domain.checklist import set_state
from bot.domain.evidence import IncomingFile, attach
from bot.reference import provinces, regions
from tests.conftest import PIC, STAF

KALSEL = provinces()["63"]
TAPIN, HSS, BANJAR = regions()["63.05"], regions()["63.06"], regions()["63.03"]
SAMARINDA = regions()["64.72"]
LENGKAP, VERIFIED, BACK = IndicatorState.LENGKAP, IndicatorState.TERVERIFIKASI, IndicatorState.DITOLAK


def hand_in(rt, region, code, actor=PIC, minutes=1, note=None):
    """The PIC hands ``code`` in; the clock moves on ``minutes`` first (hand-ins are ordered by time)."""
    rt.clock.advance(timedelta(minutes=minutes))
    with rt.session() as session:
        set_state(session, rt.clock, rt.cycle(session), region, code, LENGKAP, actor, note)


def card(rt, scope, after=None) -> v.Card:
    with rt.session() as session:
        return v.next_card(session, rt.cycle(session), scope, after)


def decide(rt, item: v.QueueItem, verdict, reason=None, actor=STAF, stamp=None):
    with rt.session() as session:
        return v.decide(session, rt.clock, rt.cycle(session), item.entry_id, item.stamp if stamp is None else stamp,
                        verdict, actor, reason)


def codes(rt, scope) -> list[tuple[str, str]]:
    """The whole queue, card after card, skipping each (what one sitting would see)."""
    seen, after = [], None
    while (c := card(rt, scope, after)).item is not None:
        seen.append((c.item.region.code, c.item.indicator.code))
        after = c.item.key
    return seen


def test_the_queue_is_oldest_hand_in_first_with_a_count_per_kab_kota(catalog):
    rt = catalog
    hand_in(rt, HSS, "2.01")
    hand_in(rt, TAPIN, "1.03")
    hand_in(rt, TAPIN, "1.01")
    hand_in(rt, BANJAR, "3.01")
    hand_in(rt, HSS, "2.02")
    hand_in(rt, SAMARINDA, "1.01", actor=555)  # another province: not in Kalsel's queue
    with rt.session() as session:  # proses and verified ones wait for nobody
        set_state(session, rt.clock, rt.cycle(session), TAPIN, "1.04", IndicatorState.PROSES, PIC)
        set_state(session, rt.clock, rt.cycle(session), TAPIN, "1.05", VERIFIED, STAF)
    assert codes(rt, KALSEL) == [("63.06", "2.01"), ("63.05", "1.03"), ("63.05", "1.01"), ("63.03", "3.01"),
                                 ("63.06", "2.02")]
    assert codes(rt, TAPIN) == [("63.05", "1.03"), ("63.05", "1.01")]
    first = card(rt, KALSEL)
    assert [(r.code, n) for r, n in first.waiting.per_region] == [("63.05", 2), ("63.06", 2), ("63.03", 1)]
    assert (first.waiting.total, first.waiting.regions, first.skipped) == (5, 3, 0)
    # handed in again after going back to proses: at the end of the queue, not where it was
    with rt.session() as session:
        set_state(session, rt.clock, rt.cycle(session), HSS, "2.01", IndicatorState.PROSES, PIC)
    hand_in(rt, HSS, "2.01")
    assert codes(rt, KALSEL)[-1] == ("63.06", "2.01")


def test_a_card_shows_who_handed_it_in_when_with_its_note_link_and_newest_files(catalog):
    rt = catalog
    from bot.domain.people import seen

    with rt.session() as session:
        seen(session, rt.clock, PIC, "Rina", "rina_tapin")
        for i in range(8):
            attach(session, rt.clock, rt.cycle(session), TAPIN, "1.02",
                   IncomingFile("photo" if i % 2 else "document", f"f{i}", f"u{i}", f"berkas-{i}.pdf", None, 10), PIC)
    hand_in(rt, TAPIN, "1.02", note="Perda No. 3/2023 terlampir")
    with rt.session() as session:
        set_state(session, rt.clock, rt.cycle(session), TAPIN, "1.02", LENGKAP, PIC, "https://drive.example/1.02")
    item = card(rt, TAPIN).item
    assert (item.indicator.code, item.handed_in_by, item.handed_in_name) == ("1.02", PIC, "Rina (@rina_tapin)")
    assert item.note == "Perda No. 3/2023 terlampir" and item.link == "https://drive.example/1.02"
    assert item.file_total == 8 and [f.name for f in item.files] == [f"berkas-{i}.pdf" for i in range(2, 8)]


def test_a_decision_applies_to_the_card_as_shown_once(catalog):
    rt = catalog
    hand_in(rt, TAPIN, "1.01")
    hand_in(rt, TAPIN, "1.02")
    hand_in(rt, TAPIN, "1.03")
    first = card(rt, TAPIN).item
    rt.clock.advance(timedelta(seconds=5))
    done = decide(rt, first, VERIFIED)
    assert (done.done, done.state, done.code) == (True, VERIFIED, "1.01")
    again = decide(rt, first, BACK, "Dokumen tidak lengkap", actor=777)  # another staf, a moment later
    assert (again.done, again.state) == (False, VERIFIED)
    # the PIC took 1.02 back to proses while its card was open: nothing is decided
    second = card(rt, TAPIN).item
    with rt.session() as session:
        set_state(session, rt.clock, rt.cycle(session), TAPIN, "1.02", IndicatorState.PROSES, PIC)
    assert decide(rt, second, VERIFIED).done is False
    # the PIC added a link to 1.03 after its card was shown: still lengkap, but not the card the staf saw
    third = card(rt, TAPIN).item
    rt.clock.advance(timedelta(seconds=2))
    with rt.session() as session:
        set_state(session, rt.clock, rt.cycle(session), TAPIN, "1.03", LENGKAP, PIC, "https://drive.example/baru")
    stale = decide(rt, third, VERIFIED)
    assert (stale.done, stale.state) == (False, LENGKAP)
    assert decide(rt, card(rt, TAPIN).item, VERIFIED).done  # its fresh card
    with rt.session() as session:
        states = {e.indicator_code: e.state for e in session.exec(select(ChecklistEntry))}
        audits = [json.loads(a.after) for a in session.exec(select(AuditEntry).where(
            AuditEntry.action == "checklist.state")) if json.loads(a.after).get("via") == "verifikasi"]
    assert states == {"1.01": "terverifikasi", "1.02": "proses", "1.03": "terverifikasi"}
    assert len(audits) == 2  # the two decisions that happened, nothing for the refused ones


def test_sending_back_keeps_the_reason_with_the_decision_and_the_pics_note_as_it_was(catalog):
    rt = catalog
    hand_in(rt, TAPIN, "1.01", note="SK terlampir")
    item = card(rt, TAPIN).item
    with pytest.raises(UserError):
        decide(rt, item, BACK, "x" * 1001)
    with pytest.raises(UserError):
        decide(rt, item, BACK, "   ")
    assert decide(rt, item, BACK, "Dokumen belum ditandatangani/disahkan").done
    with rt.session() as session:
        entry = session.exec(select(ChecklistEntry)).one()
        (notice,) = session.exec(select(ReviewNotice)).all()
        (audit,) = session.exec(select(AuditEntry).where(AuditEntry.action == "checklist.state",
                                                         AuditEntry.actor_id == STAF)).all()
    assert (entry.state, entry.note, entry.updated_by) == ("ditolak", "SK terlampir", STAF)
    assert (notice.region_code, notice.indicator_code, notice.verdict, notice.reason, notice.decided_by,
            notice.batch) == ("63.05", "1.01", "ditolak", "Dokumen belum ditandatangani/disahkan", STAF, None)
    assert json.loads(audit.before)["note"] == "SK terlampir" and json.loads(audit.after)["state"] == "ditolak"
    assert json.loads(audit.after)["reason"] == "Dokumen belum ditandatangani/disahkan"


def test_handed_in_again_the_card_shows_the_earlier_reason_apart_from_the_note(catalog):
    rt = catalog
    hand_in(rt, TAPIN, "1.01")
    decide(rt, card(rt, TAPIN).item, BACK, "Tautan tidak dapat dibuka")
    hand_in(rt, TAPIN, "1.01")  # without a note of the PIC's own
    item = card(rt, TAPIN).item
    assert (item.note, item.earlier.reason) == (None, "Tautan tidak dapat dibuka")
    decide(rt, item, BACK, "Dokumen tidak lengkap")
    hand_in(rt, TAPIN, "1.01", note="Tautan diperbaiki")
    item = card(rt, TAPIN).item
    assert (item.note, item.earlier.reason) == ("Tautan diperbaiki", "Dokumen tidak lengkap")
    decide(rt, item, VERIFIED)
    with rt.session() as session:  # verified at last, then reopened by the staf: no reason to repeat
        set_state(session, rt.clock, rt.cycle(session), TAPIN, "1.01", LENGKAP, STAF)
    assert card(rt, TAPIN).item.earlier is None


def test_a_reason_stored_as_the_note_before_the_fix_is_shown_once_as_the_reason(catalog):
    rt = catalog
    hand_in(rt, TAPIN, "1.01")
    decide(rt, card(rt, TAPIN).item, BACK, "Tautan tidak dapat dibuka")
    with rt.session() as session:  # what the bot wrote before: the reason in the note
        entry = session.exec(select(ChecklistEntry)).one()
        entry.note = "Tautan tidak dapat dibuka"
        session.add(entry)
    hand_in(rt, TAPIN, "1.01")
    item = card(rt, TAPIN).item
    assert (item.note, item.earlier.reason) == (None, "Tautan tidak dapat dibuka")


def test_decisions_by_command_button_or_import_are_recorded_too_and_hand_ins_are_stamped(catalog):
    rt = catalog
    hand_in(rt, TAPIN, "1.01", note="catatan PIC")
    hand_in(rt, TAPIN, "1.02")
    with rt.session() as session:
        cycle = rt.cycle(session)
        handed = session.exec(select(ChecklistEntry).where(ChecklistEntry.indicator_code == "1.01")).one()
        assert (handed.handed_in_by, handed.handed_in_at) == (PIC, handed.updated_at)
    with rt.session() as session, pytest.raises(UserError, match="alasan"):  # /tandai without a reason
        set_state(session, rt.clock, rt.cycle(session), TAPIN, "1.01", BACK, STAF)
    with rt.session() as session:
        cycle = rt.cycle(session)
        set_state(session, rt.clock, cycle, TAPIN, "1.01", BACK, STAF, reason="Dokumen tidak lengkap")  # a button
        set_state(session, rt.clock, cycle, TAPIN, "1.02", BACK, STAF, "Tautan tidak dapat dibuka")
        set_state(session, rt.clock, cycle, TAPIN, "1.02", BACK, STAF, "Tautan tidak dapat dibuka lagi")  # kept
        set_state(session, rt.clock, cycle, TAPIN, "1.03", VERIFIED, STAF)
        notices = [(n.indicator_code, n.verdict, n.reason) for n in session.exec(select(ReviewNotice))]
        notes = {e.indicator_code: e.note for e in session.exec(select(ChecklistEntry))}
    # the PIC's old note is no reason, nor the reason a note; a state kept (a second note) is no new decision
    assert notices == [("1.01", "ditolak", "Dokumen tidak lengkap"), ("1.02", "ditolak", "Tautan tidak dapat dibuka"),
                       ("1.03", "terverifikasi", None)]
    assert notes == {"1.01": "catatan PIC", "1.02": "Tautan tidak dapat dibuka lagi", "1.03": None}


def test_skipping_moves_past_a_card_for_this_sitting_only(catalog):
    rt = catalog
    for code in ("1.01", "1.02", "1.03"):
        hand_in(rt, TAPIN, code)
    chat = STAF
    with rt.session() as session:
        v.keep_sitting(session, rt.clock, chat, STAF, KALSEL, None)
        first = v.next_card(session, rt.cycle(session), KALSEL).item
        v.skip(session, rt.clock, rt.cycle(session), chat, STAF, KALSEL, first.entry_id)
        after = v.sitting_cursor(session, rt.clock, chat, STAF, KALSEL)
        nxt = v.next_card(session, rt.cycle(session), KALSEL, after)
    assert (first.indicator.code, nxt.item.indicator.code, nxt.skipped) == ("1.01", "1.02", 1)
    decide(rt, nxt.item, VERIFIED)
    assert card(rt, KALSEL, after).item.indicator.code == "1.03"  # the skipped one does not come back
    decide(rt, card(rt, KALSEL, after).item, VERIFIED)
    end = card(rt, KALSEL, after)
    assert (end.item, end.skipped, end.waiting.total) == (None, 1, 1)
    with rt.session() as session:  # another scope is another sitting; a new /verifikasi starts from the oldest
        assert v.sitting_cursor(session, rt.clock, chat, STAF, TAPIN) is None
    assert card(rt, KALSEL).item.indicator.code == "1.01"


def test_the_daily_count_can_stop_at_a_moment(catalog):
    rt = catalog
    hand_in(rt, TAPIN, "1.01")
    moment = rt.clock.now()
    hand_in(rt, TAPIN, "1.02")
    with rt.session() as session:
        assert v.waiting(session, rt.cycle(session), KALSEL).total == 2
        assert v.waiting(session, rt.cycle(session), KALSEL, handed_in_before=moment).total == 1


def test_an_import_hands_in_and_decides_like_the_commands(catalog):
    """A spreadsheet sent back by the Kanwil: ``lengkap`` rows are hand-ins (queued), ``perlu perbaikan`` with a
    note and ``terverifikasi`` rows are decisions told to the PIC, the note being the reason."""
    from bot.io import progress_import
    from bot.io.spreadsheets import read_table
    from tests.test_progress_import import HEADER, csv_bytes

    rt = catalog
    hand_in(rt, TAPIN, "1.01", note="catatan PIC")
    rows = [HEADER, ["Tapin", "1.01", "perlu perbaikan", "", "Dokumen bukan tahun yang dinilai"],
            ["Tapin", "1.02", "terverifikasi", "", ""], ["Tapin", "1.03", "lengkap", "", ""]]
    table = read_table(csv_bytes(rows), "progres.csv", progress_import.SHEETS)
    rt.clock.advance(timedelta(minutes=1))
    with rt.session() as session:
        plan = progress_import.plan(session, rt.cycle(session), table)
        progress_import.apply(session, rt.clock, rt.cycle(session), plan, STAF, "progres.csv")
        notices = [(n.indicator_code, n.verdict, n.reason, n.decided_by) for n in session.exec(select(ReviewNotice))]
    assert notices == [("1.01", "ditolak", "Dokumen bukan tahun yang dinilai", STAF),
                       ("1.02", "terverifikasi", None, STAF)]
    item = card(rt, TAPIN).item
    assert (item.indicator.code, item.handed_in_by, item.handed_in_at) == ("1.03", STAF, rt.clock.now())

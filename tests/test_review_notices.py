"""What the verification loop tells people on its own, through the delivery engine (``bot/messaging/review.py``):
the PIC gets one message per review sitting, a few minutes after the last decision on their kab/kota; the staf
get one line a day at their reminder hour in their province's zone when something waits. Exactly once, on the
injectable clock, and on PostgreSQL with two copies at once."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.core.clock import FixedClock
from bot.core.db import make_engine
from bot.core.models import IndicatorState, Outbox, ReviewNotice
from bot.domain import verification as v
from bot.domain.catalog import import_sample
from bot.domain.checklist import set_state
from bot.domain.language import choose_language
from bot.domain.runtime import Runtime
from bot.messaging.delivery import Outcome, SendResult
from bot.messaging.engine import DeliveryEngine
from bot.messaging.review import enqueue_notices, enqueue_queue_lines
from bot.reference import provinces, regions
from bot.telegram.sender import TelegramSender
from tests.conftest import NOW, PIC, STAF, grant, make_settings, replies
from tests.fakes import RecordingSender, buttons_of

TAPIN, HSS, PALEMBANG = regions()["63.05"], regions()["63.06"], regions()["16.71"]
KALSEL, SUMSEL = provinces()["63"], provinces()["16"]
PIC_EN = 445  # a second focal point of Tapin, who reads English
SUMSEL_STAF, KALTIM_STAF = 777, 888
LENGKAP, VERIFIED, BACK = IndicatorState.LENGKAP, IndicatorState.TERVERIFIKASI, IndicatorState.DITOLAK


def hand_in(rt, region, codes, actor=PIC):
    with rt.session() as session:
        for code in codes:
            set_state(session, rt.clock, rt.cycle(session), region, code, LENGKAP, actor)


def decide_next(rt, scope, verdict, reason=None):
    with rt.session() as session:
        item = v.next_card(session, rt.cycle(session), scope).item
        assert v.decide(session, rt.clock, rt.cycle(session), item.entry_id, item.stamp, verdict, STAF, reason).done
    return item.indicator.code


def queue(rt) -> int:
    with rt.session() as session:
        return enqueue_notices(session, rt.clock, rt.settings, rt.t)


def outbox(rt, prefix: str) -> list[Outbox]:
    with rt.session() as session:
        rows = session.exec(select(Outbox).where(Outbox.key.like(f"{prefix}%")).order_by(Outbox.id)).all()
        session.expunge_all()
    return list(rows)


async def test_decisions_within_minutes_make_one_message_and_a_later_one_a_second(bot):
    rt = bot.runtime
    grant(rt, PIC_EN, "pic", "63.05")
    with rt.session() as session:
        choose_language(session, rt.clock, PIC_EN, "Pic", None, "en")
    bot.api.register_chat(PIC)
    bot.api.register_chat(PIC_EN)
    hand_in(rt, TAPIN, ["1.01", "1.02", "1.03", "1.04", "1.05"])
    start = rt.clock.now()
    decide_next(rt, TAPIN, VERIFIED)
    rt.clock.advance(timedelta(minutes=1))
    decide_next(rt, TAPIN, BACK, "Dokumen belum ditandatangani/disahkan")
    rt.clock.advance(timedelta(minutes=1, seconds=30))
    decide_next(rt, TAPIN, BACK, "Foto kegiatan <tanpa> tanggal")
    rt.clock.set(start + timedelta(minutes=7))  # 4.5 minutes after the last decision: the sitting may go on
    assert queue(rt) == 0
    rt.clock.set(start + timedelta(minutes=7, seconds=31))
    assert queue(rt) == 2 and queue(rt) == 0  # one message for each of Tapin's two PICs, once
    first = outbox(rt, "review:")
    assert sorted(r.chat_id for r in first) == [PIC, PIC_EN]

    engine = DeliveryEngine(rt.engine, rt.clock, lambda: rt.settings, TelegramSender(bot.app.bot))
    await engine.run_until_idle()
    (message,) = bot.api.sent(chat_id=PIC)
    text = message.params["text"]
    assert "Hasil pemeriksaan Kanwil: Kabupaten Tapin" in text and "2 indikator perlu perbaikan" in text
    assert "<code>1.02</code>" in text and "Alasan: Dokumen belum ditandatangani/disahkan" in text
    assert "Alasan: Foto kegiatan &lt;tanpa&gt; tanggal" in text and "1 indikator diverifikasi Kanwil</b>: 1.01" in text
    assert buttons_of(message) == [("↩️ 1.02", "ki|63.05|1.02"), ("↩️ 1.03", "ki|63.05|1.03")]
    (english,) = bot.api.sent(chat_id=PIC_EN)
    assert "2 indicators need correction" in english.params["text"]
    assert "Reason: Document not signed/ratified yet" in english.params["text"]  # a common reason, translated

    (detail,) = replies(await bot.press(message, "↩️ 1.02", PIC))  # the button opens the indicator to fix it
    assert "Status: 🔴 <b>perlu perbaikan</b>" in detail.params["text"]
    assert "📎 Tambah tautan/catatan" in [label for label, _ in buttons_of(detail)]

    rt.clock.set(start + timedelta(minutes=20))  # later that day: a second sitting, a second message
    decide_next(rt, TAPIN, VERIFIED)
    rt.clock.advance(timedelta(minutes=5))
    assert queue(rt) == 2
    second = [r for r in outbox(rt, "review:") if r.chat_id == PIC][-1]
    assert "1 indikator diverifikasi Kanwil</b>: 1.04" in second.text and "perlu perbaikan" not in second.text
    assert second.buttons is None
    with rt.session() as session:
        assert {n.batch for n in session.exec(select(ReviewNotice))} == {3, 4}
    assert not bot.api.refusals


def test_a_decision_taken_back_within_the_sitting_is_not_told_and_nobody_to_tell_is_no_message(catalog):
    rt = catalog
    grant(rt, PIC, "pic", "63.05")
    hand_in(rt, TAPIN, ["1.01", "1.02"])
    hand_in(rt, HSS, ["2.01"], actor=STAF)  # Kab. HSS has no PIC
    decide_next(rt, TAPIN, VERIFIED)
    rt.clock.advance(timedelta(seconds=30))
    with rt.session() as session:  # a slip: the staf puts 1.01 back to lengkap with /tandai
        set_state(session, rt.clock, rt.cycle(session), TAPIN, "1.01", LENGKAP, STAF)
    assert decide_next(rt, TAPIN, BACK, "Dokumen tidak lengkap") == "1.02"  # the oldest hand-in now
    decide_next(rt, HSS, VERIFIED)
    rt.clock.advance(timedelta(minutes=5))
    assert queue(rt) == 1
    (row,) = outbox(rt, "review:")
    assert "<code>1.02</code>" in row.text and "diverifikasi" not in row.text
    with rt.session() as session:
        assert all(n.batch is not None for n in session.exec(select(ReviewNotice)))  # HSS's too: nothing left


def test_the_batch_waits_as_set(catalog):
    rt = catalog
    grant(rt, PIC, "pic", "63.05")
    rt.settings = make_settings(str(rt.engine.url), review_batch_minutes=0)
    hand_in(rt, TAPIN, ["1.01"])
    decide_next(rt, TAPIN, VERIFIED)
    assert queue(rt) == 1  # 0: told at the next tick


# -- the staf's daily line ------------------------------------------------------------------------------------
FRIDAY = datetime(2024, 1, 26, tzinfo=UTC)


def lines(rt, at: datetime) -> list[tuple[int, str]]:
    rt.clock.set(at)
    with rt.session() as session:
        enqueue_queue_lines(session, rt.clock, rt.settings, rt.t)
    return [(r.chat_id, r.text) for r in outbox(rt, "antrean:") if r.due_at == at]


async def test_the_daily_line_comes_at_each_stafs_own_hour_once_and_never_for_an_empty_queue(bot):
    rt = bot.runtime
    grant(rt, SUMSEL_STAF, "staf", "16")
    grant(rt, KALTIM_STAF, "staf", "64")  # nothing waits in Kaltim
    rt.clock.set(FRIDAY - timedelta(hours=12))  # Thursday evening
    hand_in(rt, TAPIN, ["1.01", "1.02"])
    hand_in(rt, HSS, ["2.01"])
    hand_in(rt, PALEMBANG, ["1.01"], actor=SUMSEL_STAF)
    assert lines(rt, FRIDAY - timedelta(minutes=1)) == []  # 07:59 WITA
    (kalsel,) = lines(rt, FRIDAY)  # 08:00 WITA; 07:00 WIB in Palembang
    assert kalsel == (STAF, "⏳ Menunggu verifikasi: 3 indikator dari 2 kab/kota · Provinsi Kalimantan Selatan")
    hand_in(rt, TAPIN, ["1.03"])  # after the hour: tomorrow's line counts it
    assert lines(rt, FRIDAY + timedelta(minutes=30)) == []  # once a day
    (sumsel,) = lines(rt, FRIDAY + timedelta(hours=1))  # 08:00 WIB
    assert sumsel == (SUMSEL_STAF, "⏳ Menunggu verifikasi: 1 indikator dari 1 kab/kota · Provinsi Sumatera Selatan")
    assert lines(rt, FRIDAY + timedelta(days=1)) == []  # Saturday
    monday = FRIDAY + timedelta(days=3)
    assert [c for c, _ in lines(rt, monday)] == [STAF]
    assert "4 indikator" in outbox(rt, "antrean:63:2024-01-29")[0].text

    bot.api.register_chat(STAF)
    bot.api.register_chat(SUMSEL_STAF)
    await DeliveryEngine(rt.engine, rt.clock, lambda: rt.settings, TelegramSender(bot.app.bot)).run_until_idle()
    line = bot.api.sent(chat_id=STAF)[-1]
    assert buttons_of(line) == [("🔎 Buka antrean verifikasi", "vo|63")]
    (card,) = replies(await bot.press(line, "vo|63", STAF))
    assert "Verifikasi data dukung: Provinsi Kalimantan Selatan" in card.params["text"]
    with rt.session() as session:  # verified meanwhile: Tuesday brings nothing
        for _ in range(4):
            item = v.next_card(session, rt.cycle(session), KALSEL).item
            v.decide(session, rt.clock, rt.cycle(session), item.entry_id, item.stamp, VERIFIED, STAF)
    assert lines(rt, monday + timedelta(days=1)) == []
    assert not bot.api.refusals


def test_a_bot_down_at_the_hour_sends_the_line_later_that_morning_never_at_night(catalog):
    rt = catalog
    grant(rt, STAF, "staf", "63")
    rt.clock.set(FRIDAY - timedelta(hours=12))
    hand_in(rt, TAPIN, ["1.01"])
    assert [c for c, _ in lines(rt, FRIDAY + timedelta(hours=2, minutes=30))] == [STAF]  # 10:30 WITA
    assert lines(rt, FRIDAY + timedelta(days=3, hours=13)) == []  # Monday 21:00 WITA: not at night


# -- exactly once with two copies on PostgreSQL ---------------------------------------------------------------
def one_copy(settings, url: str, at: datetime, barrier: threading.Barrier, counts: list[int]) -> None:
    """A copy of the bot at its tick, released together with the other one."""
    own = Runtime(settings, make_engine(url), FixedClock(at))
    barrier.wait()
    with own.session() as session:
        counts.append(enqueue_notices(session, own.clock, own.settings, own.t))
    own.engine.dispose()


def test_two_copies_tell_each_pic_once_on_postgresql(pg_url):
    start = NOW
    settings = make_settings(pg_url, admin_ids=frozenset())
    rt = Runtime.start(settings, FixedClock(start))
    with rt.session() as session:
        import_sample(session, rt.clock)
    pics = [9000 + i for i in range(3)]
    for user in pics:
        grant(rt, user, "pic", "63.05")
    grant(rt, 9100, "pic", "63.06")
    trials = 8
    for trial in range(trials):
        hand_in(rt, TAPIN, [f"{trial + 1}.01"])
        hand_in(rt, HSS, [f"{trial + 1}.02"])
        decide_next(rt, TAPIN, VERIFIED)
        decide_next(rt, HSS, BACK, "Dokumen tidak lengkap")
        rt.clock.advance(timedelta(minutes=6))
        barrier = threading.Barrier(2)
        counts: list[int] = []
        threads = [threading.Thread(target=one_copy, args=(settings, pg_url, rt.clock.now(), barrier, counts))
                   for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert sorted(counts) == [0, 4], (trial, counts)  # one copy took both batches, the other none
    rows = outbox(rt, "review:")
    assert Counter(r.chat_id for r in rows) == {**dict.fromkeys(pics, trials), 9100: trials}

    senders = [RecordingSender(), RecordingSender()]

    def deliver(i: int) -> None:
        own = Runtime(settings, make_engine(pg_url), FixedClock(rt.clock.now()))
        asyncio.run(DeliveryEngine(own.engine, own.clock, lambda: settings, senders[i], worker_id=f"w{i}",
                                   batch=3).run_until_idle())
        own.engine.dispose()

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    sent = Counter(chat for s in senders for chat, _text in s.sent)
    assert sent == {**dict.fromkeys(pics, trials), 9100: trials}  # every message once, none lost
    assert all(r.buttons for r in rows if r.chat_id == 9100)  # the sent-back ones carry their button
    rt.engine.dispose()


def test_the_engine_sends_what_a_row_carries_and_rows_without_buttons_as_before(catalog):
    rt = catalog
    from bot.messaging.buttons import restored, stored
    from bot.messaging.ledger import enqueue
    from bot.render import Button

    keyboard = ((Button("↩️ 1.02", "ki|63.05|1.02"), Button("↩️ 1.03", "ki|63.05|1.03")),)
    assert restored(stored(keyboard)) == keyboard and stored(()) is None and restored(None) == ()
    with rt.session() as session:
        enqueue(session, [dict(key="a", chat_id=1, text="dengan tombol", buttons=stored(keyboard), due_at=NOW),
                          dict(key="b", chat_id=2, text="tanpa tombol", buttons=None, due_at=NOW)])
    sender = RecordingSender()
    asyncio.run(DeliveryEngine(rt.engine, rt.clock, lambda: rt.settings, sender).run_until_idle())
    assert {chat: reply.buttons for chat, reply in sender.replies} == {1: keyboard, 2: ()}
    with rt.session() as session:
        assert {r.status for r in session.exec(select(Outbox))} == {"sent"}
    assert SendResult(Outcome.SENT).outcome is Outcome.SENT

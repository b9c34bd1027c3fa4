"""``/verifikasi`` through the real Application and the strict stand-in of the Bot API: one card at a time,
edited in place, files sent back by their file_id, reasons chosen or typed, a whole province's queue cleared in
one sitting without a flood limit or a refusal, in both languages; and nobody else may decide."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.core.models import AuditEntry, ChecklistEntry, IndicatorState, ReviewNotice
from bot.domain.catalog import active_indicators
from bot.domain.checklist import set_state
from bot.domain.evidence import PHOTO_NAME, IncomingFile, attach
from bot.reference import regions
from tests.conftest import ADMIN, PIC, STAF, grant, refused, replies
from tests.fakes import ApiCall, buttons_of
from tests.test_flood import TOO_FAST, GatedBot, answers

TAPIN, HSS, BANJAR = regions()["63.05"], regions()["63.06"], regions()["63.03"]
KALTIM_STAF = 666


def hand_in(rt, region, codes, note=None, actor=PIC):
    for code in codes:
        rt.clock.advance(timedelta(seconds=30))
        with rt.session() as session:
            set_state(session, rt.clock, rt.cycle(session), region, code, IndicatorState.LENGKAP, actor, note)


def photo(rt, region, code, file_id):
    with rt.session() as session:
        attach(session, rt.clock, rt.cycle(session), region, code,
               IncomingFile("photo", file_id, f"u-{file_id}", PHOTO_NAME, "image/jpeg", 2048), PIC)  # as sent


def states(rt) -> dict[tuple[str, str], tuple[str, str | None]]:
    with rt.session() as session:
        return {(e.region_code, e.indicator_code): (e.state, e.note) for e in session.exec(select(ChecklistEntry))}


def reasons(rt) -> dict[tuple[str, str], str | None]:
    """The reason of each indicator's last sending back (kept with the decision, never as the PIC's note)."""
    with rt.session() as session:
        return {(n.region_code, n.indicator_code): n.reason for n in session.exec(
            select(ReviewNotice).where(ReviewNotice.verdict == "ditolak").order_by(ReviewNotice.id))}


def data(call: ApiCall, label: str) -> str:
    found = [d for lbl, d in buttons_of(call) if label in lbl]
    assert found, (label, buttons_of(call))
    return found[0]


def edited(calls: list[ApiCall]) -> ApiCall:
    (answer,) = answers(calls)
    assert not answer.params.get("show_alert"), answer.params
    (card,) = [c for c in calls if c.method == "editMessageText"]
    return card


async def test_a_staf_works_through_tapin_one_card_at_a_time(bot):
    rt = bot.runtime
    for code in ("1.01", "1.02", "1.03", "1.04"):
        photo(rt, TAPIN, code, f"ph-{code}")
    hand_in(rt, TAPIN, ["1.01", "1.02", "1.03", "1.04"], note="Perda & SK terlampir")
    (card,) = replies(await bot.say("/verifikasi Tapin", STAF))
    text = card.params["text"]
    assert "Menunggu verifikasi: 4 indikator dari 1 kab/kota" in text and "<code>1.01</code>" in text
    assert "Catatan: Perda &amp; SK terlampir" in text and "Diajukan Kamis, 25 Januari 2024 pukul" in text
    # a photo has no name of its own: the first of an indicator is "foto-1.jpg", sent back by its file_id
    calls = await bot.press(card, "🖼️ foto-1.jpg", STAF)
    (sent,) = [c for c in calls if c.method == "sendPhoto"]
    assert sent.params["photo"] == "ph-1.01" and "foto-1.jpg" in sent.params["caption"]

    card = edited(await bot.press(card, "✅ Terverifikasi", STAF))
    assert card.params["text"].startswith("✔️ Kab. Tapin · <code>1.01</code>: <b>terverifikasi</b>.")
    assert "<code>1.02</code>" in card.params["text"] and "3 indikator" in card.params["text"]

    card = edited(await bot.press(card, "↩️ Perlu perbaikan", STAF))
    assert "Mengapa perlu perbaikan?" in card.params["text"]
    card = edited(await bot.press(card, "‹ Kembali ke kartu", STAF))  # changed their mind: the same card
    assert "<code>1.02</code>" in card.params["text"] and "Mengapa" not in card.params["text"]
    card = edited(await bot.press(card, "↩️ Perlu perbaikan", STAF))
    card = edited(await bot.press(card, "Dokumen belum ditandatangani/disahkan", STAF))
    assert "<code>1.02</code>: <b>perlu perbaikan</b>. Alasan: Dokumen belum ditandatangani/disahkan" \
        in card.params["text"]

    card = edited(await bot.press(card, "↩️ Perlu perbaikan", STAF))  # 1.03: a reason of their own
    (prompt,) = replies(await bot.press(card, "✍️ Tulis alasan", STAF))
    assert "Tulis alasan perlu perbaikan untuk Kabupaten Tapin, indikator <code>1.03</code>" in prompt.params["text"]
    (refused,) = replies(await bot.say("x" * 1001, STAF))  # too long: nothing changes, the next message counts
    assert "Alasan terlalu panjang: 1.001 karakter, paling banyak 1.000." in refused.params["text"]
    calls = await bot.say("SK bupati <belum> diundangkan", STAF)
    old, new = replies(calls)
    assert old.method == "editMessageText" and int(old.params["message_id"]) == card.result["message_id"]
    assert "Alasan: SK bupati &lt;belum&gt; diundangkan" in old.params["text"] and not old.params.get("reply_markup")
    assert new.method == "sendMessage" and "<code>1.04</code>" in new.params["text"]

    card = edited(await bot.press(new, "⏭ Lewati", STAF))
    assert "1.04</code> dilewati" in card.params["text"] and "1 dilewati dan masih menunggu" in card.params["text"]
    card = edited(await bot.press(card, "🔁 Mulai lagi dari yang terlama", STAF))  # a new sitting: it comes back
    assert "<code>1.04</code>" in card.params["text"]
    assert states(rt) == {("63.05", "1.01"): ("terverifikasi", "Perda & SK terlampir"),
                          ("63.05", "1.02"): ("ditolak", "Perda & SK terlampir"),  # the PIC's note stays theirs
                          ("63.05", "1.03"): ("ditolak", "Perda & SK terlampir"),
                          ("63.05", "1.04"): ("lengkap", "Perda & SK terlampir")}
    assert reasons(rt) == {("63.05", "1.02"): "Dokumen belum ditandatangani/disahkan",
                           ("63.05", "1.03"): "SK bupati <belum> diundangkan"}
    with rt.session() as session:
        audited = [json.loads(a.after)["state"] for a in session.exec(select(AuditEntry).where(
            AuditEntry.action == "checklist.state", AuditEntry.actor_id == STAF))]
        notices = [(n.indicator_code, n.verdict) for n in session.exec(select(ReviewNotice))]
    assert audited == ["terverifikasi", "ditolak", "ditolak"]
    assert notices == [("1.01", "terverifikasi"), ("1.02", "ditolak"), ("1.03", "ditolak")]
    assert not bot.api.refusals


async def test_a_card_changed_meanwhile_is_not_decided_and_a_deleted_card_is_answered_anew(bot):
    rt = bot.runtime
    hand_in(rt, TAPIN, ["1.01", "1.02"])
    (card,) = replies(await bot.say("/verifikasi", STAF))  # the staf's own province by default
    assert "Provinsi Kalimantan Selatan" in card.params["text"]
    with rt.session() as session:  # the PIC takes 1.01 back while the card is open
        set_state(session, rt.clock, rt.cycle(session), TAPIN, "1.01", IndicatorState.PROSES, PIC)
    card = edited(await bot.press(card, "✅ Terverifikasi", STAF))
    assert "tidak diubah: statusnya kini <b>proses</b>" in card.params["text"]
    assert "<code>1.02</code>" in card.params["text"]
    await bot.app.bot.delete_message(STAF, card.result["message_id"])
    calls = await bot.press(card, "✅ Terverifikasi", STAF)
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText", "sendMessage"]
    assert "✅ Tidak ada yang menunggu verifikasi di Provinsi Kalimantan Selatan." in calls[-1].params["text"]
    assert states(rt)[("63.05", "1.02")][0] == "terverifikasi" and states(rt)[("63.05", "1.01")][0] == "proses"
    assert [c.method for c in bot.api.refusals] == ["editMessageText"]  # the deleted message, as Telegram says


async def test_nobody_but_the_provinces_staf_and_admins_decides(bot):
    rt = bot.runtime
    grant(rt, KALTIM_STAF, "staf", "64")
    hand_in(rt, TAPIN, ["1.01"])
    (card,) = replies(await bot.say("/verifikasi Tapin", STAF))
    for person in (PIC, KALTIM_STAF):
        (refusal,) = replies(await bot.say("/verifikasi Tapin", person))
        assert refused(refusal.params["text"])
        calls = await bot.press(card, "✅ Terverifikasi", person)  # the same button, pressed by someone else
        (answer,) = answers(calls)
        assert answer.params.get("show_alert") and refused(answer.params["text"])
        assert not replies(calls)
    assert states(rt)[("63.05", "1.01")][0] == "lengkap"
    (group,) = replies(await bot.say("/verifikasi Tapin", STAF, chat_id=-100555))
    assert "chat pribadi" in group.params["text"]
    (admin,) = replies(await bot.say("/verifikasi Tapin", ADMIN))
    assert edited(await bot.press(admin, "✅ Terverifikasi", ADMIN))
    assert states(rt)[("63.05", "1.01")][0] == "terverifikasi"


@pytest.fixture
async def gated(catalog):
    grant(catalog, STAF, "staf", "63")
    grant(catalog, PIC, "pic", "63.05")
    harness = GatedBot(catalog)
    await harness.app.initialize()
    yield harness
    await harness.app.shutdown()


@pytest.mark.parametrize("language", ["id", "en"])
async def test_a_staf_clears_a_province_queue_of_120_in_one_sitting(gated, language):
    """120 indicators of three kab/kota; every fifth sent back with a reason, the rest verified; one press a
    second, as a person at work: every press answered once, every card edited in place, nothing refused."""
    rt = gated.runtime
    with rt.session() as session:
        codes = [i.code for i in active_indicators(session)]
    for i, code in enumerate(codes):
        with rt.session() as session:
            rt.clock.advance(timedelta(seconds=1))
            set_state(session, rt.clock, rt.cycle(session), (TAPIN, HSS, BANJAR)[i % 3], code,
                      IndicatorState.LENGKAP, PIC)
    if language == "en":
        await gated.type("/bahasa en", STAF)
    (card,) = [c for c in await gated.type("/verifikasi Kalsel", STAF) if c.method == "sendMessage"]
    waiting = "Waiting for verification: 120 indicators from 3 regencies/cities" if language == "en" \
        else "Menunggu verifikasi: 120 indikator dari 3 kab/kota"
    assert waiting in card.params["text"]
    presses = 0

    async def press(call: ApiCall, data: str) -> ApiCall:
        nonlocal presses
        gated.arrival.t += 1.0
        presses += 1
        calls = await gated.tap(call, data, STAF)
        (answer,) = answers(calls)
        assert TOO_FAST not in answer.params.get("text", "") and not answer.params.get("show_alert")
        (new,) = [c for c in calls if c.method == "editMessageText"]
        return new

    for n in range(120):
        verdict = [d for _label, d in buttons_of(card) if d.startswith("vf|")]
        if n % 5 == 4:
            card = await press(card, verdict[1])  # ↩️ Perlu perbaikan
            card = await press(card, [d for _label, d in buttons_of(card) if d.startswith("vf|r")][n % 5 - 4 + 2])
        else:
            card = await press(card, verdict[0])  # ✅ Terverifikasi
    done = "Nothing is waiting for verification" if language == "en" else "Tidak ada yang menunggu verifikasi"
    assert done in card.params["text"] and presses == 144
    final = states(rt)
    assert sum(s == "terverifikasi" for s, _ in final.values()) == 96
    assert sum(s == "ditolak" for s, _ in final.values()) == 24
    assert list(reasons(rt).values()) == ["Dokumen tidak lengkap"] * 24
    assert not gated.api.refusals, gated.api.refusals[:3]
    assert not [c for c in gated.api.calls if c.method == "sendMessage" and TOO_FAST in c.params.get("text", "")]


async def test_an_unclear_name_is_asked_and_a_file_telegram_refuses_is_said_plainly(bot):
    from tests.fakes import ScriptedError

    rt = bot.runtime
    (choice,) = replies(await bot.say("/verifikasi Mura", ADMIN))  # Musi Rawas or Murung Raya
    assert "bisa berarti beberapa wilayah" in choice.params["text"]
    calls = await bot.press(choice, "vo|16.05", ADMIN)
    (card,) = replies(calls)
    assert "✅ Tidak ada yang menunggu verifikasi di Kabupaten Musi Rawas." in card.params["text"]

    photo(rt, TAPIN, "1.01", "ph-hilang")
    hand_in(rt, TAPIN, ["1.01"])
    (card,) = replies(await bot.say("/verifikasi Tapin", STAF))
    bot.api.fail_next("sendPhoto", ScriptedError(400, "Bad Request: wrong file identifier/HTTP URL specified"))
    (said,) = replies(await bot.press(card, "🖼️ foto-1.jpg", STAF))
    assert "Telegram tidak dapat mengirim ulang berkas ini" in said.params["text"]
    from bot.domain import verification as v

    with rt.session() as session:  # a reason awaited for an indicator that is gone (a new catalog, another cycle)
        v.ask_reason(session, rt.clock, STAF, STAF, TAPIN, 999_999, 1, None)
    (gone,) = replies(await bot.say("Dokumen tidak lengkap", STAF))
    assert "Kartu ini sudah tidak berlaku" in gone.params["text"]
    (hint,) = replies(await bot.say("Dokumen tidak lengkap", STAF))  # the conversation ended with it
    assert "/bantuan" in hint.params["text"]
    assert states(rt)[("63.05", "1.01")][0] == "lengkap"
    assert [c.method for c in bot.api.refusals] == []  # the scripted refusal is not the stand-in's own

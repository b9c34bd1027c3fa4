"""Sending an indicator back (*perlu perbaikan*) from ``/checklist`` or ``/tandai`` asks for the reason as
``/verifikasi`` does, so the PIC's notice always carries it; the reason is kept apart from the PIC's note; a
confirmation says when the state did not change; the notice lists indicator codes in order."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from bot.core.models import ChecklistEntry, IndicatorState, ReviewNotice
from bot.domain.checklist import set_state
from bot.messaging.review import enqueue_notices
from bot.reference import regions
from tests.conftest import PIC, STAF, replies
from tests.fakes import ApiCall, buttons_of

TAPIN = regions()["63.05"]
PROMPT = "<b>Mengapa perlu perbaikan?</b> Pilih alasannya, atau tulis sendiri."
REASONS = ["Dokumen tidak sesuai indikator", "Dokumen belum ditandatangani/disahkan", "Dokumen tidak lengkap",
           "Tautan tidak dapat dibuka", "Dokumen bukan tahun yang dinilai", "✍️ Tulis alasan", "‹ Kembali"]


def hand_in(rt, codes, note=None):
    with rt.session() as session:
        for code in codes:
            set_state(session, rt.clock, rt.cycle(session), TAPIN, code, IndicatorState.LENGKAP, PIC, note)


def entry(rt, code) -> tuple[str, str | None]:
    with rt.session() as session:
        e = session.exec(select(ChecklistEntry).where(ChecklistEntry.indicator_code == code)).one()
        return e.state, e.note


def notices(rt) -> list[tuple[str, str, str | None]]:
    with rt.session() as session:
        return [(n.indicator_code, n.verdict, n.reason) for n in session.exec(select(ReviewNotice))]


def pic_notice(bot) -> str:
    """The PIC's message once the review sitting is over (the batch delay passed)."""
    rt = bot.runtime
    rt.clock.advance(timedelta(minutes=rt.settings.review_batch_minutes + 1))
    with rt.session() as session:
        assert enqueue_notices(session, rt.clock, rt.settings, rt.t) == 1
    from bot.core.models import Outbox

    with rt.session() as session:
        rows = session.exec(select(Outbox).where(Outbox.key.like("review:%")).order_by(col(Outbox.id))).all()
        return rows[-1].text  # the newest sitting's


async def open_indicator(bot, code: str, user: int) -> ApiCall:
    (menu,) = replies(await bot.say("/checklist Tapin", user))
    (crit,) = replies(await bot.press(menu, buttons_of(menu)[int(code.split(".")[0]) - 1][0], user))
    (detail,) = replies(await bot.press(crit, next(lbl for lbl, _ in buttons_of(crit) if lbl.endswith(code)), user))
    return detail


async def test_the_checklist_button_asks_why_and_the_pic_reads_the_reason_chosen(bot):
    rt = bot.runtime
    bot.api.register_chat(PIC)
    hand_in(rt, ["8.10"], note="SK terlampir")
    detail = await open_indicator(bot, "8.10", STAF)
    (asked,) = replies(await bot.press(detail, "🔴 perlu perbaikan", STAF))
    assert PROMPT in asked.params["text"] and [lbl for lbl, _ in buttons_of(asked)] == REASONS
    assert entry(rt, "8.10") == ("lengkap", "SK terlampir") and notices(rt) == []  # nothing changed yet
    (back,) = replies(await bot.press(asked, "‹ Kembali", STAF))  # changed their mind: the indicator as it was
    assert "Status: 🟢 <b>lengkap</b>" in back.params["text"] and PROMPT not in back.params["text"]
    (asked,) = replies(await bot.press(back, "🔴 perlu perbaikan", STAF))
    (done,) = replies(await bot.press(asked, "Dokumen belum ditandatangani/disahkan", STAF))
    text = done.params["text"]
    assert "✔️ Kabupaten Tapin, indikator <code>8.10</code>: lengkap → <b>perlu perbaikan</b>" in text
    assert "Alasan: Dokumen belum ditandatangani/disahkan" in text
    assert "Alasan perbaikan: Dokumen belum ditandatangani/disahkan" in text and "Catatan: SK terlampir" in text
    assert entry(rt, "8.10") == ("ditolak", "SK terlampir")  # the PIC's note stays theirs
    assert notices(rt) == [("8.10", "ditolak", "Dokumen belum ditandatangani/disahkan")]
    notice = pic_notice(bot)
    assert "Alasan: Dokumen belum ditandatangani/disahkan" in notice and "tanpa alasan tertulis" not in notice


async def test_a_reason_typed_after_tulis_alasan_goes_with_the_indicator_and_bad_input_changes_nothing(bot):
    rt = bot.runtime
    bot.api.register_chat(PIC)
    hand_in(rt, ["8.10"])
    detail = await open_indicator(bot, "8.10", STAF)
    (asked,) = replies(await bot.press(detail, "🔴 perlu perbaikan", STAF))
    (write,) = replies(await bot.press(asked, "✍️ Tulis alasan", STAF))
    assert ("Tulis alasan perlu perbaikan untuk Kabupaten Tapin, indikator <code>8.10</code>, dalam satu pesan "
            "(paling banyak 1.000 karakter).") in write.params["text"]
    (refused,) = replies(await bot.say("x" * 1001, STAF))
    assert "Alasan terlalu panjang: 1.001 karakter, paling banyak 1.000." in refused.params["text"]
    assert entry(rt, "8.10") == ("lengkap", None) and notices(rt) == []
    calls = await bot.say("SK belum ditandatangani <bupati>", STAF)
    (done,) = replies(calls)
    assert "lengkap → <b>perlu perbaikan</b>" in done.params["text"]
    assert "Alasan: SK belum ditandatangani &lt;bupati&gt;" in done.params["text"]
    (unbuttoned,) = [c for c in calls if c.method == "editMessageReplyMarkup"]  # the question's buttons go
    assert int(unbuttoned.params["message_id"]) == asked.result["message_id"]
    assert entry(rt, "8.10") == ("ditolak", None)
    assert "Alasan: SK belum ditandatangani &lt;bupati&gt;" in pic_notice(bot)
    assert not bot.api.refusals


async def test_tandai_perlu_perbaikan_takes_the_reason_typed_after_it_or_asks_for_one(bot):
    rt = bot.runtime
    hand_in(rt, ["1.02", "1.03"])
    (asked,) = replies(await bot.say("/tandai Tapin 1.02 perlu perbaikan", STAF))
    assert PROMPT in asked.params["text"] and [lbl for lbl, _ in buttons_of(asked)] == REASONS
    assert entry(rt, "1.02") == ("lengkap", None) and notices(rt) == []
    (done,) = replies(await bot.press(asked, "Dokumen tidak lengkap", STAF))
    assert "lengkap → <b>perlu perbaikan</b>" in done.params["text"]
    (typed,) = replies(await bot.say("/tandai Tapin 1.03 perlu perbaikan Lampiran SK tidak terbaca", STAF))
    assert "Alasan: Lampiran SK tidak terbaca" in typed.params["text"] and "Catatan" not in typed.params["text"]
    assert notices(rt) == [("1.02", "ditolak", "Dokumen tidak lengkap"),
                           ("1.03", "ditolak", "Lampiran SK tidak terbaca")]
    assert entry(rt, "1.03") == ("ditolak", None)
    (refused,) = replies(await bot.say("/tandai Tapin 1.04 perlu perbaikan", PIC))  # not the PIC's to decide
    assert "hanya dapat diberikan oleh staf Bidang HAM" in refused.params["text"]
    assert PROMPT not in refused.params["text"]


async def test_handed_in_again_the_old_reason_is_never_the_pics_note(bot):
    rt = bot.runtime
    hand_in(rt, ["4.01"])
    (card,) = replies(await bot.say("/verifikasi Tapin", STAF))
    (asked,) = replies(await bot.press(card, "↩️ Perlu perbaikan", STAF))
    await bot.press(asked, "Tautan tidak dapat dibuka", STAF)
    (again,) = replies(await bot.say("/tandai Tapin 4.01 lengkap", PIC))
    assert "perlu perbaikan → <b>lengkap</b>" in again.params["text"]
    assert "Tautan tidak dapat dibuka" not in again.params["text"]
    (card,) = replies(await bot.say("/verifikasi Tapin", STAF))
    assert "Alasan perbaikan sebelumnya: Tautan tidak dapat dibuka" in card.params["text"]
    assert "Catatan:" not in card.params["text"]
    # the PIC's own note is theirs, shown as such beside the Kanwil's earlier reason
    await bot.say("/tandai Tapin 4.01 lengkap Tautan sudah dibuka untuk umum", PIC)
    (card,) = replies(await bot.say("/verifikasi Tapin", STAF))
    assert "Catatan: Tautan sudah dibuka untuk umum" in card.params["text"]
    assert "Alasan perbaikan sebelumnya: Tautan tidak dapat dibuka" in card.params["text"]


async def test_a_state_kept_says_status_tetap_and_what_was_saved(bot):
    await bot.say("/tandai Tapin 5.01 lengkap", PIC)
    (same,) = replies(await bot.say("/tandai Tapin 5.01 lengkap", PIC))
    assert same.params["text"] == ("Tidak ada yang diubah: Kabupaten Tapin, indikator <code>5.01</code>.\n"
                                   "Status tetap: <b>lengkap</b>")
    detail = await open_indicator(bot, "5.01", PIC)
    await bot.press(detail, "📎 Tambah tautan/catatan", PIC)
    (saved,) = replies(await bot.say("https://drive.example/sk-baru.pdf", PIC))
    assert saved.params["text"] == ("✔️ Tautan data dukung disimpan: Kabupaten Tapin, indikator <code>5.01</code>.\n"
                                    "Data dukung: https://drive.example/sk-baru.pdf\nStatus tetap: <b>lengkap</b>")
    (noted,) = replies(await bot.say("/tandai Tapin 5.01 lengkap SK menyusul", PIC))
    assert noted.params["text"] == ("✔️ Catatan disimpan: Kabupaten Tapin, indikator <code>5.01</code>.\n"
                                    "Catatan: SK menyusul\nStatus tetap: <b>lengkap</b>")
    for text in (same.params["text"], saved.params["text"], noted.params["text"]):
        assert "lengkap → " not in text


async def test_the_pics_notice_lists_codes_in_order(bot):
    rt = bot.runtime
    bot.api.register_chat(PIC)
    codes = ["4.01", "2.12", "3.12", "1.10", "1.02"]
    hand_in(rt, codes + ["10.01", "1.03"])
    for code in codes:
        await bot.say(f"/tandai Tapin {code} terverifikasi", STAF)
    for code in ("10.01", "1.03"):
        await bot.say(f"/tandai Tapin {code} perlu perbaikan Dokumen tidak lengkap", STAF)
    notice = pic_notice(bot)
    assert "indikator diverifikasi Kanwil</b>: 1.02, 1.10, 2.12, 3.12, 4.01" in notice
    assert notice.index("<code>1.03</code>") < notice.index("<code>10.01</code>")


async def test_another_reason_on_an_indicator_already_sent_back_is_a_new_decision_told_to_the_pic(bot):
    """The Kanwil writes a second reason: recorded as the reason (not as a note), and the PIC is told of it; a PIC
    cannot type *perlu perbaikan* over it (their note would replace the Kanwil's words)."""
    hand_in(bot.runtime, ["8.10"])
    await bot.say("/tandai Tapin 8.10 perlu perbaikan SK belum ditandatangani", STAF)
    pic_notice(bot)  # the first sitting is told
    (again,) = replies(await bot.say("/tandai Tapin 8.10 perlu perbaikan Lampiran II belum ada", STAF))
    assert again.params["text"] == (
        "✔️ Alasan perbaikan diperbarui: Kabupaten Tapin, indikator <code>8.10</code>. PIC akan diberi tahu.\n"
        "Alasan: Lampiran II belum ada\nStatus tetap: <b>perlu perbaikan</b>")
    assert entry(bot.runtime, "8.10") == ("ditolak", None)  # no note of anybody's
    assert notices(bot.runtime)[-1] == ("8.10", "ditolak", "Lampiran II belum ada")
    assert "Lampiran II belum ada" in pic_notice(bot)
    (same,) = replies(await bot.say("/tandai Tapin 8.10 perlu perbaikan Lampiran II belum ada", STAF))
    assert same.params["text"].startswith("Tidak ada yang diubah") and len(notices(bot.runtime)) == 2
    (refused,) = replies(await bot.say("/tandai Tapin 8.10 perlu perbaikan sudah saya perbaiki", PIC))
    assert "hanya dapat diberikan oleh staf Bidang HAM Kanwil" in refused.params["text"]
    assert entry(bot.runtime, "8.10") == ("ditolak", None) and len(notices(bot.runtime)) == 2


async def test_a_forged_reason_button_from_a_pic_opens_nothing(bot):
    """Only the Kanwil gets the reasons; a PIC pressing a forged "Tulis alasan" or reason is answered quietly,
    no question opens and nothing changes."""
    hand_in(bot.runtime, ["8.06"])
    detail = await open_indicator(bot, "8.06", PIC)
    for data in ("kr|63.05|8.06|tw", "kr|63.05|8.06|r1"):
        before = len(bot.api.calls)
        await bot.app.process_update(bot.factory.press(detail, data, PIC))
        calls = bot.api.calls[before:]
        assert [c.method for c in calls] == ["answerCallbackQuery"], data
    assert entry(bot.runtime, "8.06") == ("lengkap", None) and notices(bot.runtime) == []
    (reply,) = replies(await bot.say("sudah saya perbaiki", PIC))  # no reason question is waiting for this
    assert "Alasan" not in reply.params["text"]

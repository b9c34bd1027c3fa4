"""Files through the bot end to end: spreadsheets imported with a preview, evidence attached and sent back,
reports and templates sent, all through the offline Bot API (getFile and the download included)."""

from __future__ import annotations

import io
import itertools
import zipfile

import pytest
from openpyxl import load_workbook
from sqlmodel import select
from telegram import Update

from bot.core.models import AuditEntry, ChecklistEntry, EvidenceFile, IndicatorState
from bot.core.settings import Settings
from bot.domain.checklist import indicator_statuses
from bot.ops.app import build_application
from bot.reference import regions
from tests.conftest import PIC, STAF, VIEWER, replies
from tests.conftest import refused as is_refusal
from tests.fakes import UpdateFactory, buttons_of, fake_rate_limiter
from tests.test_progress_import import HEADER, snapshot, xlsx

TAPIN = regions()["63.05"]
_ids = itertools.count(500)


def file_message(bot, user_id: int, file_id: str, name: str = "progres.xlsx", size: int | None = None,
                 caption: str | None = None, reply_to=None, photo: bool = False, chat_id: int | None = None) -> Update:
    """What Telegram delivers when a person sends a document (or photo) the stand-in holds as ``file_id``."""
    size = size if size is not None else len(bot.api.files.get(file_id, b""))
    extra: dict = {}
    if photo:
        extra["photo"] = [{"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 800, "height": 600,
                           "file_size": size}]
    else:
        extra["document"] = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": name,
                             "mime_type": "application/octet-stream", "file_size": size}
    if caption:
        extra["caption"] = caption
    if reply_to is not None:
        extra["reply_to_message"] = reply_to.result
    return bot.factory.message("", user_id, chat_id, **extra)


async def send_file(bot, user_id: int, content: bytes | None = None, **kwargs):
    file_id = kwargs.pop("file_id", None) or f"f{next(_ids)}"
    if content is not None:
        bot.api.files[file_id] = content  # as if the person had uploaded it to Telegram
    before = len(bot.api.calls)
    await bot.app.process_update(file_message(bot, user_id, file_id, **kwargs))
    return bot.api.calls[before:]


def zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b" " * (80 * 1024 * 1024))
    return buf.getvalue()


def state_of(rt, code: str) -> IndicatorState:
    with rt.session() as session:
        return next(s.state for s in indicator_statuses(session, rt.cycle(session), TAPIN) if s.indicator.code == code)


async def test_a_spreadsheet_is_previewed_then_applied_on_kirim(bot):
    rt = bot.runtime
    content = xlsx([HEADER, ["Tapin", "1.01", "lengkap", "www.tapinkab.go.id/ppid", ""],
                    ["63.05", "1.02", "proses", "", "menunggu TTD"]])
    calls = await send_file(bot, PIC, content)
    (download,) = [c for c in calls if c.method == "download"]
    assert download.params["url"].startswith("https://api.telegram.org/file/bot123")
    assert "/documents/" in download.params["url"]
    (preview,) = replies(calls)
    text = preview.params["text"]
    assert "<b>Pratinjau impor progres</b> “progres.xlsx”" in text
    assert "2 baris sah: 2 berubah, 0 tetap." in text
    assert "<b>Kabupaten Tapin</b>: 2 berubah dari 2 baris" in text
    assert "belum → lengkap: 1" in text and "• baris 3: <code>1.02</code> belum → proses" in text
    assert [label for label, _ in buttons_of(preview)] == ["✅ Kirim", "✖️ Batal"]
    assert snapshot(rt) == []  # nothing saved before Kirim
    (done,) = replies(await bot.press(preview, "✅ Kirim", PIC))
    assert "Impor “progres.xlsx” selesai: 2 baris berubah." in done.params["text"]
    assert snapshot(rt) == [("63.05", "1.01", "lengkap", "https://www.tapinkab.go.id/ppid", None),
                            ("63.05", "1.02", "proses", None, "menunggu TTD")]
    with rt.session() as session:
        (entry,) = session.exec(select(AuditEntry).where(AuditEntry.action == "checklist.import")).all()
    assert entry.actor_id == PIC and entry.region_code == "63.05"
    # the same button again: the preview is spent
    again = await bot.press(preview, "✅ Kirim", PIC)
    assert any(c.method == "answerCallbackQuery" and "tidak berlaku" in c.params.get("text", "") for c in again)
    assert bot.api.refusals == []


async def test_kirim_still_works_after_a_restart(bot):
    content = xlsx([HEADER, ["Tapin", "1.01", "lengkap", "", ""]])
    (preview,) = replies(await send_file(bot, PIC, content, file_id="restart1"))
    # a new bot process (nothing in memory) against the same Telegram and the same database
    app = build_application(bot.runtime, request=bot.api, token="123:offline", rate_limiter=fake_rate_limiter(bot.time))
    await app.initialize()
    data = next(d for label, d in buttons_of(preview) if label == "✅ Kirim")
    before = len(bot.api.calls)
    try:
        await app.process_update(UpdateFactory(app.bot, bot.api).press(preview, data, PIC))
    finally:
        await app.shutdown()
    calls = bot.api.calls[before:]
    (done,) = replies(calls)
    assert "selesai: 1 baris berubah" in done.params["text"]
    assert [c.method for c in calls if c.method in ("getFile", "download")] == ["getFile", "download"]
    assert snapshot(bot.runtime) == [("63.05", "1.01", "lengkap", None, None)]


async def test_batal_changes_nothing(bot):
    calls = await send_file(bot, STAF, xlsx([HEADER, ["Tapin", "1.01", "lengkap", "", ""]]))
    (preview,) = replies(calls)
    (reply,) = replies(await bot.press(preview, "✖️ Batal", STAF))
    assert "Dibatalkan; tidak ada yang diubah." in reply.params["text"]
    assert snapshot(bot.runtime) == []


async def test_malformed_files_are_refused_with_the_reason_and_nothing_changes(bot):
    rt = bot.runtime
    cases = [
        (xlsx([HEADER, ["Tapin", "1.01", "lengkap", "", ""], ["Tapin", "1.02", "beres", "", ""]]), "progres.xlsx",
         "baris 3: status “beres” tidak dikenal"),
        (xlsx([HEADER, ["Tapin", "1.01", "lengkap", "", ""]], formula_at="D2"), "progres.xlsx",
         "baris 2: sel D2 berisi rumus"),
        (xlsx([HEADER, ["Tapin", "1.01", "lengkap", "", ""]], sheet="Data"), "progres.xlsx",
         "Lembar “Progres” tidak ada di berkas (lembar yang ada: Data)"),
        (b"PK\x03\x04 not really a zip", "progres.xlsx", "Berkas rusak atau bukan berkas Excel (.xlsx)"),
        ("wilayah;kode;status\nTapin;1.01;lengkap\n".encode("utf-16"), "progres.csv",
         "harus memakai encoding UTF-8 (Excel: Simpan Sebagai → CSV UTF-8)"),
        (zip_bomb(), "progres.xlsx", "Berkas Excel (.xlsx) tidak wajar (isi terkompresi berlebihan)"),
        (("wilayah;kode;status\n" + "Tapin;1.01;lengkap\n" * 10_001).encode(), "progres.csv",
         "Terlalu banyak baris (lebih dari 10.000)"),
    ]
    for content, name, reason in cases:
        (reply,) = replies(await send_file(bot, STAF, content, name=name))
        assert "ditolak; tidak ada yang diubah" in reply.params["text"], reply.params["text"]
        assert reason in reply.params["text"], reply.params["text"]
        assert not buttons_of(reply)
    calls = await send_file(bot, STAF, b"x", name="besar.xlsx", size=6 * 1024 * 1024)
    assert "terlalu besar (6.0 MB); batasnya 5 MB" in replies(calls)[0].params["text"]
    assert not [c for c in calls if c.method in ("getFile", "download")]  # refused before downloading
    assert snapshot(rt) == []


async def test_more_than_fifty_errors_are_cut_with_a_count(bot):
    rows = [HEADER] + [["Tapin", f"{c}.{i:02d}", "x", "", ""] for c in range(1, 7) for i in range(1, 13)]
    (reply, *rest) = replies(await send_file(bot, STAF, xlsx(rows)))
    text = "\n".join(c.params["text"] for c in [reply, *rest])
    assert text.count("status “x” tidak dikenal") == 50 and "… dan 22 kesalahan lain." in text


async def test_a_focal_point_cannot_import_another_region_or_verify(bot):
    rows = [HEADER, ["Tapin", "1.01", "terverifikasi", "", ""], ["Banjar", "1.01", "lengkap", "", ""]]
    (reply,) = replies(await send_file(bot, PIC, xlsx(rows)))
    text = reply.params["text"]
    assert "baris 2: status “terverifikasi” untuk Kabupaten Tapin tidak dapat Anda berikan" in text
    assert "baris 3: Anda tidak berwenang mengubah Kabupaten Banjar" in text
    (refused,) = replies(await send_file(bot, VIEWER, xlsx([HEADER, ["Tapin", "1.01", "lengkap", "", ""]])))
    assert is_refusal(refused.params["text"])
    assert snapshot(bot.runtime) == []


async def test_evidence_by_caption_raises_the_state_and_comes_back_with_one_button(bot):
    rt = bot.runtime
    (reply,) = replies(await send_file(bot, PIC, b"%PDF-1.4 perda", name="perda-bankum.pdf", caption="3.02"))
    text = reply.params["text"]
    assert "Berkas “perda-bankum.pdf” dilampirkan pada Kabupaten Tapin, indikator <code>3.02</code>." in text
    assert "Status: belum → <b>proses</b>" in text
    assert state_of(rt, "3.02") is IndicatorState.PROSES
    with rt.session() as session:
        (f,) = session.exec(select(EvidenceFile)).all()
    assert (f.file_name, f.file_size, f.uploaded_by, f.kind) == ("perda-bankum.pdf", 14, PIC, "document")
    # a staf names the region in the caption; a completed indicator keeps its state
    await bot.say("/tandai Tapin 3.02 lengkap", STAF)
    (reply,) = replies(await send_file(bot, STAF, b"jpeg", photo=True, caption="Rantau 3.02"))
    assert "kini memiliki 2 berkas" in reply.params["text"] and "Status tetap: <b>lengkap</b>" in reply.params["text"]
    # the /checklist browser shows them and sends them back
    (menu,) = replies(await bot.say("/checklist Tapin", STAF))
    (crit,) = replies(await bot.press(menu, "3. Hak turut serta dalam pemerintahan (0/12, 1 diajukan)", STAF))
    (detail,) = replies(await bot.press(crit, "🟢 3.02", STAF))
    assert "Berkas data dukung: 2" in detail.params["text"]
    calls = await bot.press(detail, "📂 Lihat 2 berkas", STAF)
    (doc,) = [c for c in calls if c.method == "sendDocument"]
    (photo,) = [c for c in calls if c.method == "sendPhoto"]
    assert doc.params["document"] == f.file_id and "perda-bankum.pdf" in doc.params["caption"]
    assert photo.params["photo"].startswith("f")
    assert bot.api.refusals == []
    # a pemantau sees the count but gets no button
    (menu,) = replies(await bot.say("/checklist Tapin", VIEWER))
    (crit,) = replies(await bot.press(menu, "3. Hak turut serta dalam pemerintahan (0/12, 1 diajukan)", VIEWER))
    (detail,) = replies(await bot.press(crit, "🟢 3.02", VIEWER))
    assert not any("berkas" in label for label, _ in buttons_of(detail))


async def test_evidence_by_replying_to_an_indicator_message(bot):
    (menu,) = replies(await bot.say("/checklist Tapin", PIC))
    (crit,) = replies(await bot.press(menu, "2. Hak atas informasi (0/12)", PIC))
    (detail,) = replies(await bot.press(crit, "⚪ 2.05", PIC))
    assert "balas pesan ini dengan dokumen atau foto" in detail.params["text"]
    (reply,) = replies(await send_file(bot, PIC, b"scan", photo=True, reply_to=detail))
    assert "indikator <code>2.05</code>" in reply.params["text"]
    assert state_of(bot.runtime, "2.05") is IndicatorState.PROSES


async def test_a_caption_naming_another_indicator_wins_over_the_reply_and_says_so(bot):
    (menu,) = replies(await bot.say("/checklist Tapin", PIC))
    (crit,) = replies(await bot.press(menu, "4. Hak atas keberagaman dan pluralisme (0/12)", PIC))
    (detail,) = replies(await bot.press(crit, "⚪ 4.01", PIC))
    (reply,) = replies(await send_file(bot, PIC, b"scan", photo=True, reply_to=detail, caption="4.02"))
    assert reply.params["text"].startswith(
        "📎 Berkas “foto-1.jpg” dilampirkan pada Kabupaten Tapin, indikator <code>4.02</code>.\n"
        "Sesuai keterangan berkas: indikator <code>4.02</code>, bukan <code>4.01</code> dari pesan yang dibalas.")
    assert (state_of(bot.runtime, "4.02"), state_of(bot.runtime, "4.01")) == (IndicatorState.PROSES,
                                                                              IndicatorState.BELUM)
    # the same code as the message replied to: nothing more to say
    (same,) = replies(await send_file(bot, PIC, b"scan", photo=True, reply_to=detail, caption="4.01"))
    assert "indikator <code>4.01</code>." in same.params["text"] and "Sesuai keterangan" not in same.params["text"]


async def test_photos_are_named_per_indicator_not_by_telegrams_file_id(bot):
    names = []
    for _ in range(2):
        (reply,) = replies(await send_file(bot, PIC, b"jpeg", photo=True, caption="3.02"))
        names.append(reply.params["text"].split("\n")[0])
    (other,) = replies(await send_file(bot, PIC, b"jpeg", photo=True, caption="3.03"))
    assert names == ["📎 Berkas “foto-1.jpg” dilampirkan pada Kabupaten Tapin, indikator <code>3.02</code>.",
                     "📎 Berkas “foto-2.jpg” dilampirkan pada Kabupaten Tapin, indikator <code>3.02</code>."]
    assert "“foto-1.jpg”" in other.params["text"]  # numbered per indicator
    with bot.runtime.session() as session:
        assert sorted(f.file_name for f in session.exec(select(EvidenceFile))) == ["foto-1.jpg", "foto-1.jpg",
                                                                                   "foto-2.jpg"]


@pytest.mark.parametrize("caption", ["1.01 1.02", "3.02, 3.03", "Tapin 1.01,1.02"])
async def test_a_caption_with_two_codes_is_refused_and_attaches_nothing(bot, caption):
    (reply,) = replies(await send_file(bot, PIC, b"x", name="dok.pdf", caption=caption))
    first = caption.replace(",", " ").split()[-2] if caption.startswith("Tapin") else caption.split()[0].strip(",")
    assert reply.params["text"] == (f"⚠️ Satu berkas untuk satu indikator: kirim berkas ini dengan satu kode, "
                                    f"mis. {first}.")
    with bot.runtime.session() as session:
        assert session.exec(select(EvidenceFile)).all() == []


@pytest.mark.parametrize("caption,code", [
    ("indikator 3.05", "3.05"), ("Tapin indikator 3.05", "3.05"), ("3,04", "3.04"), ("5.2", "5.02"),
    ("05.02", "5.02"), ("Kode 3.06.", "3.06"),
])
async def test_codes_as_people_write_them_in_a_caption(bot, caption, code):
    (reply,) = replies(await send_file(bot, PIC, b"x", name="dok.pdf", caption=caption))
    assert f"“dok.pdf” dilampirkan pada Kabupaten Tapin, indikator <code>{code}</code>." in reply.params["text"]
    assert state_of(bot.runtime, code) is IndicatorState.PROSES


@pytest.mark.parametrize("typed", ["5.2", "05.02", "5,02"])
async def test_tandai_reads_a_code_as_people_write_it(bot, typed):
    (reply,) = replies(await bot.say(f"/tandai Tapin {typed} lengkap", PIC))
    assert "<code>5.02</code>" in reply.params["text"] and "Tidak ada yang diubah" not in reply.params["text"]
    assert state_of(bot.runtime, "5.02") is IndicatorState.LENGKAP


async def test_a_file_sent_after_tambah_tautan_catatan_is_attached(bot):
    (menu,) = replies(await bot.say("/checklist Tapin", PIC))
    (crit,) = replies(await bot.press(menu, "4. Hak atas keberagaman dan pluralisme (0/12)", PIC))
    (detail,) = replies(await bot.press(crit, "⚪ 4.07", PIC))
    (ask,) = replies(await bot.press(detail, "📎 Tambah tautan/catatan", PIC))
    assert "atau berkas (dokumen atau foto)" in ask.params["text"]
    (reply,) = replies(await send_file(bot, PIC, b"%PDF", name="sk-fkub.pdf"))
    assert "“sk-fkub.pdf” dilampirkan pada Kabupaten Tapin, indikator <code>4.07</code>" in reply.params["text"]
    assert state_of(bot.runtime, "4.07") is IndicatorState.PROSES
    (hint,) = replies(await bot.say("teks biasa", PIC))  # the conversation is over
    assert "Saya menjawab perintah" in hint.params["text"]


async def test_evidence_refusals(bot):
    (reply,) = replies(await send_file(bot, PIC, b"x", name="a.pdf", caption="Banjar 3.02"))
    assert ("Kabupaten Banjar bukan wilayah Anda; berkas tidak dilampirkan. Anda dapat melampirkan data dukung "
            "untuk Kabupaten Tapin.") in reply.params["text"]
    (reply,) = replies(await send_file(bot, PIC, b"x", photo=True, caption="Banjar 3.02"))
    assert "Kabupaten Banjar bukan wilayah Anda" in reply.params["text"]
    (reply,) = replies(await send_file(bot, PIC, b"x", name="a.pdf", caption="3.99"))
    assert ("Indikator “3.99” tidak ada di daftar indikator yang berlaku; berkas tidak dilampirkan"
            in reply.params["text"])
    (reply,) = replies(await send_file(bot, PIC, b"x", photo=True, caption="Tapin 3.99"))
    assert "Indikator “3.99” tidak ada" in reply.params["text"]
    (reply,) = replies(await send_file(bot, VIEWER, b"x", name="a.pdf", caption="3.02"))
    assert is_refusal(reply.params["text"])
    (reply,) = replies(await send_file(bot, PIC, b"x", name="a.pdf", caption="Tapim Kalsl 3.02"))
    assert "Kab/kota “Tapim Kalsl” tidak dikenal atau bisa berarti beberapa kab/kota; berkas tidak dilampirkan" \
        in reply.params["text"]
    # in a group only a caption that is just a code is answered ("rapat 1.5 jam" is somebody's message)
    (reply,) = replies(await send_file(bot, PIC, b"x", name="a.pdf", caption="3.99", chat_id=-100777))
    assert "Indikator “3.99” tidak ada" in reply.params["text"]
    assert replies(await send_file(bot, PIC, b"x", name="a.pdf", caption="rapat 1.5 jam", chat_id=-100777)) == []
    (reply,) = replies(await send_file(bot, STAF, b"x", name="a.pdf", caption="3.02"))
    assert "Sebutkan kab/kota di keterangan berkas, mis. “Kabupaten Tapin 3.02”." in reply.params["text"]
    (reply,) = replies(await send_file(bot, PIC, b"x", name="a.pdf"))
    assert "Berkas ini tidak dapat diproses." in reply.params["text"]
    assert replies(await send_file(bot, PIC, b"x", name="a.xlsx", chat_id=-100777)) == []  # groups: no imports
    with bot.runtime.session() as session:
        assert session.exec(select(EvidenceFile)).all() == []
        assert session.exec(select(ChecklistEntry)).all() == []


async def test_ekspor_and_templat_send_workbooks_that_import_back(bot):
    await bot.say("/tandai Tapin 1.01 lengkap", STAF)
    calls = await bot.say("/ekspor Kalsel", VIEWER)
    (doc,) = [c for c in calls if c.method == "sendDocument"]
    assert "Laporan KKP HAM Kalimantan Selatan" in doc.params["caption"]
    (content,) = doc.files.values()
    wb = load_workbook(io.BytesIO(content), read_only=True)
    assert wb.sheetnames[:2] == ["Ringkasan", "Progres"]
    calls = await bot.say("/ekspor Tapin", VIEWER)
    (doc,) = [c for c in calls if c.method == "sendDocument"]
    (content,) = doc.files.values()
    names = load_workbook(io.BytesIO(content), read_only=True).sheetnames  # Excel allows 31 characters
    assert "3. Hak turut serta dalam…" in names and "9. Hak atas lingkungan yang…" in names  # whole words
    assert all(len(n) <= 31 for n in names)
    calls = await bot.say("/templat Tapin", PIC)
    (doc,) = [c for c in calls if c.method == "sendDocument"]
    (template,) = doc.files.values()
    (preview,) = replies(await send_file(bot, PIC, template, name="templat.xlsx"))
    assert "120 baris sah: 0 berubah, 120 tetap." in preview.params["text"]
    assert "Tidak ada yang berubah" in preview.params["text"] and not buttons_of(preview)
    (refused,) = replies(await bot.say("/templat Tapin", VIEWER))
    assert is_refusal(refused.params["text"])


async def test_aksi_spreadsheet_through_the_bot(bot):
    """An old file (wilayah, tahun, periode, skor) from the Kanwil; a PIC's file hands actions in."""
    content = xlsx([["wilayah", "tahun", "periode", "skor"], ["Tapin", "2024", "B04", "85"]], sheet="Aksi HAM")
    (preview,) = replies(await send_file(bot, STAF, content, name="aksi.xlsx"))
    assert "Pratinjau impor Aksi HAM" in preview.params["text"]
    assert "Kabupaten Tapin B04 2024: nilai capaian 85" in preview.params["text"]
    (done,) = replies(await bot.press(preview, "✅ Kirim", STAF))
    assert "1 baris berubah" in done.params["text"]
    (shown,) = replies(await bot.say("/aksi Tapin", PIC))
    assert "nilai capaian <b>85</b> (dinilai per periode)" in shown.params["text"]
    (refused,) = replies(await send_file(bot, PIC, xlsx([["wilayah", "tahun", "periode", "skor"],
                                                          ["Tapin", "2024", "B08", "70"]], sheet="Aksi HAM"),
                                         name="aksi.xlsx"))
    assert "baris 2: Nilai capaian dan laporan seluruh periode ditetapkan oleh Kanwil" in refused.params["text"]
    content = xlsx([["wilayah", "tahun", "periode", "aksi", "status", "catatan"],
                    ["Tapin", "2024", "B08", "1", "lengkap", "diunggah ke SAPA-HAM"]], sheet="Aksi HAM")
    (preview,) = replies(await send_file(bot, PIC, content, name="aksi-tapin.xlsx"))
    assert "Kabupaten Tapin B08 2024 Aksi 1: belum dilaporkan → diajukan" in preview.params["text"]
    (done,) = replies(await bot.press(preview, "✅ Kirim", PIC))
    (shown,) = replies(await bot.say("/aksi Tapin", PIC))
    assert "Aksi 1 · B04 ❔ B08 ☑️ B12 ⬜" in shown.params["text"]


def test_file_url_follows_the_api_base_url():
    assert Settings(_env_file=None).api_file_url == "https://api.telegram.org/file/bot"
    local = Settings(_env_file=None, telegram_api_base_url="http://127.0.0.1:8081/bot")
    assert local.api_file_url == "http://127.0.0.1:8081/file/bot"
    own = Settings(_env_file=None, telegram_api_file_url="http://files.local/file/bot")
    assert own.api_file_url == "http://files.local/file/bot"


async def test_www_without_a_scheme_is_a_link_not_a_note(bot):
    (reply,) = replies(await bot.say("/tandai Tapin 1.03 proses www.tapinkab.go.id/ppid", PIC))
    assert "Data dukung: https://www.tapinkab.go.id/ppid" in reply.params["text"]
    (reply,) = replies(await bot.say("/tandai Tapin 1.04 proses dokumen di bagian hukum", PIC))
    assert "Catatan: dokumen di bagian hukum" in reply.params["text"]
    assert snapshot(bot.runtime) == [("63.05", "1.03", "proses", "https://www.tapinkab.go.id/ppid", None),
                                     ("63.05", "1.04", "proses", None, "dokumen di bagian hukum")]


async def test_a_doubled_column_and_an_overlong_note_are_named(bot):
    doubled = xlsx([HEADER + ["status"], ["Tapin", "1.01", "lengkap", "", "", "belum"]])
    (reply,) = replies(await send_file(bot, STAF, doubled))
    assert "Kolom ganda: status. Setiap kolom hanya boleh ada sekali." in reply.params["text"]
    aliases = xlsx([["wilayah", "kode", "status", "state"], ["Tapin", "1.01", "lengkap", "belum"]])
    (reply,) = replies(await send_file(bot, STAF, aliases))
    assert "Kolom ganda: status." in reply.params["text"] and not buttons_of(reply)
    long_note = f"wilayah,kode,status,catatan\nTapin,1.01,lengkap,{'x' * 200_000}\n".encode()
    (reply,) = replies(await send_file(bot, STAF, long_note, name="progres.csv"))
    assert "baris 2: Catatan terlalu panjang: 200.000 karakter, paling banyak 1.000." in reply.params["text"]
    assert "rusak" not in reply.params["text"]
    assert snapshot(bot.runtime) == []


async def test_lihat_berkas_sends_the_ten_newest_and_says_how_many_more(bot):
    for i in range(14):
        await send_file(bot, PIC, b"%PDF", name=f"bukti-{i:02d}.pdf", caption="3.02")
    (menu,) = replies(await bot.say("/checklist Tapin", PIC))
    (crit,) = replies(await bot.press(menu, "kc|63.05|3|0|e", PIC))
    (detail,) = replies(await bot.press(crit, "ki|63.05|3.02|e", PIC))
    calls = await bot.press(detail, "📂 Lihat 14 berkas", PIC)
    sent = [c.params["caption"].rsplit(" · ", 1)[1] for c in calls if c.method == "sendDocument"]
    assert sent == [f"bukti-{i:02d}.pdf" for i in range(4, 14)]  # the newest ten, oldest of them first
    (note,) = replies(calls)
    assert "Ditampilkan 10 berkas terbaru dari 14; 4 berkas yang lebih lama tidak dikirim ulang." in note.params["text"]
    assert bot.api.refusals == []

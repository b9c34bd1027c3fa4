"""Two numbers, honestly named: what the Kanwil verified and what a kab/kota handed in stay apart in every
view; the perkiraan predikat counts the verified indicators only, unless PANTAU_PREDIKAT_INCLUDES_HANDED_IN
adds the handed-in ones, and then every view says so."""

from __future__ import annotations

import io
import re

import pytest

from bot.core.models import IndicatorState
from bot.domain.checklist import province_progress, set_state
from bot.reference import provinces, regions
from tests.conftest import PIC, STAF, VIEWER, replies
from tests.test_files import send_file
from tests.test_progress_import import HEADER, xlsx

TAPIN, HSS, BANJAR, SAMARINDA = (regions()[c] for c in ("63.05", "63.06", "63.03", "64.72"))
KALSEL = provinces()["63"]
CODES = [f"{c}.{i:02d}" for c in range(1, 11) for i in range(1, 13)]
LABEL = "Perkiraan predikat dari kelengkapan data dukung"
INCLUDING = "Perkiraan predikat dari kelengkapan data dukung, termasuk yang baru diajukan kab/kota"


def mark(rt, region, codes, state, actor=STAF):
    with rt.session() as session:
        cycle = rt.cycle(session)
        for code in codes:
            set_state(session, rt.clock, cycle, region, code, state, actor)


def count_handed_in(rt) -> None:
    rt.settings = rt.settings.model_copy(update={"predikat_includes_handed_in": True})


async def say(bot, line, user=STAF) -> str:
    return "\n".join(c.params["text"] for c in replies(await bot.say(line, user)))


async def pic_hands_everything_in(bot) -> None:
    """Tapin's focal point sends a progress file with all 120 indicators ``lengkap`` and presses Kirim."""
    content = xlsx([HEADER] + [["63.05", code, "lengkap", "", ""] for code in CODES])
    (preview,) = replies(await send_file(bot, PIC, content))
    (done,) = replies(await bot.press(preview, "✅ Kirim", PIC))
    assert "120 baris berubah" in done.params["text"]


async def test_a_pic_handing_everything_in_does_not_move_the_projection(bot):
    await pic_hands_everything_in(bot)
    text = await say(bot, "/status Tapin", PIC)
    assert "Terverifikasi Kanwil: <b>0</b> dari 120 indikator (0%)" in text
    assert "Diajukan kab/kota, menunggu verifikasi: <b>120</b>" in text
    assert f"{LABEL}: <b>kurang peduli</b> (0 dari 100; batas peduli 75, sesuai pengaturan)" in text
    assert "termasuk yang baru diajukan" not in text
    province = await say(bot, "/status Kalsel", PIC)
    assert f"{LABEL}: 0 dari 13 kab/kota peduli (0%)" in province
    assert "Kab. Tapin: 0% terverifikasi · 100% diajukan · kurang peduli" in province
    # the Kanwil verifies 90 of them: now the projection moves, and the rest still wait
    mark(bot.runtime, TAPIN, CODES[:90], IndicatorState.TERVERIFIKASI)
    text = await say(bot, "/status Tapin", PIC)
    assert "Terverifikasi Kanwil: <b>90</b> dari 120 indikator (75%)" in text
    assert "Diajukan kab/kota, menunggu verifikasi: <b>30</b>" in text
    assert f"{LABEL}: <b>peduli</b> (75 dari 100; batas peduli 75, sesuai pengaturan)" in text
    assert f"{LABEL}: 1 dari 13 kab/kota peduli (7,7%)" in await say(bot, "/status Kalsel", PIC)


async def test_the_setting_counts_handed_in_indicators_and_every_view_says_so(bot):
    count_handed_in(bot.runtime)
    await pic_hands_everything_in(bot)
    text = await say(bot, "/status Tapin", PIC)
    assert f"{INCLUDING}: <b>peduli</b> (100 dari 100; batas peduli 75, sesuai pengaturan)" in text
    assert "ikut dihitung sebelum diverifikasi Kanwil (sesuai pengaturan)" in text
    assert "Terverifikasi Kanwil: <b>0</b> dari 120 indikator (0%)" in text  # still shown apart
    province = await say(bot, "/status Kalsel")
    assert f"{INCLUDING}: 1 dari 13 kab/kota peduli (7,7%)" in province
    national = await say(bot, "/status nasional")
    assert f"{INCLUDING}: 1 dari 514 kab/kota peduli (0,2%)" in national
    assert "1. Kalimantan Selatan: 1 dari 13 kab/kota peduli (7,7%) · 0% terverifikasi · 7,7% diajukan" in national
    preview = replies(await bot.say("/umumkan", STAF))[-1].params["text"]
    assert f"{INCLUDING}: 1 dari 13 kab/kota peduli (7,7%)" in preview
    assert "Per kab/kota: indikator terverifikasi Kanwil dan yang baru diajukan (%) · perkiraan predikat" in preview
    assert "1. Kab. Tapin: 100% · peduli" in preview
    await bot.say("/bahasa en", VIEWER)
    english = await say(bot, "/status Tapin", VIEWER)
    assert ("Projected rating from supporting-document completeness, including indicators just handed in by the "
            "regency/city: <b>caring (peduli)</b> (100 of 100; peduli from 75, as configured)") in english


async def test_the_national_overview_shows_both_numbers(bot):
    mark(bot.runtime, TAPIN, CODES[:90], IndicatorState.TERVERIFIKASI)
    mark(bot.runtime, TAPIN, CODES[90:], IndicatorState.LENGKAP)
    mark(bot.runtime, SAMARINDA, CODES, IndicatorState.LENGKAP, actor=1)  # all handed in, none verified
    text = await say(bot, "/status nasional")
    assert f"{LABEL}: 1 dari 514 kab/kota peduli (0,2%)" in text
    assert "Indikator terverifikasi Kanwil: 90 dari 61.680 (0,1%) · diajukan kab/kota, menunggu verifikasi: 150" in text
    lines = [line for line in text.split("\n") if re.match(r"^\d+\. ", line)]
    assert lines[0] == ("1. Kalimantan Selatan: 1 dari 13 kab/kota peduli (7,7%) · 5,8% terverifikasi · 1,9% diajukan"
                        "; 12 kab/kota belum ada data")
    assert lines[1] == ("2. Kalimantan Timur: 0 dari 10 kab/kota peduli (0%) · 0% terverifikasi · 10% diajukan"
                        "; 9 kab/kota belum ada data")
    with bot.runtime.session() as session:  # the same rule as the province's own view
        assert province_progress(session, bot.runtime.cycle(session), KALSEL, bot.runtime.thresholds).above == 1
    count_handed_in(bot.runtime)
    text = await say(bot, "/status nasional")
    assert f"{INCLUDING}: 2 dari 514 kab/kota peduli (0,4%)" in text
    assert "Kalimantan Timur: 1 dari 10 kab/kota peduli (10%)" in text


async def test_the_broadcast_preview_shows_both_numbers_and_who_needs_assistance(bot):
    from bot.core.i18n import translator
    from bot.render.broadcast import chart_labels
    from bot.views.broadcast import view
    from tests.test_broadcast import outbox, results

    mark(bot.runtime, TAPIN, CODES, IndicatorState.LENGKAP, actor=PIC)  # everything waits for the Kanwil
    mark(bot.runtime, HSS, CODES[:10], IndicatorState.TERVERIFIKASI)
    mark(bot.runtime, HSS, CODES[10:15], IndicatorState.LENGKAP)
    mark(bot.runtime, BANJAR, CODES[:100], IndicatorState.TERVERIFIKASI)
    await bot.say("/start", PIC)
    calls = await bot.say("/umumkan", STAF)
    assert [c for c in calls if c.method == "sendPhoto"]  # the chart
    message = replies(calls)[-1]
    text = message.params["text"]
    assert f"{LABEL}: 1 dari 13 kab/kota peduli (7,7%); syarat provinsi (sesuai pengaturan) 60%: belum tercapai" in text
    assert "Indikator terverifikasi Kanwil: 110 dari 1.560 (7,1%) · diajukan kab/kota, menunggu verifikasi: 125" in text
    assert "1. Kab. Banjar: 83,3% · peduli" in text and "Kab. Tapin: 0% · kurang peduli" in text
    # Tapin handed everything in: it waits for the Kanwil, it does not need assistance
    assert "Perlu pendampingan: Kab. Hulu Sungai Selatan\n" in text + "\n"
    assert "skor" not in text and "kategori" not in text
    with bot.runtime.session() as session:
        v = view(session, bot.runtime.clock, bot.runtime.cycle(session), KALSEL, bot.runtime.thresholds)
    labels = chart_labels(translator("id"), v)
    assert labels["title"] == "KKP HAM Kalimantan Selatan: perkiraan predikat dari kelengkapan data dukung"
    assert labels["threshold_label"] == "batas peduli 75 (sesuai pengaturan)"
    assert labels["handed_in_label"] == "diajukan kab/kota, menunggu verifikasi (tidak dihitung)"
    # the focal point's own line carries both numbers
    (toggled,) = replies(await bot.press(message, "👥 Kirim juga ke PIC", STAF))
    await bot.press(toggled, "✅ Kirim", STAF)
    await outbox(bot).run_until_idle()
    (mine,) = results(bot, PIC)
    assert "Terverifikasi Kanwil: 0 dari 120 indikator (0%) · diajukan, menunggu verifikasi: 120" in mine.params["text"]
    assert f"{LABEL}: kurang peduli · peringkat" in mine.params["text"]


@pytest.mark.parametrize("include", [False, True])
def test_the_export_summary_has_both_numbers(catalog, include):
    from openpyxl import load_workbook

    from bot.io.export import report

    if include:
        count_handed_in(catalog)
    mark(catalog, TAPIN, CODES[:60], IndicatorState.TERVERIFIKASI)
    mark(catalog, TAPIN, CODES[60:90], IndicatorState.LENGKAP)
    with catalog.session() as session:
        book = report(session, catalog.clock, catalog.cycle(session), KALSEL, catalog.thresholds, catalog.t)
    summary = load_workbook(io.BytesIO(book.content))["Ringkasan"]
    header = next(summary.iter_rows(max_row=1, values_only=True))
    rows = {r[0]: r for r in summary.iter_rows(min_row=2, values_only=True)}
    assert header[2:6] == ("terverifikasi Kanwil", "diajukan kab/kota, menunggu verifikasi", "jumlah indikator",
                           "persen terverifikasi")
    assert rows["63.05"][2:6] == (60, 30, 120, 0.5)
    assert summary["F2"].number_format == "0.0%"
    if include:
        assert header[6] == INCLUDING.lower() and rows["63.05"][6] == "peduli"
    else:
        assert header[6] == LABEL.lower() and rows["63.05"][6] == "cukup peduli"


def test_the_digest_shows_what_waits_for_the_kanwil(catalog):
    from bot.render.digest import digest
    from bot.views.digest import build

    mark(catalog, TAPIN, CODES, IndicatorState.LENGKAP, actor=PIC)
    mark(catalog, HSS, CODES[:10], IndicatorState.LENGKAP, actor=PIC)
    with catalog.session() as session:
        text = digest(catalog.t, build(session, catalog.clock, catalog.settings, KALSEL, catalog.thresholds))
    assert f"{LABEL}: 0 dari 13 kab/kota peduli (0%)" in text
    assert "Indikator terverifikasi Kanwil: 0 dari 1.560 (0%) · diajukan kab/kota, menunggu verifikasi: 130" in text
    assert ("<b>Menunggu verifikasi Kanwil</b>\n• Kab. Tapin: 120 indikator diajukan\n"
            "• Kab. Hulu Sungai Selatan: 10 indikator diajukan\n") in text
    assert "<b>Perlu pendampingan</b>\n• Kab. Hulu Sungai Selatan: 0% terverifikasi · 8,3% diajukan · kurang peduli\n" \
        in text


def test_a_pic_with_everything_handed_in_has_no_kkp_work_left(catalog):
    from schedules.calendar import parse_line
    from schedules.events import add
    from schedules.recipients import work_of

    mark(catalog, TAPIN, CODES, IndicatorState.LENGKAP, actor=PIC)  # waiting for the Kanwil: the PIC is done
    mark(catalog, HSS, CODES[:10], IndicatorState.TERVERIFIKASI)
    with catalog.session() as session:
        event = add(session, catalog.clock, catalog.settings, parse_line("kkpham Kalsel 2024-03-31 Batas data dukung"),
                    STAF)
        work = work_of(session, catalog.clock, event, {"63.05", "63.06"}, catalog.settings.cycle)
    assert not work["63.05"].has_work and work["63.05"].missing == 0
    assert work["63.06"].has_work and work["63.06"].missing == 110


async def test_belum_counts_what_waits_for_the_kanwil(bot):
    mark(bot.runtime, TAPIN, CODES[:10], IndicatorState.LENGKAP, actor=PIC)
    mark(bot.runtime, TAPIN, CODES[10:11], IndicatorState.TERVERIFIKASI)
    text = await say(bot, "/belum Tapin 1", PIC)
    assert "1 indikator belum lengkap" in text
    assert "10 indikator lain sudah diajukan dan menunggu verifikasi Kanwil." in text
    assert "<code>1.12</code>" in text and "<code>1.01</code>" not in text
    mark(bot.runtime, TAPIN, CODES[11:12], IndicatorState.LENGKAP, actor=PIC)
    assert "Semua indikator sudah diajukan; 11 di antaranya menunggu verifikasi Kanwil." in \
        await say(bot, "/belum Tapin 1", PIC)
    mark(bot.runtime, TAPIN, CODES[:12], IndicatorState.TERVERIFIKASI)
    assert "Semua indikator sudah terverifikasi Kanwil. 🎉" in await say(bot, "/belum Tapin 1", PIC)


def test_the_setting_is_read_from_the_environment(monkeypatch):
    from bot.core.settings import Settings, SettingsError, load_settings

    monkeypatch.setenv("PANTAU_PREDIKAT_INCLUDES_HANDED_IN", "true")
    assert Settings(_env_file=None).predikat_includes_handed_in is True
    monkeypatch.setenv("PANTAU_PREDIKAT_INCLUDES_HANDED_IN", "kadang")
    with pytest.raises(SettingsError) as exc:
        load_settings(_env_file=None)
    assert exc.value.problems == [("PANTAU_PREDIKAT_INCLUDES_HANDED_IN", "kadang", "true atau false")]
    monkeypatch.delenv("PANTAU_PREDIKAT_INCLUDES_HANDED_IN")
    assert Settings(_env_file=None).predikat_includes_handed_in is False


def test_both_numbers_on_postgresql(pg_url, clock):
    from bot.domain.catalog import import_sample
    from bot.domain.checklist import national_progress, region_progress
    from bot.domain.runtime import Runtime
    from tests.conftest import make_settings

    rt = Runtime.start(make_settings(pg_url), clock)
    try:
        with rt.session() as session:
            import_sample(session, rt.clock)
        mark(rt, TAPIN, CODES[:90], IndicatorState.TERVERIFIKASI)
        mark(rt, TAPIN, CODES[90:], IndicatorState.LENGKAP)
        mark(rt, HSS, CODES, IndicatorState.LENGKAP)
        with rt.session() as session:
            national = national_progress(session, rt.cycle(session), rt.thresholds)
            tapin = region_progress(session, rt.cycle(session), TAPIN, rt.thresholds)
        assert (tapin.verified, tapin.handed_in, tapin.klass) == (90, 30, "peduli")
        assert (national.above, national.indicators.verified, national.indicators.handed_in) == (1, 90, 150)
        count_handed_in(rt)
        with rt.session() as session:
            assert national_progress(session, rt.cycle(session), rt.thresholds).above == 2
    finally:
        rt.engine.dispose()

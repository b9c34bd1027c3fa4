"""What a refused person reads: why, and what to do (``bot.render.refusal``), never a generic "not allowed".

The decision stays ``bot.domain.access``'s (``tests/test_access.py``); here only its wording: a stranger is told
to ask for an invitation, a place outside one's scope is named with one's own, a right of another role names
that role. Nothing changes on a refusal."""

from __future__ import annotations

import pytest

from bot.core.i18n import translator
from bot.domain.access import Action, allowed
from bot.domain.checklist import indicator_statuses
from bot.domain.people import Grants
from bot.reference import provinces, regions
from bot.render.refusal import ALERT_LIMIT, refusal
from tests.conftest import PIC, STAF, VIEWER, replies

STRANGER = 999

CASES = [
    ("/status Tapin", STRANGER, "Anda belum terdaftar. Mintalah tautan undangan kepada Bidang HAM Kanwil di provinsi "
                                "Anda; ID Telegram Anda dapat dilihat dengan /saya."),
    ("/tandai Banjar 3.06 lengkap", PIC, "Kabupaten Banjar bukan wilayah Anda. Anda PIC Kabupaten Tapin."),
    ("/aksi Banjar B04 2024 1 lengkap", PIC, "Kabupaten Banjar bukan wilayah Anda. Anda PIC Kabupaten Tapin."),
    ("/riwayat Kalsel", PIC, "Provinsi Kalimantan Selatan bukan wilayah Anda. Anda PIC Kabupaten Tapin."),
    ("/tandai Palembang 1.01 terverifikasi", STAF,
     "Kota Palembang berada di Provinsi Sumatera Selatan; Anda staf Kanwil Provinsi Kalimantan Selatan."),
    ("/verifikasi Palembang", STAF,
     "Kota Palembang berada di Provinsi Sumatera Selatan; Anda staf Kanwil Provinsi Kalimantan Selatan."),
    ("/umumkan Sumsel", STAF, "Provinsi Sumatera Selatan bukan wilayah Anda; Anda staf Kanwil Provinsi Kalimantan "
                              "Selatan."),
    ("/jadwal_tambah rakor nasional 2024-06-19 09.00 Rakor", STAF, "Acara nasional hanya dapat dibuat oleh admin."),
    ("/jadwal_tambah rakor Tapin 2024-06-19 09.00 Rakor", PIC,
     "Hanya staf Bidang HAM Kanwil dan admin yang dapat membuat, mengubah atau membatalkan jadwal acara. Anda PIC "
     "Kabupaten Tapin."),
    ("/verifikasi Tapin", PIC, "Hanya staf Bidang HAM Kanwil dan admin yang dapat memverifikasi data dukung. Anda PIC "
                               "Kabupaten Tapin."),
    ("/tandai Tapin 1.01 lengkap", VIEWER,
     "Hanya PIC kab/kota, staf Bidang HAM Kanwil dan admin yang dapat mengubah status dan data dukung indikator. "
     "Anda pemantau Kabupaten Tapin (hanya dapat melihat)."),
    ("/status nasional", PIC, "Rekap nasional hanya dapat dilihat oleh staf Kanwil dan admin. Anda PIC Kabupaten "
                              "Tapin."),
]


@pytest.mark.parametrize("line,who,expected", CASES, ids=[c[0].split()[0] + f"-{c[1]}" for c in CASES])
async def test_a_refusal_says_why_and_what_to_do(bot, line, who, expected):
    with bot.runtime.session() as session:
        before = indicator_statuses(session, bot.runtime.cycle(session), regions()["63.03"])
    (reply,) = replies(await bot.say(line, who))
    assert reply.params["text"] == expected
    with bot.runtime.session() as session:
        assert indicator_statuses(session, bot.runtime.cycle(session), regions()["63.03"]) == before


async def test_a_refused_button_says_why_in_its_alert(bot):
    (menu,) = replies(await bot.say("/umumkan"))  # the admin's choice of provinces
    calls = await bot.press(menu, "um|prov|16", STAF)
    (alert,) = [c for c in calls if c.method == "answerCallbackQuery"]
    assert alert.params["show_alert"]
    assert alert.params["text"] == ("Provinsi Sumatera Selatan bukan wilayah Anda; Anda staf Kanwil Provinsi "
                                    "Kalimantan Selatan.")


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_refusal_fits_an_alert(language):
    """The longest names, several roles, every action: a button's alert stays within Telegram's 200 characters,
    and a message says the same as the alert."""
    t = translator(language)
    many = frozenset(sorted(regions())[:5])
    people = [Grants(1), Grants(2, pic=many), Grants(3, staf=frozenset(sorted(provinces())[:5])),
              Grants(4, pemantau=many), Grants(5, pic=many, staf=frozenset({"94"}))]
    places = [None, "nasional", *regions().values(), *provinces().values()]
    for g in people:
        for action in Action:
            for place in places:
                if allowed(g, action, place):
                    continue
                alert = refusal(t, g, action, place, html=False)
                assert 0 < len(alert) <= ALERT_LIMIT, alert

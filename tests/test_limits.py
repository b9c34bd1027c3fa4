"""Out-of-range input gets one clear message naming the field and the range, and changes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.core.models import AksiReport, AuditEntry, Event
from tests.conftest import ADMIN, PIC, replies


def events(rt) -> list[Event]:
    with rt.session() as session:
        return list(session.exec(select(Event)))


@pytest.mark.parametrize("line,expected", [
    ("/jadwal_tambah rakor Tapin 0001-01-01 09:00 Rakor purba", "di luar rentang yang diterima"),
    ("/jadwal_tambah rakor Tapin 9999-12-31 Rakor masa depan", "di luar rentang yang diterima"),
    ("/jadwal_tambah rakor Tapin 2024-06-19 Rakor | lokasi " + "x" * 5200,
     "Lokasi terlalu panjang: 5.200 karakter, paling banyak 200."),
    ("/jadwal_tambah rakor Tapin 2024-06-19 Rakor | catatan " + "x" * 5200, "Catatan terlalu panjang"),
    ("/jadwal_tambah rakor Tapin 2024-06-19 " + "Judul " * 100, "Judul acara terlalu panjang"),
    ("/jadwal_tambah rakor Tapin 2024-06-19 09:00 Rakor | ingatkan "
     + ",".join(f"{n}d" for n in range(1, 39)), "Terlalu banyak pengingat: 38"),
])
async def test_event_input_out_of_range(bot, line, expected):
    (reply,) = replies(await bot.say(line))
    assert expected in reply.params["text"] and reply.params["text"].startswith("⚠️")
    assert events(bot.runtime) == []
    assert not bot.api.refusals


async def test_changing_an_event_out_of_range(bot):
    await bot.say("/jadwal_tambah rakor Tapin 2024-06-19 09:00 Rakor")
    (event,) = events(bot.runtime)
    for line, expected in [
        (f"/jadwal_ubah {event.id} tanggal 0001-01-01", "di luar rentang"),
        (f"/jadwal_ubah {event.id} lokasi " + "y" * 300, "Lokasi terlalu panjang"),
        ("/jadwal_ubah 99999999999999999999 judul Baru", "Nomor acara harus berupa angka"),
        ("/jadwal_batal 99999999999999999999", "Nomor acara harus berupa angka"),
        ("/cabut 99999999999999999999", "tidak dikenal"),
    ]:
        (reply,) = replies(await bot.say(line))
        assert expected in reply.params["text"], (line, reply.params["text"])
    (after,) = events(bot.runtime)
    assert (after.start_date, after.location, after.version) == (event.start_date, event.location, event.version)


async def test_offsets_are_stored_in_their_short_form(bot):
    await bot.say("/jadwal_tambah rakor Tapin 2024-06-19 09:00 Rakor | ingatkan 3d, 1d ,2h,3d")
    (event,) = events(bot.runtime)
    assert event.offsets == "3d,1d,2h"


async def test_aksi_year_must_be_sane(bot):
    for line in ("/aksi Tapin B04 -2026 50", "/aksi Tapin B04 0000 50", "/aksi Tapin B04 2999 50"):
        (reply,) = replies(await bot.say(line, PIC))
        assert "Tahun" in reply.params["text"] and "⚠️" in reply.params["text"], line
    with bot.runtime.session() as session:
        assert session.exec(select(AksiReport)).all() == []


async def test_long_note_on_an_indicator_is_refused(bot):
    (reply,) = replies(await bot.say("/tandai Tapin 1.01 proses " + "n" * 1200, ADMIN))
    assert "Catatan terlalu panjang: 1.200 karakter, paling banyak 1.000." in reply.params["text"]
    with bot.runtime.session() as session:
        assert not session.exec(select(AuditEntry).where(AuditEntry.action == "checklist.state")).all()


async def test_kalender_keeps_working(bot):
    await bot.say("/jadwal_tambah rakor Tapin 2024-06-19 09:00 Rakor")
    await bot.say("/jadwal_tambah rakor Tapin 9999-06-19 09:00 Rakor jauh")
    calls = await bot.say("/kalender Tapin")
    assert [c for c in calls if c.method == "sendDocument"]
    assert not bot.api.refusals

"""/jadwal and /kalender answer for the asker's own region, as /status does; examples never go stale.

Every example date a person reads (usage texts, the date hint, the wizard's date step) is built from the
clock: a Wednesday three weeks or more ahead, spelled in the reader's language; the CLI help uses words
("Senin depan") and /aksi the current year.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar

from handlers.calendar import USAGE
from schedules.dates import example_day
from tests.conftest import PIC, STAF, VIEWER, replies

LATER = datetime(2031, 7, 14, 1, 0, tzinfo=UTC)  # Monday 14 July 2031, years after the code was written


async def test_jadwal_without_an_argument_is_the_askers_own_region(bot):
    await bot.say("/jadwal_tambah rakor Kalsel 2024-06-19 09:00 Rakor Kalsel")
    await bot.say("/jadwal_tambah rakor Tapin 2024-06-20 09:00 Rakor Tapin")
    await bot.say("/jadwal_tambah rakor Papua 2024-06-21 09:00 Rakor Papua")
    (staf,) = replies(await bot.say("/jadwal", STAF))
    assert "<b>Jadwal Provinsi Kalimantan Selatan</b>" in staf.params["text"]
    assert "Rakor Kalsel" in staf.params["text"] and "Rakor Tapin" in staf.params["text"]
    assert "Rakor Papua" not in staf.params["text"] and "Cara pakai" not in staf.params["text"]
    for person in (PIC, VIEWER):
        (own,) = replies(await bot.say("/jadwal", person))
        assert "<b>Jadwal Kabupaten Tapin</b>" in own.params["text"]
        assert "Rakor Tapin" in own.params["text"] and "Rakor Papua" not in own.params["text"]


async def test_kalender_without_an_argument_is_the_askers_own_region(bot):
    await bot.say("/jadwal_tambah rakor Kalsel 2024-06-19 09:00 Rakor Kalsel")
    await bot.say("/jadwal_tambah rakor Papua 2024-06-21 09:00 Rakor Papua")
    calls = await bot.say("/kalender", STAF)
    (document,) = [c for c in calls if c.method == "sendDocument"]
    assert "1 acara mendatang: Provinsi Kalimantan Selatan" in document.params["caption"]
    events = Calendar.from_ical(next(iter(document.files.values()))).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Rakor Kalsel"]


def test_the_usage_of_each_command_names_that_command():
    for form, example in USAGE.values():
        command = form.split()[0]
        assert example.startswith(command + " ")
    assert {form.split()[0] for form, _ in USAGE.values()} == {"/jadwal", "/kalender"}


@pytest.mark.parametrize("today,expected", [(date(2024, 1, 25), date(2024, 2, 21)),
                                            (date(2031, 7, 14), date(2031, 8, 6)),
                                            (date(2026, 12, 16), date(2027, 1, 6))])
def test_the_example_date_is_a_wednesday_weeks_ahead(today, expected):
    assert example_day(today) == expected


async def test_examples_follow_the_clock(bot):
    bot.runtime.clock.set(LATER)
    (line,) = replies(await bot.say("/jadwal_tambah rakor Kalsel kapan-kapan Rakor"))
    assert "/jadwal_tambah rakor Kalsel 6 Agustus 2031 09.00 Rakor Aksi HAM B08" in line.params["text"]
    (ubah,) = replies(await bot.say("/jadwal_ubah 1"))
    assert "/jadwal_ubah 12 tanggal 6 Agustus 2031 09.00" in ubah.params["text"]
    (aksi,) = replies(await bot.say("/aksi"))
    assert "/aksi Tapin B08 2031 nilai 87,5" in aksi.params["text"]
    await bot.say("/jadwal_tambah rakor Kalsel 2031-08-01 Rakor")
    (hint,) = replies(await bot.say("/jadwal_ubah 1 tanggal kapan"))
    assert "tulis mis. 6 Agustus 2031, 06-08-2031, 2031-08-06, besok, lusa atau Senin depan" in hint.params["text"]
    (kind,) = replies(await bot.say("/jadwal_tambah"))  # the guided form: kind, scope, then the date
    (scope,) = replies(await bot.press(kind, "Rapat koordinasi"))
    (when,) = replies(await bot.press(scope, "Kalimantan Selatan"))
    assert "ketik mis. 6 Agustus 2031, 06-08-2031, besok atau Senin depan" in when.params["text"]


async def test_an_english_reader_reads_the_example_in_english(bot):
    bot.runtime.clock.set(LATER)
    await bot.say("/bahasa en")
    await bot.say("/jadwal_tambah rakor Kalsel 2031-08-01 Rakor")
    (hint,) = replies(await bot.say("/jadwal_ubah 1 tanggal kapan"))
    assert "write e.g. 6 August 2031, 06-08-2031, 2031-08-06, tomorrow" in hint.params["text"]


def test_the_cli_help_uses_words_not_a_date(capsys):
    from bot.cli.main import main

    with pytest.raises(SystemExit):
        main(["calendar", "--help"])
    out = capsys.readouterr().out
    assert "rakor Kalsel Senin depan 09.00" in out and "2025" not in out

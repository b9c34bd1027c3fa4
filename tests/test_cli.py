"""The ``pantau-ham`` command: run without a token, import a catalog, demo data."""

from __future__ import annotations

import re
import subprocess
import sys
import threading

import pytest

from bot.cli.main import main
from bot.domain.catalog import active_indicators
from bot.domain.checklist import region_progress
from bot.domain.runtime import Runtime
from bot.reference import regions
from tests.conftest import make_settings, refused


@pytest.fixture
def env(monkeypatch, sqlite_url):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("PANTAU_CYCLE", "2024/2025")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return sqlite_url


def test_run_without_token_explains_and_points_to_the_console(env, capsys):
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_BOT_TOKEN belum diisi" in err and "pantau-ham demo, lalu pantau-ham console" in err


@pytest.mark.slow
def test_python_dash_m_bot_works(env):
    proc = subprocess.run([sys.executable, "-m", "bot", "run"], capture_output=True, text=True,
                          env={"DATABASE_URL": env, "PATH": ""}, timeout=60)
    assert proc.returncode == 2 and "pantau-ham console" in proc.stderr


def test_import_catalog_reports_rows_and_changes_nothing(env, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("kode,kriteria,jenis,indikator\n1.1,1,struktur,Perda\n1.2,12,proses,Sosialisasi\n", encoding="utf-8")
    assert main(["import", "catalog", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "Impor dibatalkan; katalog tidak berubah" in err
    assert "baris 3: kriteria “12” harus nomor 1–10" in err
    good = tmp_path / "good.csv"
    good.write_text("kode,kriteria,jenis,indikator\n1.1,1,struktur,Perda\n", encoding="utf-8")
    assert main(["import", "catalog", str(good)]) == 0
    assert "Katalog diimpor: 1 indikator (1 baru" in capsys.readouterr().out
    assert main(["import", "catalog", str(tmp_path / "missing.xlsx")]) == 1


def test_import_catalog_dry_run_checks_and_changes_nothing(env, tmp_path, capsys):
    """``--dry-run`` is a check: the counts of what would happen, and the catalog in force stays as it was."""
    two = tmp_path / "two.csv"
    two.write_text("kode,kriteria,jenis,indikator\n1.1,1,struktur,Perda\n1.2,1,proses,Sosialisasi\n", encoding="utf-8")
    assert main(["import", "catalog", str(two)]) == 0
    capsys.readouterr()
    one = tmp_path / "one.csv"
    one.write_text("kode,kriteria,jenis,indikator\n1.1,1,struktur,Perda bantuan hukum\n", encoding="utf-8")
    assert main(["import", "catalog", str(one), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Uji coba: katalog akan berisi 1 indikator (0 baru, 1 diubah, 1 dinonaktifkan); tidak ada yang disimpan." \
        in out
    rt = Runtime.start(make_settings(env))
    with rt.session() as session:
        in_force = sorted((i.code, i.text) for i in active_indicators(session))
    assert in_force == [("1.1", "Perda"), ("1.2", "Sosialisasi")]
    rt.engine.dispose()


def test_demo_is_deterministic(env, capsys):
    assert main(["demo"]) == 0
    # a count written the Indonesian way, with a thousands separator
    assert re.search(r"Data demo dimuat: \d{1,3}(\.\d{3})+ status indikator", capsys.readouterr().out)
    rt = Runtime.start(make_settings(env))

    def snapshot():
        with rt.session() as session:
            cycle = rt.cycle(session)
            return [region_progress(session, cycle, regions()[c], rt.thresholds).complete
                    for c in ("63.05", "16.12", "62.71")]

    first = snapshot()
    assert main(["demo"]) == 0
    assert snapshot() == first
    assert all(n > 0 for n in first)
    rt.engine.dispose()


def test_calendar_commands(env, tmp_path, capsys):
    from datetime import date, timedelta

    from icalendar import Calendar

    year = date.today().year + 1  # the CLI runs on the real clock; dates are accepted up to five years ahead
    assert main(["calendar", "add", f"rakor Kalsel {year}-06-19 09:00 Rakor Aksi HAM B08 | ingatkan H-3, H-1"]) == 0
    out = capsys.readouterr().out
    assert "Rakor Aksi HAM B08 (#1)" in out and "pukul 09.00 WITA" in out and "<b>" not in out
    assert "Pengingat: H-3, H-1" in out
    assert main(["calendar", "add", "rakor Kalsel kemarin Rakor"]) == 1
    assert "Tanggal tidak ditemukan" in capsys.readouterr().err
    assert main(["calendar", "add", "rakor Kalsel 9999-01-01 Rakor"]) == 1
    assert "di luar rentang yang diterima" in capsys.readouterr().err
    past = (date.today() - timedelta(days=2)).isoformat()  # as /jadwal_tambah and /jadwal_ubah: refused
    assert main(["calendar", "add", f"kkpham Tapin {past} Tenggat lama"]) == 1
    assert "sudah lewat: acara hanya dapat dijadwalkan pada hari ini atau sesudahnya" in capsys.readouterr().err
    assert main(["calendar", "change", "1", "tanggal", past]) == 1
    assert "sudah lewat" in capsys.readouterr().err
    assert main(["calendar", "change", "1", "tanggal", f"20-06-{year}", "10.00"]) == 0
    assert "pukul 10.00 WITA" in capsys.readouterr().out
    assert main(["calendar", "template", str(year)]) == 0
    assert f"198 draf acara dibuat untuk {year}" in capsys.readouterr().out  # 8 national, 5 rakor x 38
    assert main(["calendar", "template", str(year)]) == 0  # again: nothing new, and said so
    assert f"Acara templat {year} sudah ada; tidak ada yang dibuat." in capsys.readouterr().out
    assert main(["calendar", "list", "--wilayah", "Tapin"]) == 0
    listing = capsys.readouterr().out
    assert "Jadwal Kabupaten Tapin" in listing and "Draf: tanggal perlu dikonfirmasi" in listing
    assert main(["calendar", "list"]) == 0
    everything = capsys.readouterr().out
    assert "pukul 09.00 WIT ·" in everything and "pukul 09.00 WITA" in everything and "pukul 09.00 WIB" in everything
    assert main(["calendar", "confirm", "199", f"{year}-12-10"]) == 0  # the last row: Hari HAM
    assert "Hari HAM" in capsys.readouterr().out
    assert main(["calendar", "cancel", "1"]) == 0
    cancelled = capsys.readouterr().out
    assert "Dibatalkan." in cancelled and "Pengingat:" not in cancelled  # a cancelled event reminds no one
    assert main(["calendar", "cancel", "1"]) == 1
    assert "sudah dibatalkan" in capsys.readouterr().err
    target = tmp_path / "jadwal.ics"
    assert main(["calendar", "export", str(target), "--wilayah", "Kalsel"]) == 0
    assert "13 acara ditulis" in capsys.readouterr().out  # 8 national and the 5 rakor of Kalsel
    assert len(Calendar.from_ical(target.read_bytes()).walk("VEVENT")) == 13


def test_argparse_speaks_indonesian(env, capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["calendar", "add"])
    err = capsys.readouterr().err
    assert "cara pakai: pantau-ham calendar add" in err
    assert "galat: argumen berikut wajib diisi: ACARA" in err
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "tampilkan bantuan ini lalu keluar" in out and "show this help" not in out


@pytest.mark.parametrize("argv,expected", [
    (["db"], "pantau-ham db: galat: argumen berikut wajib diisi: TINDAKAN"),
    ([], "pantau-ham: galat: argumen berikut wajib diisi: PERINTAH"),
    (["calendar"], "pantau-ham calendar: galat: argumen berikut wajib diisi: PERINTAH"),
    (["import"], "pantau-ham import: galat: argumen berikut wajib diisi: JENIS, BERKAS"),
    (["export", "Tapin"], "galat: argumen berikut wajib diisi: BERKAS"),
    (["calendar", "change", "abc", "judul", "x"],
     "galat: argumen NOMOR: “abc” bukan nomor acara; tulis angkanya, mis. 12 (lihat pantau-ham calendar list)."),
    (["calendar", "cancel", "#3"], "galat: argumen NOMOR: “#3” bukan nomor acara"),
    (["calendar", "template", "tahun depan"], "galat: argumen TAHUN: “tahun depan” bukan tahun; tulis angkanya, "
                                              "mis. 2027."),
])
def test_argparse_names_arguments_as_people_write_them(env, capsys, argv, expected):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and expected in err, err
    assert not re.search(r"\b(action|command|verb|what|file|line|year|id|wilayah|int)\b", err), err


@pytest.mark.parametrize("argv", [["db"], ["import"], ["export"], ["backup"], ["restore"], ["calendar", "add"],
                                  ["calendar", "change"], ["calendar", "confirm"], ["calendar", "cancel"],
                                  ["calendar", "template"], ["calendar", "export"], ["calendar", "list"], []])
def test_every_argument_of_every_command_has_a_help_line(env, capsys, argv):
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    out = capsys.readouterr().out
    arguments = out.split("argumen:\n", 1)[1].split("\nopsi:", 1)[0] if "argumen:\n" in out else ""
    for line in arguments.splitlines():
        if line.startswith("  ") and not line.startswith("    "):  # an argument (commands are indented further)
            assert len(line.split(None, 1)) == 2, f"no help for {line.strip()} in pantau-ham {' '.join(argv)}"
    options = out.split("\nopsi:", 1)[1]
    assert "WILAYAH" in options if argv in (["calendar", "list"], ["calendar", "export"]) else True
    assert not re.search(r"\b(action|what|file|line|year|id)\b", out.split("\n\n", 1)[0]), out


def test_the_cli_help_is_english_with_the_english_locale(env, capsys, monkeypatch):
    monkeypatch.setenv("PANTAU_LOCALE", "en")
    with pytest.raises(SystemExit):
        main(["calendar", "change", "abc", "judul", "x"])
    assert "argument NUMBER: “abc” is not an event number; write the number, e.g. 12" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    out = capsys.readouterr().out
    assert "import [-h] [--label NAME] [--dry-run] KIND FILE" in out and "catalog (indicator list)" in out


@pytest.mark.slow
@pytest.mark.parametrize("variable,value,locale,expected", [
    ("PANTAU_LOCALE", "fr", None, "Pengaturan PANTAU_LOCALE tidak valid: “fr”. Yang diperbolehkan: id atau en."),
    ("PANTAU_CYCLE", "bogus", None, "Pengaturan PANTAU_CYCLE tidak valid: “bogus”"),
    ("PANTAU_CYCLE", "bogus", "en", "The setting PANTAU_CYCLE is not valid: “bogus”"),
    ("PANTAU_REMINDER_HOUR", "25:00", None, "jam dalam bentuk HH:MM"),
    ("PANTAU_DIGEST_WEEKDAY", "9", None, "0 (Senin) sampai 6 (Minggu)"),
    ("PANTAU_ADMIN_IDS", "abc", None, "PANTAU_ADMIN_IDS"),
    ("PANTAU_TIMEZONE", "Mars/Olympus", None, "Asia/Jakarta"),
    ("PANTAU_OPENING_REMINDERS", "besok", None, "hari sebelum masa pelaporan dibuka, mis. H-3, H, atau kosong"),
])
def test_settings_mistakes_get_one_clear_line_and_exit_2(env, variable, value, locale, expected):
    environment = {"DATABASE_URL": env, "PATH": "", variable: value}
    if locale:
        environment["PANTAU_LOCALE"] = locale
    proc = subprocess.run([sys.executable, "-m", "bot", "demo"], capture_output=True, text=True,
                          env=environment, timeout=60)
    assert proc.returncode == 2
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_console_viewer_reads_as_a_pemantau(env, monkeypatch, capsys):
    import io

    assert main(["demo"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("/status Tapin\n/tandai Tapin 1.01 lengkap\n"))
    assert main(["console", "--viewer"]) == 0
    out = capsys.readouterr().out
    assert "sebagai pemantau (hanya baca) Kabupaten Tapin" in out
    assert "Kabupaten Tapin, Kalimantan Selatan" in out  # reading works
    assert refused(out)  # changing does not


def test_console_viewer_of_an_unknown_region_is_bad_input(env, capsys):
    assert main(["console", "--viewer", "Tapinn Raya"]) == 1  # bad input is 1 in every command; 2 is "cannot start"
    assert capsys.readouterr().err.strip() == "Wilayah tidak ditemukan: Tapinn Raya"


@pytest.mark.slow
def test_run_warns_when_nobody_is_admin(env, tmp_path):
    from tests.fakes.http_server import FakeTelegramServer

    server = FakeTelegramServer().start()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={"DATABASE_URL": env, "PATH": "", "TELEGRAM_BOT_TOKEN": "1:x",
                                 "TELEGRAM_API_BASE_URL": server.base_url})
    lines: list[str] = []
    warned = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            lines.append(line)
            if "PANTAU_ADMIN_IDS kosong" in line:
                warned.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        warned.wait(120)  # the warning comes at start; a busy machine only makes it later
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        reader.join(5)
        server.stop()
    assert warned.is_set(), "".join(lines)


def test_output_paths_are_made_or_refused_in_one_line(env, tmp_path, capsys):
    """A report or calendar into a folder that does not exist yet makes it (as a backup does); a folder where a
    file is wanted is one line and exit 1, and a backup leaves nothing behind there."""
    assert main(["demo"]) == 0
    assert main(["export", "Tapin", str(tmp_path / "laporan" / "tapin.xlsx")]) == 0
    assert (tmp_path / "laporan" / "tapin.xlsx").stat().st_size > 0
    assert main(["calendar", "export", str(tmp_path / "kalender" / "semua.ics")]) == 0
    assert "X-WR-CALNAME:Pantau HAM\n" in (tmp_path / "kalender" / "semua.ics").read_text()  # not "Pantau HAM: …"
    capsys.readouterr()
    folder = tmp_path / "d1"
    folder.mkdir()
    assert main(["export", "Tapin", str(folder)]) == 1
    assert f"Berkas {folder} tidak dapat ditulis (itu folder)" in capsys.readouterr().err
    assert main(["backup", "--force", str(folder)]) == 1
    assert f"{folder} adalah folder; sebutkan nama berkas cadangannya" in capsys.readouterr().err
    assert list(tmp_path.glob("*.partial")) == [] and list(folder.iterdir()) == []


def test_export_of_an_unclear_name_names_the_candidates_with_their_codes(env, tmp_path, capsys):
    assert main(["export", "Mura", str(tmp_path / "x.xlsx")]) == 1
    err = capsys.readouterr().err
    assert "Mungkin maksud Anda: Kabupaten Musi Rawas (16.05); Kabupaten Murung Raya (62.12)." in err
    assert not (tmp_path / "x.xlsx").exists()

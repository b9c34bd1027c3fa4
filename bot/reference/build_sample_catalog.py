"""Write ``sample_catalog.csv``: an EXAMPLE indicator catalog for demos and tests.

This is **not** the official list of Permenkumham 22/2021 (its lampiran is not public
to us). It has the official shape (10 criteria, 120 indicators, kinds struktur / proses /
hasil) so that the bot can be tried before an admin imports the real catalog with
``pantau-ham import catalog``. Every text starts with "[CONTOH]".
Rebuild with ``python -m bot.reference.build_sample_catalog``.
"""

from __future__ import annotations

import csv
from pathlib import Path

TOPICS = {
    1: "bantuan hukum bagi warga miskin",
    2: "keterbukaan informasi publik",
    3: "partisipasi warga dalam pemerintahan",
    4: "kerukunan dan keberagaman",
    5: "layanan administrasi kependudukan",
    6: "layanan kesehatan",
    7: "layanan pendidikan",
    8: "perluasan kesempatan kerja",
    9: "lingkungan hidup dan perumahan layak",
    10: "perlindungan perempuan dan anak",
}

TEMPLATES = [
    ("struktur", "Tersedia peraturan daerah tentang {t}"),
    ("struktur", "Tersedia peraturan kepala daerah pelaksana {t}"),
    ("struktur", "Ditetapkan perangkat daerah penanggung jawab {t}"),
    ("struktur", "Tersedia anggaran daerah untuk {t}"),
    ("proses", "Dilaksanakan sosialisasi {t} kepada masyarakat"),
    ("proses", "Tersedia layanan pengaduan terkait {t}"),
    ("proses", "Dilakukan koordinasi lintas perangkat daerah tentang {t}"),
    ("proses", "Dilakukan pemantauan dan evaluasi {t}"),
    ("hasil", "Meningkatnya cakupan {t}"),
    ("hasil", "Menurunnya pengaduan terkait {t}"),
    ("hasil", "Tercapainya target daerah untuk {t}"),
    ("hasil", "Tersedia laporan tahunan {t}"),
]


def build() -> None:
    path = Path(__file__).parent / "sample_catalog.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["kode", "kriteria", "jenis", "indikator", "bobot"])
        for number, topic in TOPICS.items():
            for i, (kind, text) in enumerate(TEMPLATES, start=1):
                out.writerow([f"{number}.{i:02d}", number, kind, "[CONTOH] " + text.format(t=topic), 1])


if __name__ == "__main__":
    build()

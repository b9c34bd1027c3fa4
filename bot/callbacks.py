"""Callback data of inline buttons: short strings, at most 64 bytes, built and parsed here."""

from __future__ import annotations

from dataclasses import dataclass

SEP = "|"
IN_PLACE = "e"  # last field of buttons that navigate within the same message

STATUS = "st"  # st|r:63.05  or  st|p:63
BELUM = "bl"  # bl|63.05|criterion (0 = all)|page
CHECKLIST = "ck"  # ck|63.05
CRITERION = "kc"  # kc|63.05|criterion|page
INDICATOR = "ki"  # ki|63.05|indicator code
SET_STATE = "ks"  # ks|63.05|indicator code|state
ADD_NOTE = "kn"  # kn|63.05|indicator code
FILES = "kf"  # kf|63.05|indicator code: send the indicator's data-dukung files
EKSPOR = "ex"  # ex|63.05 or ex|63: the XLSX report
TEMPLAT = "tp"  # tp|63.05: the fill-in template
IMPORT = "im"  # im|ok or no|token: confirm or cancel a previewed spreadsheet import
JADWAL = "jd"  # jd|r:63.05  or  jd|p:63
KALENDER = "kl"  # kl|r:63.05  or  kl|p:63
LANGGANAN = "lg"  # lg|r:63.05  or  lg|p:63
AKSI = "ak"  # ak|63.05
TARGETED = (STATUS, JADWAL, KALENDER, LANGGANAN)  # actions whose argument may be a province or a kab/kota
WIZARD = "wz"  # wz|step|value: the guided /jadwal_tambah
RIWAYAT = "rw"  # rw|63.05|page
UMUMKAN = "um"  # um|step|value
REMINDER_ACK = "ra"  # ra|reminder id
REMINDER_SNOOZE = "rz"  # rz|reminder id


@dataclass(frozen=True)
class Callback:
    action: str
    args: tuple[str, ...]

    def arg(self, i: int, default: str = "") -> str:
        return self.args[i] if i < len(self.args) else default

    @property
    def in_place(self) -> bool:
        """Whether the answer replaces the message the button sits on."""
        return bool(self.args) and self.args[-1] == IN_PLACE

    def int_arg(self, i: int, default: int = 0) -> int:
        """An integer field; ``default`` when it is not one or is beyond a database id (forged data)."""
        try:
            value = int(self.arg(i))
        except ValueError:
            return default
        return value if -(2**63) < value < 2**63 else default


def build(action: str, *args: object) -> str:
    data = SEP.join([action, *map(str, args)])
    if len(data.encode()) > 64:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def parse(data: str | None) -> Callback:
    parts = (data or "").split(SEP)
    return Callback(parts[0], tuple(parts[1:]))


def target(kind: str, code: str) -> str:
    return f"{kind}:{code}"

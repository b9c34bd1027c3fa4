"""argparse's own texts ("usage:", "the following arguments are required", ...) in the CLI's language.

argparse looks its texts up through ``gettext`` at the moment it prints them; ``localize`` points its
lookup at our catalogs, so ``pantau-ham`` speaks Indonesian (or English with ``PANTAU_LOCALE=en``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from bot.core.i18n import N_, Translator

ARGPARSE = {
    "usage: ": N_("cara pakai: "),
    "positional arguments": N_("argumen"),
    "options": N_("opsi"),
    "show this help message and exit": N_("tampilkan bantuan ini lalu keluar"),
    "the following arguments are required: %s": N_("argumen berikut wajib diisi: %s"),
    "unrecognized arguments: %s": N_("argumen tidak dikenal: %s"),
    "invalid choice: %(value)r (choose from %(choices)s)": N_("pilihan %(value)r tidak sah (pilih dari %(choices)s)"),
    "invalid %(type)s value: %(value)r": N_("nilai %(value)r tidak sah (%(type)s)"),
    "%(prog)s: error: %(message)s\n": N_("%(prog)s: galat: %(message)s\n"),
    "argument %(argument_name)s: %(message)s": N_("argumen %(argument_name)s: %(message)s"),
    "expected one argument": N_("perlu satu nilai"),
    "expected at most one argument": N_("paling banyak satu nilai"),
    "expected at least one argument": N_("perlu paling sedikit satu nilai"),
    "ambiguous option: %(option)s could match %(matches)s": N_("opsi %(option)s ambigu: bisa %(matches)s"),
    "one of the arguments %s is required": N_("salah satu argumen %s wajib diisi"),
    "not allowed with argument %s": N_("tidak boleh bersama argumen %s"),
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        N_("perintah %(parser_name)r tidak dikenal (pilihan: %(choices)s)"),
    "can't open '%(filename)s': %(error)s": N_("berkas '%(filename)s' tidak dapat dibuka: %(error)s"),
}


def number_type(t: Translator, message: str) -> Callable[[str], int]:
    """An argparse ``type`` for a whole number whose refusal says what was wanted (``message``, a message id
    with ``{value}``: "“abc” bukan nomor acara; …") instead of argparse's "invalid int value"."""
    def number(value: str) -> int:  # any whole number int() reads: the verbs judge its range and say so
        try:
            return int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(t.plain(message, value=value)) from None
    return number


def localize(t: Translator) -> None:
    def gettext(message: str) -> str:
        known = ARGPARSE.get(message)
        return t.gettext(known) if known else message

    def ngettext(singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural

    setattr(argparse, "_", gettext)  # noqa: B010  argparse calls its module-level ``_`` each time it prints
    setattr(argparse, "ngettext", ngettext)  # noqa: B010  (names typeshed does not declare)

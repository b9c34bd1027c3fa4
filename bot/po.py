"""A ``.po`` catalog compiled to ``.mo`` bytes without Babel's message tools.

``babel.messages`` builds a ``Message`` object per entry and brings ``difflib`` and ``email`` along: about
1 MiB that the running bot would keep only for having read its two catalogs once. This reads the subset
of the format pybabel writes (comments, ``msgctxt``, ``msgid``, ``msgid_plural``, ``msgstr[n]``, strings
continued on following lines) and compiles it the way ``babel.messages.mofile.write_mo`` does: fuzzy and
untranslated entries left out, an empty plural form falling back to the msgid. ``tests/test_i18n.py``
checks that both give the same translations.
"""

from __future__ import annotations

import array
import ast
import struct
from pathlib import Path

MO_MAGIC = 0x950412DE


def _entries(path: Path) -> list[dict[str, str]]:
    entries: list[dict[str, str]] = []
    entry: dict[str, str] = {}
    field = ""
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line or (line.startswith("#") and field):
            if entry:
                entries.append(entry)
            entry, field = {}, ""
            if not line:
                continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line[2:].replace(",", " ").split():
                entry["fuzzy"] = "1"
            continue
        if line.startswith('"'):
            entry[field] += ast.literal_eval(line)
            continue
        field, _, value = line.partition(" ")
        entry[field] = ast.literal_eval(value.strip())
    return [e for e in entries if "msgid" in e]


def compile_po(path: Path) -> bytes:
    """The ``.mo`` file of the catalog at ``path``, as bytes."""
    messages = []
    for e in _entries(path):
        if e.get("fuzzy") and e["msgid"]:
            continue
        if "msgid_plural" in e:
            ids = (e["msgid"], e["msgid_plural"])
            forms = [e[k] for k in sorted((k for k in e if k.startswith("msgstr[")), key=lambda k: int(k[7:-1]))]
            msgid = "\0".join(ids)
            msgstr = "\0".join(form or ids[min(i, 1)] for i, form in enumerate(forms))
        else:
            msgid, msgstr = e["msgid"], e.get("msgstr", "")
            if msgid and not msgstr:
                continue
        if "msgctxt" in e:
            msgid = e["msgctxt"] + "\x04" + msgid
        messages.append((msgid.encode(), msgstr.encode()))
    messages.sort()
    ids, strs, offsets = bytearray(), bytearray(), []
    for msgid, msgstr in messages:
        offsets.append((len(ids), len(msgid), len(strs), len(msgstr)))
        ids += msgid + b"\0"
        strs += msgstr + b"\0"
    keystart = 7 * 4 + 16 * len(messages)
    valuestart = keystart + len(ids)
    keys: list[int] = []
    values: list[int] = []
    for o1, l1, o2, l2 in offsets:
        keys += [l1, o1 + keystart]
        values += [l2, o2 + valuestart]
    header = struct.pack("Iiiiiii", MO_MAGIC, 0, len(messages), 7 * 4, 7 * 4 + len(messages) * 8, 0, 0)
    return header + array.array("i", keys + values).tobytes() + bytes(ids) + bytes(strs)

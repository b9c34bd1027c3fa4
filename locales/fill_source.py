"""Copy each Indonesian message id into the ``id`` catalog where it has no translation yet.

Message ids are written in Bahasa Indonesia, so the Indonesian catalog starts as a copy
of them; editors may then reword a message there without touching the code.
Run after ``pybabel update`` (see README.md beside this file).
"""

from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).parent / "id" / "LC_MESSAGES" / "messages.po"


def main() -> None:
    with open(PO, "rb") as fh:
        catalog = read_po(fh, locale="id")
    for message in catalog:
        if not message.id:
            continue
        if message.pluralizable:
            message.string = tuple(
                s or message.id[min(i, len(message.id) - 1)] for i, s in enumerate(message.string)
            )
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    with open(PO, "wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False)


if __name__ == "__main__":
    main()

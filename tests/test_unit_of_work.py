"""One unit of work per update (issue 18): a reading command through the real Application opens at most two
transactions (who writes, where, with which rights and language, read once by the gate; then the answer),
and a spreadsheet's preview or a file of evidence works out the sender's rights once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event

from bot.core.models import Chat, Person
from tests.conftest import PIC, STAF, VIEWER, replies
from tests.test_files import send_file
from tests.test_progress_import import HEADER, xlsx


@dataclass
class Counted:
    transactions: int = 0
    statements: list[str] = field(default_factory=list)

    def reading(self, table: str) -> int:
        return sum(1 for s in self.statements if s.lstrip().upper().startswith("SELECT") and f"FROM {table}" in s)


@contextmanager
def counting(engine) -> Iterator[Counted]:
    counted = Counted()

    def began(_conn) -> None:
        counted.transactions += 1

    def executed(_conn, _cursor, statement, _parameters, _context, _many) -> None:
        counted.statements.append(statement)

    event.listen(engine, "begin", began)
    event.listen(engine, "before_cursor_execute", executed)
    try:
        yield counted
    finally:
        event.remove(engine, "begin", began)
        event.remove(engine, "before_cursor_execute", executed)


async def test_reading_commands_are_one_read_and_one_answer(bot):
    for text in ("/status Tapin", "/status Kalsel", "/belum Tapin"):
        await bot.say(text, VIEWER)  # met once: names and chat remembered, nothing left to write
        with counting(bot.runtime.engine) as counted:
            (reply,) = replies(await bot.say(text, VIEWER))
        assert "Tapin" in reply.params["text"] or "Kalimantan Selatan" in reply.params["text"]
        assert counted.transactions <= 2, (text, counted.transactions, counted.statements)
        assert counted.reading("role_binding") == 1, text  # the rights, read once
        assert counted.reading("catalog") <= 2, text  # in force (the gate); the answer may read its indicators


async def test_a_checklist_button_is_one_read_and_one_answer(bot):
    (menu,) = replies(await bot.say("/checklist Tapin", PIC))
    (page,) = replies(await bot.press(menu, next(label for label, _ in _buttons(menu) if label.startswith("1")), PIC))
    with counting(bot.runtime.engine) as counted:
        (again,) = replies(await bot.press(menu, next(label for label, _ in _buttons(menu)
                                                      if label.startswith("1")), PIC))
    assert again.params["text"] == page.params["text"]
    assert counted.transactions <= 2, (counted.transactions, counted.statements)
    assert counted.reading("role_binding") == 1


async def test_an_indicator_button_is_one_read_and_one_answer(bot):
    (menu,) = replies(await bot.say("/checklist Tapin", PIC))
    (page,) = replies(await bot.press(menu, next(label for label, _ in _buttons(menu) if label.startswith("1")), PIC))
    indicator = next(data for _, data in _buttons(page) if data.startswith("ki|"))
    (detail,) = replies(await bot.press(page, indicator, PIC))
    with counting(bot.runtime.engine) as counted:
        (again,) = replies(await bot.press(page, indicator, PIC))
    assert again.params["text"] == detail.params["text"]
    assert counted.transactions <= 2, (counted.transactions, counted.statements)
    assert counted.reading("role_binding") == 1


async def test_region_commands_are_one_read_and_one_answer(bot):
    for text, shows in (("/checklist Tapin", "Tapin"), ("/riwayat Tapin", "Tapin"), ("/aksi Tapin", "Tapin")):
        await bot.say(text, PIC)  # met once: names and chat remembered, nothing left to write
        with counting(bot.runtime.engine) as counted:
            (reply,) = replies(await bot.say(text, PIC))
        assert shows in reply.params["text"], (text, reply.params["text"])
        assert counted.transactions <= 2, (text, counted.transactions, counted.statements)
        assert counted.reading("role_binding") == 1, text  # the rights, read once


async def test_a_group_reading_is_one_read_and_one_answer_with_its_binding(bot):
    await bot.say("/langganan Tapin", STAF, chat_id=-100321)
    await bot.say("/status", 7001, chat_id=-100321)  # a member of the bound group, no role of their own
    with counting(bot.runtime.engine) as counted:
        (reply,) = replies(await bot.say("/status", 7001, chat_id=-100321))
    assert "Tapin" in reply.params["text"]
    assert counted.transactions <= 2, (counted.transactions, counted.statements)
    assert counted.reading("subscription") == 1  # the group's binding, read once


async def test_what_changed_is_remembered_in_one_more_transaction(bot):
    with counting(bot.runtime.engine) as counted:  # someone new, in a chat new to the bot
        (reply,) = replies(await bot.say("/status Tapin", VIEWER))
    assert "Tapin" in reply.params["text"] and counted.transactions <= 3
    with bot.runtime.session() as session:
        assert session.get(Person, VIEWER) is not None and session.get(Chat, VIEWER) is not None


async def test_a_spreadsheet_preview_works_out_the_rights_once(bot):
    content = xlsx([HEADER, ["Tapin", "1.01", "lengkap", "www.tapinkab.go.id/ppid", ""]])
    await bot.say("/bantuan", PIC)
    with counting(bot.runtime.engine) as counted:
        (preview,) = replies(await send_file(bot, PIC, content))
    assert "Pratinjau impor progres" in preview.params["text"]
    assert counted.reading("role_binding") == 1, counted.statements


async def test_a_file_of_evidence_works_out_the_rights_once(bot):
    await bot.say("/bantuan", PIC)
    with counting(bot.runtime.engine) as counted:
        (reply,) = replies(await send_file(bot, PIC, b"%PDF-1.4 perda", name="perda-bankum.pdf", caption="3.02"))
    assert "dilampirkan pada Kabupaten Tapin" in reply.params["text"]
    assert counted.reading("role_binding") == 1, counted.statements


def _buttons(call):
    from tests.fakes import buttons_of

    return buttons_of(call)

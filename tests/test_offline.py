"""The stand-in refuses what Telegram refuses, so it can never silently become lax again."""

from __future__ import annotations

import pytest

from bot.core.telegram_text import EntityError, parse_entities, parse_html, utf16_len
from tests.fakes import OfflineBotAPI

CHAT, GROUP = 42, -100042


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def api():
    api = OfflineBotAPI(clock=Clock())
    api.register_chat(CHAT)
    api.register_chat(GROUP, "supergroup", "Grup HAM")
    return api


def send(api, text, chat=CHAT, **extra):
    return api.handle("sendMessage", {"chat_id": chat, "text": text, "parse_mode": "HTML", **extra})


@pytest.mark.parametrize("text,reason", [
    ("/langganan <wilayah atau provinsi>", 'unsupported start tag "wilayah"'),
    ("a < b", "unclosed start tag"),
    ("a < b > c", "expected tag name"),
    ("a > b", 'unescaped ">"'),
    ("Tom & Jerry", 'unescaped "&"'),
    ("<b>bold", 'can\'t find end tag corresponding to start tag "b"'),
    ("<b><i>x</b></i>", "unmatched end tag"),
    ("</b>", "unexpected end tag"),
    ("<br>", 'unsupported start tag "br"'),
    ('<span class="x">s</span>', 'must have class "tg-spoiler"'),
    ("<a>link</a>", 'must have attribute "href"'),
    ("<code><b>x</b></code>", "can't be inside"),
    ("<blockquote><blockquote>x</blockquote></blockquote>", "can't be nested"),
    ("&nbsp;", 'unescaped "&"'),
])
def test_html_telegram_refuses(api, text, reason):
    status, body = send(api, text)
    assert status == 400 and reason in body["description"], body
    assert body["description"].startswith("Bad Request: can't parse entities")
    assert api.refusals


@pytest.mark.parametrize("text", [
    "<b>b</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u> <ins>n</ins> <s>s</s> <strike>k</strike> <del>d</del>",
    '<span class="tg-spoiler">x</span> <tg-spoiler>y</tg-spoiler> <a href="https://x.id/?a=1&amp;b=2">t</a>',
    '<pre><code class="language-python">x</code></pre> <code>c</code> <blockquote expandable>q</blockquote>',
    "&lt;wilayah&gt; &amp; &quot;kutip&quot; &#33; &#x21;", "<B>upper</B>",
    '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
])
def test_html_telegram_accepts(api, text):
    status, body = send(api, text)
    assert status == 200, body


def test_lengths_in_utf16_units(api):
    assert utf16_len("😀") == 2 and parse_html("&amp;" * 3) == "&&&"
    assert send(api, "x" * 4096)[0] == 200
    assert send(api, "😀" * 2048)[0] == 200
    status, body = send(api, "😀" * 2049)
    assert status == 400 and body["description"] == "Bad Request: message is too long"
    assert send(api, "<b>" + "x" * 4096 + "</b>")[0] == 200  # tags do not count
    assert send(api, "   ")[1]["description"] == "Bad Request: message text is empty"
    assert send(api, "<b></b>")[1]["description"] == "Bad Request: message text is empty"


def test_caption_length(api):
    ok = api.handle("sendPhoto", {"chat_id": CHAT, "caption": "x" * 1024, "parse_mode": "HTML"}, {"photo": b"png"})
    assert ok[0] == 200
    status, body = api.handle("sendPhoto", {"chat_id": CHAT, "caption": "x" * 1025, "parse_mode": "HTML"},
                              {"photo": b"png"})
    assert (status, body["description"]) == (400, "Bad Request: message caption is too long")
    status, body = api.handle("sendDocument", {"chat_id": CHAT, "caption": "<x>", "parse_mode": "HTML"}, {"d": b"1"})
    assert status == 400 and "can't parse entities" in body["description"]


def test_callback_data_and_buttons(api):
    def markup(data):
        return {"inline_keyboard": [[{"text": "Tombol", "callback_data": data}]]}

    assert send(api, "ok", reply_markup=markup("x" * 64))[0] == 200
    assert send(api, "no", reply_markup=markup("x" * 65))[1]["description"] == "Bad Request: BUTTON_DATA_INVALID"
    assert send(api, "no", reply_markup=markup("é" * 33))[0] == 400  # 66 bytes
    assert send(api, "no", reply_markup=markup(""))[0] == 400
    empty_label = {"inline_keyboard": [[{"text": " ", "callback_data": "a"}]]}
    assert send(api, "no", reply_markup=empty_label)[0] == 400


def test_unknown_blocked_and_migrated_chats(api):
    assert send(api, "halo", chat=999)[1]["description"] == "Bad Request: chat not found"
    api.block(CHAT)
    status, body = send(api, "halo")
    assert (status, body["description"]) == (403, "Forbidden: bot was blocked by the user")
    api.block(GROUP)
    assert send(api, "halo", chat=GROUP)[0] == 403
    api.register_chat(-5, "group", "Grup lama")
    api.migrate(-5, -1005)
    status, body = send(api, "halo", chat=-5)
    assert status == 400 and body["parameters"]["migrate_to_chat_id"] == -1005
    assert send(api, "halo", chat=-1005)[0] == 200


def test_edits(api):
    _, body = send(api, "<b>satu</b>")
    mid = body["result"]["message_id"]
    edit = {"chat_id": CHAT, "message_id": mid, "parse_mode": "HTML"}
    status, body = api.handle("editMessageText", {**edit, "text": "<b>satu</b>"})
    assert status == 400 and body["description"].startswith("Bad Request: message is not modified")
    assert api.handle("editMessageText", {**edit, "text": "dua"})[0] == 200
    assert api.handle("editMessageText", {**edit, "message_id": 1, "text": "x"})[1]["description"] == (
        "Bad Request: message to edit not found")
    assert api.handle("editMessageText", {**edit, "text": "<wilayah>"})[0] == 400


def test_callback_queries_are_answered_once(api):
    api.open_queries.add("77")
    assert api.handle("answerCallbackQuery", {"callback_query_id": "77"})[0] == 200
    status, body = api.handle("answerCallbackQuery", {"callback_query_id": "77"})
    assert status == 400 and "query is too old" in body["description"]
    assert api.handle("answerCallbackQuery", {"callback_query_id": "forged"})[0] == 400
    api.open_queries.add("78")
    assert api.handle("answerCallbackQuery", {"callback_query_id": "78", "text": "x" * 201})[0] == 400


def test_limits_answer_429_on_the_injected_clock(api):
    clock = api.clock
    # a private chat: a small burst, then about one a second
    assert [send(api, f"m{i}")[0] for i in range(4)] == [200, 200, 200, 429]
    status, body = send(api, "again")
    assert body["parameters"]["retry_after"] >= 1 and body["description"].startswith("Too Many Requests")
    clock.t += 3.01
    assert send(api, "later")[0] == 200
    # a group: 20 a minute
    results = []
    for i in range(21):
        clock.t += 0.5
        results.append(send(api, f"g{i}", chat=GROUP)[0])
    assert results[:20] == [200] * 20 and results[20] == 429
    clock.t += 60
    assert send(api, "next minute", chat=GROUP)[0] == 200
    # overall: 30 a second across chats
    clock.t += 100
    for chat in range(1000, 1031):
        api.register_chat(chat)
    codes = [send(api, "x", chat=c)[0] for c in range(1000, 1031)]
    assert codes.count(200) == 30 and codes[-1] == 429
    with pytest.raises(EntityError):
        parse_html("<x>")


def test_the_stand_in_returns_text_and_entities_as_telegram_does():
    """Telegram answers a message sent in HTML with the text as shown and its entities (UTF-16 offsets), never the
    tags: a handler that edits a message from what Telegram handed back must rebuild the HTML from them."""
    text, entities = parse_entities('⏰ <b>Rakor &amp; <i>evaluasi</i></b> 😀 <a href="https://x.id/a?b=1">tautan</a>'
                                    '<b></b>\n<pre><code class="language-py">x = 1</code></pre>')
    assert text == "⏰ Rakor & evaluasi 😀 tautan\nx = 1"
    assert entities == [
        {"type": "bold", "offset": 2, "length": 16},
        {"type": "italic", "offset": 10, "length": 8},
        {"type": "text_link", "offset": 22, "length": 6, "url": "https://x.id/a?b=1"},  # 😀 counts two
        {"type": "pre", "offset": 29, "length": 5, "language": "py"},
    ]  # the empty <b></b> is dropped, as Telegram drops it
    api = OfflineBotAPI()
    api.register_chat(5)
    sent = api.message(5, {"text": "<b>Halo</b>", "parse_mode": "HTML"})
    assert sent["text"] == "Halo" and sent["entities"] == [{"type": "bold", "offset": 0, "length": 4}]

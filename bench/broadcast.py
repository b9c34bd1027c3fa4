"""/umumkan to 38 groups + 500 focal points against a fake Bot API that enforces Telegram's limits.

The real ``pantau-ham run`` process; the staf chooses Jawa Timur (38 kab/kota, a group each), turns on
the focal points' own lines (500 PIC) and presses Kirim. The server enforces 30 messages/s overall,
20/min per group and about 1/s per private chat, answering 429 with ``retry_after``. Measured from the
press to the last announcement delivered; compared with the minimum those limits allow
(messages / 30 per second). Prints the count of 429 answers.

    python -m bench.broadcast
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from bench.dataset import GROUP_BASE, PIC_BASE, STAF, build
from bench.fake_bot_api import FakeBotAPI
from bench.processes import pantau

TOKEN = "1:pantau"


def main() -> None:
    work = Path(tempfile.mkdtemp()) / "national.db"
    shutil.copyfile(build(), work)
    with FakeBotAPI(limits=True) as server, pantau(server, TOKEN, work) as bot:
        server.know(TOKEN, [GROUP_BASE - i - 1 for i in range(38)] + [PIC_BASE + i for i in range(500)])
        bot.wait_polling()
        time.sleep(2)
        mark = len(server.calls)
        server.message(TOKEN, "/umumkan", STAF)
        server.wait_for(lambda: _has_button(server, "Jawa Timur", mark), 60)
        message, data = server.button(TOKEN, STAF, "Jawa Timur", mark)
        server.press(TOKEN, message, data, STAF)
        server.wait_for(lambda: _has_button(server, "PIC: tidak", mark), 120)
        message, data = server.button(TOKEN, STAF, "PIC: tidak", mark)
        server.press(TOKEN, message, data, STAF)
        server.wait_for(lambda: _has_button(server, "PIC: ya", mark), 60)
        message, data = server.button(TOKEN, STAF, "Kirim", mark)
        rejected_before = server.rejected
        pressed = server.press(TOKEN, message, data, STAF)
        start = len(server.calls)

        def announcements():
            return [c for c in server.sent(TOKEN, since=start)
                    if "Hasil KKP HAM" in str(c.params.get("text") or c.params.get("caption") or "")]

        expected = 38 + 500
        server.wait_for(lambda: len(announcements()) >= expected, 300)
        got = announcements()
        elapsed = max(c.at for c in got) - pressed if got else float("nan")
        first = min(c.at for c in got) - pressed if got else float("nan")
        report = server.wait_for(lambda: any("Laporan pengiriman" in str(c.params.get("text", ""))
                                             for c in server.sent(TOKEN, STAF, since=start)), 60)
        groups = {int(c.params["chat_id"]) for c in got if int(c.params["chat_id"]) < 0}
        photos = sum(1 for c in got if c.method == "sendPhoto")
    minimum = len(got) / 30
    print(f"announcements delivered   {len(got)} of {expected} ({len(groups)} groups, {photos} as photo+caption)")
    print(f"time from Kirim           {elapsed:.1f} s")
    print(f"  of which before the 1st {first:.1f} s (the press answered, 538 rows queued)")
    print(f"minimum the limits allow  {minimum:.1f} s ({len(got)} messages at 30/s)")
    print(f"ratio                     {elapsed / minimum:.2f}  (goal ≤ 1.1)")
    print(f"429 answers               {server.rejected - rejected_before}  (goal 0)")
    for call in (c for c in server.calls if c.status == 429):  # which limit: the messages sent in the second before
        busy = sum(1 for c in server.calls if call.at - 1.0 < c.at <= call.at and c.status == 200 and c.method.startswith("send"))
        print(f"  429 to chat {call.params.get('chat_id')}: {busy} messages accepted in the second before it")
    print(f"delivery report           {'received' if report else 'MISSING'}")


def _has_button(server: FakeBotAPI, label: str, since: int) -> bool:
    try:
        server.button(TOKEN, STAF, label, since)
        return True
    except LookupError:
        return False


if __name__ == "__main__":
    main()

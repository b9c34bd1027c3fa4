"""/umumkan to a province's groups and focal points against a fake Bot API that enforces Telegram's limits.

The real ``pantau-ham run`` process; the staf asks ``/umumkan Jawa Timur`` (38 kab/kota, a group each),
turns on the focal points' own lines (500 PIC) and presses Kirim; ``--province "Jawa Barat"`` sends to 27
groups and 2,000 focal points. The server enforces 30 messages/s overall, 20/min per group and about 1/s per
private chat, answering 429 with ``retry_after``. Measured from the press to the last announcement
delivered; compared with the minimum those limits allow (messages / 30 per second). Prints the count of 429
answers.

    python -m bench.broadcast [--province "Jawa Barat"]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from bench.dataset import STAF, build
from bench.fake_bot_api import FakeBotAPI
from bench.load import announcements, audience, start_broadcast
from bench.processes import pantau

TOKEN = "1:pantau"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--province", default="Jawa Timur", choices=["Jawa Timur", "Jawa Barat"])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp()) / "national.db"
    shutil.copyfile(build(), work)
    groups, pics = audience(args.province)
    with FakeBotAPI(limits=True) as server, pantau(server, TOKEN, work) as bot:
        server.know(TOKEN, groups + pics)
        bot.wait_polling()
        time.sleep(2)
        rejected_before = server.rejected
        start = len(server.calls)
        pressed = start_broadcast(server, TOKEN, args.province)
        expected = len(groups) + len(pics)
        server.wait_for(lambda: len(announcements(server, TOKEN, start)) >= expected, 600)
        got = announcements(server, TOKEN, start)
        elapsed = max(c.at for c in got) - pressed if got else float("nan")
        first = min(c.at for c in got) - pressed if got else float("nan")
        report = server.wait_for(lambda: any("Laporan pengiriman" in str(c.params.get("text", ""))
                                             for c in server.sent(TOKEN, STAF, since=start)), 60)
        sent_groups = {int(c.params["chat_id"]) for c in got if int(c.params["chat_id"]) < 0}
        photos = sum(1 for c in got if c.method == "sendPhoto")
        refused = [c for c in server.calls if c.status == 429]
        calls = list(server.calls)
    minimum = len(got) / 30
    print(f"announcements delivered   {len(got)} of {expected} ({len(sent_groups)} groups, {photos} as photo+caption)")
    print(f"time from Kirim           {elapsed:.1f} s")
    print(f"  of which before the 1st {first:.1f} s (the press answered, {expected} rows queued)")
    print(f"minimum the limits allow  {minimum:.1f} s ({len(got)} messages at 30/s)")
    print(f"ratio                     {elapsed / minimum:.2f}  (goal ≤ 1.1)")
    print(f"429 answers               {server.rejected - rejected_before}  (goal 0)")
    for call in refused:  # which limit: the messages accepted in the second before
        busy = sum(1 for c in calls
                   if call.at - 1.0 < c.at <= call.at and c.status == 200 and c.method.startswith("send"))
        print(f"  429 to chat {call.params.get('chat_id')}: {busy} messages accepted in the second before it")
    print(f"delivery report           {'received' if report else 'MISSING'}")


if __name__ == "__main__":
    main()

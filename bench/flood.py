"""A flood in a group against an admin's private reply, through the real ``pantau-ham run``.

A person with no role sends ``/bantuan`` 45 times in a group (each would get the polite refusal); at
the same moment the admin sends ``/bantuan`` in a private chat. Measured: the admin's reply latency
during the flood and when idle, and how many answers the flooder got (before issue 8: 42-49 s, and
every one of the 45 answered at 20 a minute).

    python -m bench.flood
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from bench.dataset import ADMIN, build
from bench.fake_bot_api import FakeBotAPI
from bench.processes import pantau, percentile

TOKEN = "1:pantau"
FLOODER, GROUP = 666_001, -4_242


def private_reply(server: FakeBotAPI) -> float:
    before = len(server.sent(TOKEN, ADMIN))
    sent_at = server.message(TOKEN, "/bantuan", ADMIN)
    server.wait_for(lambda: len(server.sent(TOKEN, ADMIN)) > before, 120)
    return server.sent(TOKEN, ADMIN)[before].at - sent_at


def main() -> None:
    work = Path(tempfile.mkdtemp()) / "national.db"
    shutil.copyfile(build(), work)
    with FakeBotAPI(limits=True) as server, pantau(server, TOKEN, work) as bot:
        bot.wait_polling()
        time.sleep(2)
        idle = []
        for _ in range(5):
            idle.append(private_reply(server))
            time.sleep(1.1)
        for _ in range(45):
            server.message(TOKEN, "/bantuan", FLOODER, GROUP)
        during = []
        for _ in range(5):
            during.append(private_reply(server))
            time.sleep(1.1)
        time.sleep(5)
        answered = len(server.sent(TOKEN, GROUP))
        rejected = server.rejected
    print(f"admin's private reply, idle          p50 {percentile(idle, 50) * 1000:.0f} ms, "
          f"max {max(idle) * 1000:.0f} ms")
    print(f"admin's private reply, during flood  p50 {percentile(during, 50) * 1000:.0f} ms, "
          f"max {max(during) * 1000:.0f} ms")
    print(f"ratio (during / idle, p50)           {percentile(during, 50) / percentile(idle, 50):.2f}")
    print(f"answers to the flooder               {answered} of 45 (the rest dropped; logged once)")
    print(f"429 answers                          {rejected}")


if __name__ == "__main__":
    main()

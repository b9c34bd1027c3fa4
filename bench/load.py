"""What the HTTP benchmarks do to a bot: people asking, many at once, and a staf member broadcasting."""

from __future__ import annotations

import math
import threading

from bench.dataset import (
    BIG_GROUP_BASE,
    BIG_PIC_BASE,
    BIG_PICS,
    BIG_PROVINCE,
    BROADCAST_PROVINCE,
    GROUP_BASE,
    PIC_BASE,
    STAF,
)
from bench.fake_bot_api import FakeBotAPI
from bot.reference import provinces, regions_of

QUERIES = ["Tapin", "Kota Surabaya", "Jawa Timur", "Sleman", "Kalsel", "Kab. Bogor", "Jayapura", "Banjarbaru",
           "Kota Bandung", "Aceh"]


def burst(server: FakeBotAPI, token: str, users: list[int], texts: list[str], timeout: float = 120) -> list[float]:
    """Every user sends their text at the same moment; each one's seconds until the first reply arrived."""
    mark = len(server.calls)
    queued = server.burst(token, list(zip(texts, users, strict=True)))
    wanted = set(users)

    def first_replies() -> dict[int, float]:
        got: dict[int, float] = {}
        for call in server.sent(token, since=mark):
            chat = int(call.params.get("chat_id", 0))
            if chat in wanted and chat not in got:
                got[chat] = call.at
        return got

    if not server.wait_for(lambda: len(first_replies()) == len(users), timeout):
        raise RuntimeError(f"only {len(first_replies())} of {len(users)} answered")
    got = first_replies()
    return [got[user] - at for user, at in zip(users, queued, strict=True)]


def minimum_waits(people: int, per_second: int = 30) -> list[float]:
    """The least each of ``people`` messages sent at once can wait under Telegram's 30 a second."""
    return [float(math.floor(k / per_second)) for k in range(people)]


def keep_asking(server: FakeBotAPI, token: str, pool: list[int], askers: int, stop: threading.Event,
                think: float = 1.5) -> list[float]:
    """``askers`` people at a time each ask /status, wait for the answer, read ``think`` seconds and ask again,
    until ``stop``; the seconds each answer took. Each question comes from the next person of ``pool`` (so
    nobody asks often enough to be taken for a flood)."""
    latencies: list[float] = []
    lock = threading.Lock()

    def asker(n: int) -> None:
        mine = pool[n::askers]
        i = 0
        while not stop.is_set():
            uid = mine[i % len(mine)]
            before = len(server.sent(token, uid))
            asked = server.message(token, f"/status {QUERIES[(n + i) % len(QUERIES)]}", uid)
            latency = answered(server, token, uid, before) - asked
            with lock:
                latencies.append(latency)
            i += 1
            stop.wait(think)

    threads = [threading.Thread(target=asker, args=(n,)) for n in range(askers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def answered(server: FakeBotAPI, token: str, uid: int, before: int, timeout: float = 60) -> float:
    """The moment the reply after the first ``before`` messages to ``uid`` arrived."""
    if not server.wait_for(lambda: len(server.sent(token, uid)) > before, timeout):
        raise RuntimeError(f"user {uid} got no answer")
    return server.sent(token, uid)[before].at


def has_button(server: FakeBotAPI, token: str, label: str, since: int) -> bool:
    try:
        server.button(token, STAF, label, since)
        return True
    except LookupError:
        return False


def start_broadcast(server: FakeBotAPI, token: str, province: str) -> float:
    """The staf asks ``/umumkan <province>``, turns on the focal points' lines and presses Kirim; the moment."""
    mark = len(server.calls)
    server.message(token, f"/umumkan {province}", STAF)
    if not server.wait_for(lambda: has_button(server, token, "PIC: tidak", mark), 120):
        raise RuntimeError("no broadcast preview")
    message, data = server.button(token, STAF, "PIC: tidak", mark)
    server.press(token, message, data, STAF)
    server.wait_for(lambda: has_button(server, token, "PIC: ya", mark), 60)
    message, data = server.button(token, STAF, "Kirim", mark)
    return server.press(token, message, data, STAF)


def announcements(server: FakeBotAPI, token: str, since: int) -> list:
    """The broadcast's messages delivered since call ``since`` (not the preview the staf saw)."""
    return [c for c in server.sent(token, since=since) if int(c.params.get("chat_id", 0)) != STAF
            and "Hasil KKP HAM" in str(c.params.get("text") or c.params.get("caption") or "")]


def audience(province: str) -> tuple[list[int], list[int]]:
    """(groups, focal points) that a broadcast to ``province`` (Jawa Timur or Jawa Barat) reaches."""
    code = next(code for code, p in provinces().items() if p.name == province)
    if code == BROADCAST_PROVINCE:
        return [GROUP_BASE - i - 1 for i in range(len(regions_of(code)))], [PIC_BASE + i for i in range(500)]
    assert code == BIG_PROVINCE, province
    return [BIG_GROUP_BASE - i - 1 for i in range(len(regions_of(code)))], [BIG_PIC_BASE + i for i in range(BIG_PICS)]

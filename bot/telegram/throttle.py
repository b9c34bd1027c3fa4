"""Telegram's sending limits, with replies to people first.

Telegram takes about 30 messages in any second from a bot, 20 a minute in a group and about one a second in
a chat, and answers 429 with ``retry_after`` beyond. Each limit here is a **sliding window**: a burst up to
the limit goes at once, then the next message waits until the oldest leaves the window.

**What is counted.** Telegram counts a message at the moment it arrives, which the bot never sees: somewhere
between the moment the bot lets it go and the moment the answer comes back. So a message counts from the
moment it is *granted* (before it leaves; it is *in flight* until its answer came) until one window after
its *answer*. If the 31st message of a window were let go, its 30 predecessors would all have answered less
than a second before it left, so they also arrived less than a second before it arrives: however late the
event loop wakes a message, however the network delays one and hurries the next, no second at Telegram's
end ever holds more than 30. A message held up in flight holds its place. The price is one round trip per
window (1 % on a local Bot API server, more over the internet), and ``margin`` (10 ms) on every window against
two processes' clocks.

**Who goes first.** A message waits in one of two queues: replies to people, and **bulk** (what the bot sends
on its own: reminders, broadcasts, reports; ``rate_limit_args={"kind": "bulk"}``). Whenever a place frees, a
reply ready to go is granted before any bulk message, and bulk never takes the last ``reply_reserve`` place of
the window, so a reply during a broadcast goes at once instead of queueing behind it. Bulk is let go evenly
(one every 1/29 s; a late one is caught up), never in bursts: a broadcast is no faster in bursts, and a crash
doubles only the messages in flight (see ``tests/test_fault_drills.py``). Bulk still moves when replies keep
every place busy: then every ``bulk_share``-th grant is a waiting bulk message. Within a queue, first come
first served, except that a message whose own chat must wait (its chat's second, its group's minute, a 429)
never holds up a message to another chat.

Time and sleep are injectable: the tests run on a virtual clock that wakes sleepers late on purpose.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

EPS = 1e-9  # floating point: a nanosecond
NEVER = math.inf


def is_group(chat_id: int | str | None) -> bool:
    return isinstance(chat_id, str) or (chat_id is not None and int(chat_id) < 0)


@dataclass(eq=False)
class Ticket:
    """One message: waiting, then granted (in flight), then released when its answer came."""

    chat: int | str | None
    bulk: bool
    future: asyncio.Future[None] | None = None
    granted_at: float | None = None
    released: bool = False


@dataclass
class _ChatState:
    in_flight: int = 0
    last_answer: float = -NEVER
    until: float = -NEVER  # a 429: nothing before then
    answers: deque[float] = field(default_factory=deque)  # groups: answers within the last window


class Throttle:
    def __init__(self, now: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 overall: tuple[int, float] = (30, 1.0), group: tuple[int, float] = (20, 60.0),
                 chat: tuple[int, float] = (1, 1.0), margin: float = 0.01, reply_reserve: int = 1,
                 bulk_share: int = 6) -> None:
        self.now = now
        self.sleep = sleep
        self.limit, self.window = overall[0], overall[1] + margin
        self.group_limit, self.group_window = group[0], group[1] + margin
        self.chat_gap = chat[1] / chat[0] + margin
        self.reply_reserve = reply_reserve
        self.bulk_share = bulk_share
        self.bulk_gap = self.window / (self.limit - reply_reserve)  # bulk goes evenly, never in bursts
        self._bulk_next = -NEVER
        self._in_flight = 0
        self._answers: deque[float] = deque()  # answer moments within the last window, ascending
        self._paused_until = -NEVER  # a 429 without a chat: everything waits
        self._chats: dict[object, _ChatState] = {}
        self._replies: deque[Ticket] = deque()
        self._bulk: deque[Ticket] = deque()
        self._replies_in_a_row = 0  # replies granted while bulk waited
        self._timer: asyncio.Task[None] | None = None
        self._timer_at = NEVER
        self._tidied_at = -NEVER

    # -- the callers' side ------------------------------------------------------------------------
    async def acquire(self, chat_id: int | str | None, bulk: bool = False) -> Ticket:
        """Wait until one more message to ``chat_id`` keeps every limit; it is in flight until :meth:`release`."""
        ticket = Ticket(chat_id, bulk, asyncio.get_running_loop().create_future())
        (self._bulk if bulk else self._replies).append(ticket)
        self._pump()
        try:
            await ticket.future  # type: ignore[misc]  # done already when it could go at once
        except asyncio.CancelledError:
            if ticket.granted_at is not None:
                self.release(ticket)
            else:
                (self._bulk if bulk else self._replies).remove(ticket)
                self._pump()
            raise
        return ticket

    def release(self, ticket: Ticket) -> None:
        """The answer to ``ticket`` came (or the call failed): from now it counts one window long."""
        if ticket.released or ticket.granted_at is None:
            return
        ticket.released = True
        now = max(self.now(), ticket.granted_at)
        self._in_flight -= 1
        self._answers.append(now)
        if ticket.chat is not None:
            state = self._chats.setdefault(ticket.chat, _ChatState())
            state.in_flight -= 1
            state.last_answer = max(state.last_answer, now)
            if is_group(ticket.chat):
                state.answers.append(now)
        self._pump()

    async def wait(self, chat_id: int | str | None, bulk: bool = False) -> None:
        """Return once one more message to ``chat_id`` keeps every limit, counted as sent and answered now."""
        self.release(await self.acquire(chat_id, bulk))

    def penalize(self, chat_id: int | str | None, seconds: float) -> None:
        """Telegram answered 429 with ``retry_after``: nothing more to that chat (or at all) before then."""
        until = self.now() + seconds
        if chat_id is None:
            self._paused_until = max(self._paused_until, until)
        else:
            state = self._chats.setdefault(chat_id, _ChatState())
            state.until = max(state.until, until)
        self._pump()

    def ready_at(self, chat_id: int | str | None) -> float:
        """The earliest moment ``chat_id``'s own limits (its second, its group's minute, a 429) allow one
        more message; nothing is reserved. Infinite while a message to it is in flight. The delivery engine
        waits for it before a message of that chat takes a place among those in flight."""
        return max(self.now(), self._chat_at(chat_id))

    def waiting(self) -> tuple[int, int]:
        """(replies, bulk messages) waiting for their moment."""
        return len(self._replies), len(self._bulk)

    def close(self) -> None:
        """Stop the timer (the application shuts down)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer, self._timer_at = None, NEVER

    # -- when may a message go --------------------------------------------------------------------
    def _overall_at(self, bulk: bool, now: float) -> float:
        """The earliest moment one more message of this kind keeps the overall window."""
        limit = self.limit - (self.reply_reserve if bulk and not self._bulk_owed() else 0)
        if self._in_flight >= limit:
            return NEVER  # until an answer comes
        must_leave = self._in_flight + len(self._answers) - limit  # index of the answer that must leave first
        at = self._answers[must_leave] + self.window if must_leave >= 0 else now
        return max(at, self._paused_until, self._bulk_next if bulk else -NEVER)

    def _chat_at(self, chat_id: int | str | None) -> float:
        state = self._chats.get(chat_id) if chat_id is not None else None
        if state is None:
            return -NEVER
        if state.in_flight:
            return NEVER  # one message at a time per chat: the next one a second after this one's answer
        at = max(state.until, state.last_answer + self.chat_gap)
        if len(state.answers) >= self.group_limit:
            at = max(at, state.answers[len(state.answers) - self.group_limit] + self.group_window)
        return at

    def _bulk_owed(self) -> bool:
        """Replies went ``bulk_share - 1`` times in a row while bulk waited: bulk's turn, reserve or not."""
        return bool(self._bulk) and self._replies_in_a_row >= self.bulk_share - 1

    def _first_ready(self, queue: deque[Ticket], now: float) -> Ticket | None:
        return next((t for t in queue if self._chat_at(t.chat) <= now + EPS), None)

    # -- granting ---------------------------------------------------------------------------------
    def _pump(self) -> None:
        now = self.now()
        self._forget(now)
        while True:
            reply = self._first_ready(self._replies, now) if self._overall_at(False, now) <= now + EPS else None
            bulk = self._first_ready(self._bulk, now) if self._overall_at(True, now) <= now + EPS else None
            ticket = bulk if bulk is not None and (reply is None or self._bulk_owed()) else reply
            if ticket is None:
                break
            self._replies_in_a_row = 0 if ticket.bulk else self._replies_in_a_row + bool(self._bulk)
            self._grant(ticket, now)
        self._schedule(now)

    def _grant(self, ticket: Ticket, now: float) -> None:
        (self._bulk if ticket.bulk else self._replies).remove(ticket)
        ticket.granted_at = now
        self._in_flight += 1
        if ticket.bulk:  # from the moment it was due: a late wake-up is caught up, by at most one message
            self._bulk_next = max(self._bulk_next, now - self.bulk_gap) + self.bulk_gap
        if ticket.chat is not None:
            self._chats.setdefault(ticket.chat, _ChatState()).in_flight += 1
        if ticket.future is not None and not ticket.future.done():
            ticket.future.set_result(None)

    def _schedule(self, now: float) -> None:
        """Wake at the first moment a waiting message may go by time alone (answers wake the pump too)."""
        at = NEVER
        for queue, bulk in ((self._replies, False), (self._bulk, True)):
            if queue:
                chats = min(self._chat_at(t.chat) for t in queue)
                at = min(at, max(self._overall_at(bulk, now), chats))
        if at == NEVER:
            if not self._replies and not self._bulk:
                self.close()
            return
        at = max(at, now + 1e-6)
        if self._timer is not None and self._timer_at <= at + EPS:
            return
        self.close()
        self._timer_at = at
        self._timer = asyncio.get_running_loop().create_task(self._tick(at))

    async def _tick(self, at: float) -> None:
        while (left := at - self.now()) > EPS:
            await self.sleep(max(left, 1e-6))
        if self._timer is asyncio.current_task():
            self._timer, self._timer_at = None, NEVER
        self._pump()

    def _forget(self, now: float) -> None:
        """Answers older than their window no longer count; idle chats are forgotten (once a second)."""
        while self._answers and self._answers[0] + self.window <= now + EPS:
            self._answers.popleft()
        if now - self._tidied_at < 1.0:
            return
        self._tidied_at = now
        for chat, state in list(self._chats.items()):
            while state.answers and state.answers[0] + self.group_window <= now + EPS:
                state.answers.popleft()
            if not state.in_flight and not state.answers and state.until <= now and \
                    state.last_answer + self.chat_gap <= now:
                del self._chats[chat]

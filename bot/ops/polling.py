"""Long polling by exactly one copy: the polling lease (``bot/ops/lease.py``) between copies that share a database,
Telegram's 409 Conflict between copies that share only the token.

- A copy that does not hold the lease **stands by**: it says so once, keeps its ticker (reminders and
  broadcasts are claimed row by row, so two copies never send the same one; a standby is a second sender,
  exactly like a second webhook copy) and looks at the lease every tenth of the lease time. It takes over
  when the lease is released (a clean stop: within moments), when its holder is known dead, or when nobody
  renewed it for the whole lease time (a kill on another host, a frozen copy).
- The holder renews every quarter of the lease time. If a renewal finds the lease taken, this copy stops
  polling at once, *without* the usual last ``getUpdates`` (which would end the new holder's request with a
  409), and stands by. While the database does not answer, it keeps polling: nobody can take the lease then.
- A 409 while polling means another poller on the token. If the lease says another copy of this database
  holds it, this one stands by. Otherwise the other copy uses another database: the copy that has been
  polling longer keeps polling (and logs it once), and a copy polling for less than half the lease time is
  the newcomer: it leaves with one clear line (exit code 3).

The loop is ours rather than PTB's ``Updater``: it is the same few calls (``deleteWebhook`` once,
``getUpdates`` with the offset, back off after an error), but stepping down must not send the last
``getUpdates`` that ``Updater.stop`` always sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram.error import Conflict, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application

from bot.core import liveness
from bot.core.i18n import Translator
from bot.domain.runtime import Runtime
from bot.ops import lease

log = logging.getLogger("pantau_ham.polling")

ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
POLL_TIMEOUT = 10  # seconds Telegram holds a getUpdates open when there is nothing to deliver


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Poller:
    """``getUpdates`` in a loop, into the Application's update queue. ``on_conflict`` decides after a 409:
    True keeps polling, False ends the loop."""

    def __init__(self, application: Application, on_conflict: Callable[[], Awaitable[bool]],
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.application, self.on_conflict, self.monotonic = application, on_conflict, monotonic
        self.offset = 0
        self.since: float | None = None
        self.task: asyncio.Task | None = None

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def failure(self) -> BaseException | None:
        task = self.task
        if task is None or not task.done() or task.cancelled():
            return None
        return task.exception()

    def polling_for(self) -> float:
        return 0.0 if self.since is None else self.monotonic() - self.since

    def start(self) -> None:
        self.since = self.monotonic()
        self.task = asyncio.create_task(self._loop(), name="pantau-ham:polling")

    async def _loop(self) -> None:
        bot = self.application.bot
        delay, webhook_checked = 0.0, False
        while True:
            try:
                if not webhook_checked:  # a webhook left from another configuration blocks getUpdates
                    await bot.delete_webhook()
                    webhook_checked = True
                updates = await bot.get_updates(offset=self.offset, timeout=POLL_TIMEOUT,
                                                allowed_updates=ALLOWED_UPDATES)
            except RetryAfter as exc:
                delay = _seconds(exc.retry_after) + 0.5
            except TimedOut:
                delay = 0.0
            except Conflict as exc:
                if "webhook" in exc.message.lower():
                    webhook_checked = False
                elif not await self.on_conflict():
                    return
                delay = 1.0 if not delay else min(30.0, delay * 1.5)
            except TelegramError as exc:
                log.warning("getUpdates failed: %s", exc)
                delay = 1.0 if not delay else min(30.0, delay * 1.5)
            else:
                delay = 0.0
                for update in updates:
                    await self.application.update_queue.put(update)
                if updates:
                    self.offset = updates[-1].update_id + 1
            if delay:
                await asyncio.sleep(delay)

    async def stop(self, confirm: bool, budget: float = 2.0) -> None:
        """End the loop; ``confirm``: one last ``getUpdates`` (no waiting) so that Telegram does not deliver
        the updates already taken again (a clean stop, not a step down)."""
        task, self.task, self.since = self.task, None, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if confirm and self.offset:
            try:
                await asyncio.wait_for(self.application.bot.get_updates(
                    offset=self.offset, timeout=0, allowed_updates=ALLOWED_UPDATES), budget)
            except (TimeoutError, TelegramError) as exc:
                log.debug("could not confirm the last updates: %s", exc)


class PollingRole:
    """Polling or standing by, as the lease says; ``mode`` is ``polling`` or ``standby`` (for /healthz)."""

    def __init__(self, application: Application, runtime: Runtime, worker_id: str, stop: asyncio.Event,
                 t: Translator, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.application, self.runtime, self.me, self.stop_event, self.t = application, runtime, worker_id, stop, t
        self.ttl = runtime.settings.polling_lease_seconds
        self.renew_every, self.look_every = self.ttl / 4, max(0.5, self.ttl / 10)
        self.newcomer_window = self.ttl / 2
        self.monotonic = monotonic
        self.observer = lease.Observer(self.ttl, monotonic)
        self.poller = Poller(application, self._conflict, monotonic)
        self.mode = "standby"
        self.conflict = False  # this copy is the newcomer on a token another copy polls: it leaves
        self._told: str | None = None
        self._renew_failed = False
        self._conflict_logged = False

    async def _db(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(None, fn, *args)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop_event.wait(), seconds)

    async def run(self) -> None:
        with contextlib.suppress(Exception):
            await self._db(lease.ensure, self.runtime.engine)
        while not self.stop_event.is_set():
            try:
                await self._step()
            except Exception:  # a bug here must not leave the copy deaf: say it, look again shortly
                log.exception("the polling lease loop failed; trying again")
                await self._pause(self.look_every)

    async def _step(self) -> None:
        if self.mode == "polling":
            await self._pause(self.renew_every)
            if self.stop_event.is_set():
                return
            if await self._renew() is False:
                await self._stand_down()
            elif not self.poller.running and not self.stop_event.is_set():
                log.warning("the polling loop ended unexpectedly (%s); starting it again", self.poller.failure())
                self.poller.start()
        elif await self._try_take():
            self._start()
        else:
            await self._pause(self.look_every)

    async def _try_take(self) -> bool:
        rt = self.runtime
        try:
            state = await self._db(lease.read, rt.engine)
            dead = set()
            if state.holder and state.holder != self.me:
                dead = await self._db(liveness.known_dead, rt.engine, [state.holder])
            if not self.observer.may_take(state, self.me, dead):
                self._tell_standby(state.holder)
                return False
            if state.holder and state.holder != self.me:
                log.info("taking over polling from %s (%s)", state.holder,
                         "gone" if state.holder in dead else f"no renewal for {self.ttl:.0f} s")
            return await self._db(lease.take, rt.engine, rt.clock, self.me, state.version)
        except Exception as exc:  # noqa: BLE001 - the database is away: look again later
            self.observer.lost_sight()
            log.debug("could not look at the polling lease: %s", exc)
            return False

    async def _renew(self) -> bool | None:
        """True: still mine; False: another copy holds it; None: the database did not answer."""
        try:
            mine = await self._db(lease.renew, self.runtime.engine, self.runtime.clock, self.me)
        except Exception as exc:  # noqa: BLE001
            if not self._renew_failed:
                log.warning("could not renew the polling lease (%s); polling on until the database answers", exc)
            self._renew_failed = True
            return None
        self._renew_failed = False
        return mine

    def _start(self) -> None:
        self.mode, self._told = "polling", None
        self.poller.start()
        log.info("polling Telegram for updates (this copy holds the polling lease)")

    async def _stand_down(self) -> None:
        log.warning("another copy of this database polls now; this one stops polling and stands by")
        self.mode = "standby"
        self.observer = lease.Observer(self.ttl, self.monotonic)
        await self.poller.stop(confirm=False)

    def _tell_standby(self, holder: str | None) -> None:
        if holder is None or holder == self._told:
            return
        self._told = holder
        log.info("standing by: %s polls Telegram with this database; taking over when it stops", holder)
        print(self.t.plain("Salinan lain ({holder}) sudah menerima pembaruan Telegram dengan basis data yang sama. "
                           "Salinan ini bersiaga dan mengambil alih paling lambat {n} detik setelah salinan itu "
                           "berhenti.", holder=holder, n=int(self.ttl + self.look_every)), flush=True)

    async def _conflict(self) -> bool:
        """Telegram answered 409: another poller on this token. Keep polling (True) or end the loop (False)."""
        mine = await self._renew()
        if mine is False:
            return False  # a copy of this database holds the lease: run() sees the loop ended and stands by
        if self.poller.polling_for() < self.newcomer_window:
            self.conflict = True
            self.stop_event.set()
            return False
        if not self._conflict_logged:
            self._conflict_logged = True
            log.warning("another copy polls with this token (409 Conflict) but not with this database; this one "
                        "has polled longer and keeps polling")
        return True

    async def close(self) -> None:
        """On the way out: stop polling (confirming what was taken), then free the lease for a copy standing by."""
        if self.poller.running or self.mode == "polling":
            await self.poller.stop(confirm=True, budget=1.0)
        try:
            await asyncio.wait_for(self._db(lease.release, self.runtime.engine, self.runtime.clock, self.me), 1.0)
        except Exception as exc:  # noqa: BLE001 - the lease then ends by itself after the lease time
            log.warning("could not release the polling lease (%s)", exc)

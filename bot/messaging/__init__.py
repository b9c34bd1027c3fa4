"""The one delivery engine (``engine``: claim, per-chat order, in-flight cap, backoff, outcomes, 403,
migration) and what it delivers: reminders (``reminders``, ``reminder_content``), broadcasts and their
reports (``broadcasts``, ``outbox``), weekly digests (``digest``). No ``telegram`` here: it sends through
``delivery.Sender``, whose Telegram side is ``bot.telegram.sender``."""

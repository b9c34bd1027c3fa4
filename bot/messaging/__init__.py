"""The one delivery engine (``engine``: claim, per-chat order, in-flight cap, backoff, outcomes, 403,
migration) and what it delivers: reminders (``reminders``; what a reminder says is ``bot.views.reminders``),
broadcasts and their reports (``broadcasts``, ``outbox``), weekly digests (``digest``), the Kanwil's review
notices and daily line (``review``). No ``telegram`` here: it sends through ``delivery.Sender``, whose
Telegram side is ``bot.telegram.sender``."""

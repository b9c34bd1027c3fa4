"""View models of what the bot sends on its own: a reminder (who still has work, at sending time), a results
broadcast and its delivery report, the weekly digest. Composed from the domain and the calendar; rendered by
``bot.render``; delivered by ``bot.messaging``."""

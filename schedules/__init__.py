"""Time: the calendar of deadlines (``calendar``, ``events``, ``dates``, the yearly ``template``), when a
reminder falls due (``policy``), who still has work (``recipients``), and the planner that writes the
reminder ledger (``planner``, ``incremental``). Sending is ``bot.messaging``; the ticking job ``bot.ops.jobs``."""

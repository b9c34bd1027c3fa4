"""The running process: the Application wired from handlers and jobs (``app``), polling with its lease and
the webhook (``serve``, ``polling``, ``lease``, ``webhook``), the ticking jobs (``jobs``). Nothing below
imports it."""

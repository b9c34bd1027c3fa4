"""Telegram plumbing: updates handled concurrently and in order per chat (``processor``), flood control
(``flood``), the rate limiter and its pacer (``ratelimit``, ``throttle``), sending a rendered reply
(``sending``) and the delivery engine's Telegram side (``sender``)."""

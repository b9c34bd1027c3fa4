"""The floor everything stands on: the models and the database (``models``, ``db``, ``migrations``,
``claims``), settings, translations (``i18n``), the clock, errors and input bounds, logs, heartbeats and
Telegram's text rules (``telegram_text``)."""

"""A bare python-telegram-bot bot: the yardstick of the HTTP benchmarks (same server, same run).

Without ``ECHO_ANSWERS`` it echoes each text. With ``ECHO_ANSWERS`` (a JSON file: typed text -> the message
Pantau HAM sends for it, text and buttons, see ``bench/answers.py``) it sends, for each text, exactly the
message Pantau HAM would: the same bytes, the same HTML and buttons, through the same python-telegram-bot, but
without working anything out. What separates Pantau HAM from it is then only the work of the answer.
"""

import json
import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

ANSWERS: dict[str, dict] = {}


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    known = ANSWERS.get(update.message.text)
    if known is None:
        await context.bot.send_message(update.effective_chat.id, update.message.text)
        return
    keyboard = [[InlineKeyboardButton(b["text"], callback_data=b["callback_data"]) for b in row]
                for row in known["buttons"]]
    await context.bot.send_message(update.effective_chat.id, known["text"], parse_mode=ParseMode.HTML,
                                   reply_markup=InlineKeyboardMarkup(keyboard) if keyboard else None)


def main() -> None:
    if os.environ.get("ECHO_ANSWERS"):
        with open(os.environ["ECHO_ANSWERS"], encoding="utf-8") as f:
            ANSWERS.update(json.load(f))
    app = (ApplicationBuilder().token(os.environ["TELEGRAM_BOT_TOKEN"])
           .base_url(os.environ["TELEGRAM_API_BASE_URL"]).build())
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling()


if __name__ == "__main__":
    main()

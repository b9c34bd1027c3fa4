"""Test doubles: the strict stand-in for the Bot API (in-process and over local HTTP), the updates
Telegram would deliver, a clock that moves only when slept on, and a recording Sender."""

from bot.cli.local_api import BOT_ID, BOT_USER, BOT_USERNAME, SENDING, ApiCall, buttons_of
from tests.fakes.bot_api import Fault, NoAnswer, OfflineBotAPI, ScriptedError
from tests.fakes.sender import RecordingSender
from tests.fakes.timing import FakeTime, fake_rate_limiter
from tests.fakes.updates import UpdateFactory

__all__ = ["BOT_ID", "BOT_USER", "BOT_USERNAME", "SENDING", "ApiCall", "FakeTime", "Fault", "NoAnswer",
           "OfflineBotAPI", "RecordingSender", "ScriptedError", "UpdateFactory", "buttons_of", "fake_rate_limiter"]

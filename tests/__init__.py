"""tests.

The strict stand-in for the Bot API moved from ``bot.cli.offline`` to ``tests.fakes``. Until
``tests/conftest.py`` imports it from there, the old name stays an alias of ``tests.fakes`` while the tests
run (the product has no such module any more); delete these lines then.
"""

import sys

from tests import fakes as _fakes

sys.modules.setdefault("bot.cli.offline", _fakes)

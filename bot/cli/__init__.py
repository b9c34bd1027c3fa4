"""The command line: ``pantau-ham run | console | demo | db | import | export | backup | restore | health |
calendar``. The top floor: it may import every layer below (``bot.ops``, ``handlers``, services)."""

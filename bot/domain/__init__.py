"""The domain: regions, catalog, checklist and its progress, Aksi HAM, people and access, audit, evidence,
cycles, subscriptions, conversations. Plain Python over a session and a clock; no ``telegram``, no
spreadsheet, chart or HTTP library (the contracts in ``.importlinter`` say so)."""

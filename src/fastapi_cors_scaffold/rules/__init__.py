"""What a CORS setting may be: pure rules, their sentences, and the tables built on them.

`checks.py`, `guard.py` (the cross-origin guard built on them) and `messages.json` travel verbatim into every
generated service (as `<package>/_cors/`), so they import nothing from this package but each other; the
questionnaire's Jinja reads `messages.json` too.
"""

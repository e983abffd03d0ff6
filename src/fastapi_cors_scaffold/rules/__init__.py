"""What a CORS setting may be: pure rules, their sentences, and the tables built on them.

`checks.py` and `messages.json` travel verbatim into every generated service (as `<package>/_cors/`), so they import
nothing from this package; the questionnaire's Jinja reads `messages.json` too.
"""

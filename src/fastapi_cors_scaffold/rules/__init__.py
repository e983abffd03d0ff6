"""What a CORS setting may be: pure rules, their sentences, and the tables built on them.

The rules travel verbatim into every generated service (as `<package>/_cors/`): `checks.py` and the modules it stands
on (`problem.py`, `origins.py`, `attackers.py`, `origin_regex.py`, and the regex analysis `regex.py`, `automaton.py`,
`backtracking.py`), `guard.py` (the cross-origin guard built on them) and `messages.json`. So they import nothing from
this package but each other, and nothing else but the standard library and `publicsuffixlist`; the questionnaire's
Jinja reads `messages.json` too. `policy.py`, `questions.py`, `attacks.py` and `findings.py` stay in the package.
"""

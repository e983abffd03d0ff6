"""Generated projects: where the template comes from, its version history, answers, Copier runs and fleet updates.

Only `render` imports Copier. `history` is also build tooling (hatch_build.py and the release workflow import it from
the source tree before anything is installed), so it and this package's `__init__` import nothing heavy.
"""

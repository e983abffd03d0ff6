"""Benchmarks: generation, CLI start, the generated test suite, the service's CORS cost, updates, against baselines.

Every figure is a median over several runs, set against a baseline this package builds and measures in the same run
on the same machine: a one-file Copier template, a bare Typer app with the same command names, a one-test FastAPI
suite, FastAPI's CORS recipe, bare Starlette, a shell loop of `copier update`. `python -m benchmarks` prints a table
and writes the same as JSON; a missed target is reported in its row, and the run always exits 0.
"""

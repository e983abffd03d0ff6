"""Tests of the package and the template; a package so that `from tests.table import ...` works under pytest."""

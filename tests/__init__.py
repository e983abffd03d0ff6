"""Tests of the package and the template; a package so that `from tests.support.table import ...` works under pytest."""

"""These tests reuse the dossiers fixtures: the real Hanoi data, people, the clock."""

from motcua.dossiers.tests.conftest import clock, hanoi_data, people  # noqa: F401

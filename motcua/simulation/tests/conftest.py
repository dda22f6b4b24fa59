"""Simulation tests reuse the dossiers fixtures: the real Hanoi data and the clock."""

from motcua.dossiers.tests.conftest import clock, hanoi_data  # noqa: F401

"""The dossiers' fixtures (the real Hanoi data, people, the clock) for core tests that go through
the API and for the backup tests."""

from motcua.dossiers.tests.conftest import clock, hanoi_data, people  # noqa: F401

"""The dossiers' fixtures (network, catalogue, people, clock) for the backup tests."""

from motcua.dossiers.tests.conftest import clock, hanoi_data, people  # noqa: F401

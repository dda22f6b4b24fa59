"""These tests reuse the dossiers fixtures: the real Hanoi data, people, the clock, and a
completed dossier with a stored scan and an electronic result."""

from motcua.dossiers.tests.conftest import clock, hanoi_data, people  # noqa: F401
from motcua.dossiers.tests.test_api_files import completed  # noqa: F401

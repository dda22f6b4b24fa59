"""Workspace tests reuse the dossiers fixtures: the real Hanoi data, people, the clock."""

from motcua.dossiers.tests.conftest import clock, hanoi_data, people  # noqa: F401
from motcua.workspace.tests.browser import chromium, open_session  # noqa: F401

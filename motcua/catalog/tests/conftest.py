"""Shared fixtures of the catalogue's tests."""

import pytest
from django.db import transaction

from motcua.catalog.services import catalog_load
from motcua.organization.services.network import network_load


@pytest.fixture(scope="module")
def catalog(django_db_setup, django_db_blocker):
    """Hanoi's units, agencies, network and the procedure catalogue, loaded once per module.

    Everything is rolled back after the module.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        network_load()
        report = catalog_load()
        yield report
        transaction.set_rollback(True)

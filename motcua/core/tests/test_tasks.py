"""The task backend writes the row django-tasks-db writes, by a prepared INSERT."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django_tasks_db.models import DBTaskResult

from motcua.dossiers.tasks import create_notifications

pytestmark = pytest.mark.django_db

LIBRARY = {"BACKEND": "django_tasks_db.DatabaseBackend"}
OURS = {"BACKEND": "motcua.core.tasks.OutboxBackend"}


def _row(result) -> dict:
    """Every column but the id, the backend's alias and the time of enqueueing."""
    row = DBTaskResult.objects.filter(pk=result.id).values().get()
    for key in ("id", "backend_name", "enqueued_at"):
        del row[key]
    return row


@pytest.mark.parametrize("run_after", [None, datetime(2030, 3, 10, 3, 0, tzinfo=UTC)])
def test_the_outbox_backend_writes_the_row_the_library_writes(settings, run_after):
    settings.TASKS = {"default": OURS, "library": LIBRARY}
    args = (7, "received", {"code": "000.01.HC.H26-260310-0001", "n": 1})
    ours = create_notifications.using(run_after=run_after).enqueue(*args)
    theirs = create_notifications.using(backend="library", run_after=run_after).enqueue(*args)
    assert ours.status == theirs.status == "READY"
    assert ours.args == list(args)
    assert _row(ours) == _row(theirs)
    assert DBTaskResult.objects.get(pk=ours.id).enqueued_at is not None
    # The worker finds it as it finds the library's.
    assert DBTaskResult.objects.ready().count() == (2 if run_after is None else 0)

"""Background tasks of the dossiers app, run by ``motcua db_worker``."""

from __future__ import annotations

from django.tasks import task

from motcua.core import clock
from motcua.dossiers.notifications import (
    DeliveryStatus,
    notification_attempt,
    notifications_create,
    retry_delay,
)


@task
def create_notifications(dossier_id: int, event: str, snapshot: dict) -> int:
    """Write the applicant's messages about ``event`` and queue each one's sending."""
    return len(notifications_create(dossier_id=dossier_id, event=event, snapshot=snapshot))


@task
def send_notification(log_id: int) -> str | None:
    """Send the notification row ``log_id``; after a failure, queue the next attempt.

    Return the row's status, or None when the row is gone or another task has it.
    """
    log = notification_attempt(log_id=log_id)
    if log is None:
        return None
    if log.status == DeliveryStatus.PENDING:
        if send_notification.get_backend().supports_defer:
            run_after = clock.now() + retry_delay(log.attempts)
            send_notification.using(run_after=run_after).enqueue(log_id)
        else:
            # A backend that cannot defer (the immediate one of tests and development) runs
            # the retry at once; the attempt limit still bounds it.
            send_notification.enqueue(log_id)
    return log.status

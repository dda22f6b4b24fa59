"""The background-task backend: django-tasks-db's database backend, its task row written by
one prepared INSERT (:func:`motcua.core.rows.insert_rows`) instead of the ORM's ``create``.

Every receipt writes a notification task in its own transaction (an outbox, see
:mod:`motcua.dossiers.notifications`); through ``objects.create`` that row cost about a sixth
of the intake's application time, most of it compiling the same SQL again. The row is the
one the library writes, column for column: its ``pre_save`` receiver (``run_after`` at the
far future when the task is not deferred) is applied here, since no signal is sent.
``test_tasks`` compares the two rows.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.backend import DatabaseBackend

from motcua.core.rows import insert_rows


class OutboxBackend(DatabaseBackend):
    def _task_to_db_task(self, task, args, kwargs) -> Any:
        from django_tasks_db.compat import normalize_json
        from django_tasks_db.models import DBTaskResult, get_date_max

        row = DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=get_date_max() if task.run_after is None else task.run_after,
            backend_name=self.alias,
        )
        insert_rows([row])
        return row

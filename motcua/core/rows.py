"""Insert new model instances with one prepared statement, without the ORM's per-call work.

``Model.save()`` and ``bulk_create`` compile their SQL anew on every call; on the intake path
that compilation cost as much as the database's own work. :func:`insert_rows` builds the
statement once per (model, number of rows, database) and reuses it, so PostgreSQL can keep it
prepared. Values still go through each field's ``pre_save`` and ``get_db_prep_save``, as the
ORM does; no signal is sent and no validation runs (callers validate first, as services do).

On PostgreSQL the statement uses the server's own ``$n`` placeholders and runs on a psycopg
``RawCursor``: psycopg rewrites ``%s`` placeholders on every call when a statement has more
than 50 parameters (it caches only smaller ones), and a dossier row has more than 60. Errors
are translated as on Django's cursors (an ``IntegrityError`` is Django's).

Inside :func:`rows_together`, the rows given to :func:`insert_rows` are written when the block
ends, all in one round trip to PostgreSQL (a psycopg pipeline): a receipt's components, its
first event and its notification task cost one wait on the database instead of three.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from django.db import connections
from django.db.models import AutoField, Field, Model
from psycopg import RawCursor

_statements: dict[tuple[type[Model], int, str], str] = {}
#: The rows waiting for the end of the innermost :func:`rows_together` block, with its alias.
_waiting: ContextVar[tuple[str, list] | None] = ContextVar("motcua_rows_waiting", default=None)


@cache
def _fields(model: type[Model]) -> tuple[Field, ...]:
    return tuple(f for f in model._meta.concrete_fields if not isinstance(f, AutoField))


def _statement(model: type[Model], count: int, alias: str) -> str:
    key = (model, count, alias)
    sql = _statements.get(key)
    if sql is None:
        connection = connections[alias]
        quote = connection.ops.quote_name
        fields = _fields(model)
        columns = ", ".join(quote(f.column) for f in fields)
        width, numbered = len(fields), connection.vendor == "postgresql"
        rows = [
            "("
            + ", ".join(f"${r * width + i + 1}" if numbered else "%s" for i in range(width))
            + ")"
            for r in range(count)
        ]
        sql = (
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608
            f"VALUES {', '.join(rows)} RETURNING {quote(model._meta.pk.column)}"
        )
        _statements[key] = sql
    return sql


def insert_rows(objs: Sequence[Model], *, using: str = "default") -> None:
    """Insert ``objs`` (new instances of one model) and set their primary keys (inside
    :func:`rows_together`, when its block ends)."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[using]
    fields = _fields(model)
    params = [
        field.get_db_prep_save(field.pre_save(obj, True), connection)
        for obj in objs
        for field in fields
    ]
    sql = _statement(model, len(objs), using)
    waiting = _waiting.get()
    if waiting is not None and waiting[0] == using:
        waiting[1].append((objs, sql, params))
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with connection.wrap_database_errors, RawCursor(cursor.cursor.connection) as raw:
                raw.execute(sql, params)
                keys = raw.fetchall()
        else:
            cursor.execute(sql, params)
            keys = cursor.fetchall()
    _keyed(objs, keys, using)


@contextmanager
def rows_together(*, using: str = "default") -> Iterator[None]:
    """Write the rows :func:`insert_rows` is given inside the block when it ends: on
    PostgreSQL in one round trip, elsewhere one statement after another as they came.

    Their primary keys are set then, so code inside must neither need them nor read those
    rows back. An exception inside writes nothing. Use it inside the transaction that the
    rows belong to; an error in any of them is raised at the end of the block.
    """
    if connections[using].vendor != "postgresql" or _waiting.get() is not None:
        yield  # nested: the outer block writes them; elsewhere: written as they come
        return
    rows: list[tuple[Sequence[Model], str, list]] = []
    token = _waiting.set((using, rows))
    try:
        yield
    finally:
        _waiting.reset(token)
    if rows:
        _write_together(rows, using)


def _write_together(rows: list[tuple[Sequence[Model], str, list]], using: str) -> None:
    connection = connections[using]
    with connection.cursor() as cursor, connection.wrap_database_errors:
        conn = cursor.cursor.connection
        raws = [RawCursor(conn) for _ in rows]
        try:
            with conn.pipeline():
                for raw, (_, sql, params) in zip(raws, rows, strict=True):
                    raw.execute(sql, params)
            for raw, (objs, _, _) in zip(raws, rows, strict=True):
                _keyed(objs, raw.fetchall(), using)
        finally:
            for raw in raws:
                raw.close()


def _keyed(objs: Sequence[Model], keys: list[tuple], using: str) -> None:
    for obj, (pk,) in zip(objs, keys, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = using

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
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.db import connections
from django.db.models import AutoField, Field, Model
from psycopg import RawCursor

_statements: dict[tuple[type[Model], int, str], str] = {}


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
    """Insert ``objs`` (new instances of one model) and set their primary keys."""
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
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with connection.wrap_database_errors, RawCursor(cursor.cursor.connection) as raw:
                raw.execute(sql, params)
                keys = raw.fetchall()
        else:
            cursor.execute(sql, params)
            keys = cursor.fetchall()
    for obj, (pk,) in zip(objs, keys, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = using

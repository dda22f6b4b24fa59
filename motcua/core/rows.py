"""Insert new model instances with one prepared statement, without the ORM's per-call work.

``Model.save()`` and ``bulk_create`` compile their SQL anew on every call; on the intake path
that compilation cost as much as the database's own work. :func:`insert_rows` builds the
statement once per (model, number of rows, database) and reuses it, so PostgreSQL can keep it
prepared. Values still go through each field's ``pre_save`` and ``get_db_prep_save``, as the
ORM does; no signal is sent and no validation runs (callers validate first, as services do).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.db import connections
from django.db.models import AutoField, Field, Model

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
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = (
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608
            f"VALUES {', '.join([row] * count)} RETURNING {quote(model._meta.pk.column)}"
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
    with connection.cursor() as cursor:
        cursor.execute(_statement(model, len(objs), using), params)
        keys = cursor.fetchall()
    for obj, (pk,) in zip(objs, keys, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = using

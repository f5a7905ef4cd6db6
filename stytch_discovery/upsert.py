"""``INSERT … ON CONFLICT DO UPDATE`` of many rows, sent to the database as one JSON document.

It writes what ``QuerySet.bulk_create(update_conflicts=True)`` writes, in the same single
statement, but the rows travel as one JSON parameter that PostgreSQL (``jsonb_to_recordset``)
or SQLite (``json_each``) unpacks. ``bulk_create`` compiles and quotes every value on its own
(13 per row here): profiled on a 500-organization refresh on PostgreSQL that was 38 ms of
CPU against 17 ms this way, for the same ~9 ms of work in the database. Other databases
keep ``bulk_create``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import ForeignObjectRel


def upsert(
    rows: Sequence[models.Model], *, unique_fields: Sequence[str], update_fields: Sequence[str], using: str
) -> None:
    """Insert ``rows``; where ``unique_fields`` collide, overwrite ``update_fields`` only."""
    if not rows:
        return
    model = type(rows[0])
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        model._default_manager.using(using).bulk_create(
            rows, update_conflicts=True, unique_fields=unique_fields, update_fields=update_fields
        )
        return
    meta = model._meta
    fields = [(field, _column(field)) for field in meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    document = json.dumps(
        [
            {column: _json_value(field, getattr(row, field.attname), connection) for field, column in fields}
            for row in rows
        ],
        separators=(",", ":"),
    )
    columns = ", ".join(quote(column) for _, column in fields)
    if connection.vendor == "postgresql":
        shape = ", ".join(f"{quote(column)} {field.db_type(connection)}" for field, column in fields)
        source = f"SELECT {columns} FROM jsonb_to_recordset(%s::jsonb) AS r({shape})"  # noqa: S608
    else:
        picks = ", ".join(f"json_extract(value, '$.{column}')" for _, column in fields)
        # "WHERE true" keeps SQLite from reading ON CONFLICT as the ON of a join.
        source = f"SELECT {picks} FROM json_each(%s) WHERE true"  # noqa: S608
    conflict = ", ".join(quote(_column(meta.get_field(name))) for name in unique_fields)
    updated = (quote(_column(meta.get_field(name))) for name in update_fields)
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in updated)
    table = quote(meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) {source} ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [document])


def _column(field: models.Field[Any, Any] | ForeignObjectRel) -> str:
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{field!r} has no column of its own.")
    return field.column


def _json_value(field: models.Field[Any, Any], value: Any, connection: BaseDatabaseWrapper) -> Any:
    """``value`` as the database expects to find it in the document."""
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        # PostgreSQL casts ISO 8601 to timestamptz; SQLite stores Django's own text form.
        return (
            value.isoformat()
            if connection.vendor == "postgresql"
            else connection.ops.adapt_datetimefield_value(value)
        )
    if isinstance(field, models.JSONField) and connection.vendor == "sqlite":
        # SQLite keeps JSON columns as text: store the text Django would, not a nested value.
        return json.dumps(value, cls=field.encoder)
    return value

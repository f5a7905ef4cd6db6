"""Write many rows of one model in one ``INSERT … ON CONFLICT DO UPDATE``, sent as one JSON document.

It writes what ``QuerySet.bulk_create(update_conflicts=True)`` (and, with ``replace``, a
``.filter().exclude().delete()``) writes, in a fixed number of statements whatever the number
of rows: the rows travel as one JSON parameter that PostgreSQL (``jsonb_to_recordset``) or
SQLite (``json_each``) unpacks, and the values every row shares (the identity, the timestamps,
the user) as ordinary parameters. Building, quoting and compiling per row is what the ORM spends
most of its time on, so here the SQL is built once per model, database and shape, and a
write only encodes the document. Other databases keep ``bulk_create`` and the ORM's delete.

Like ``bulk_create``, these statements send no ``pre_save``/``post_save`` or
``pre_delete``/``post_delete`` signals.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

from stytch_discovery import jsonlib


def encode(rows: Sequence[Mapping[str, Any]]) -> str:
    """``rows`` as one JSON document: what :func:`upsert` sends when no value needs converting.

    Deterministic (the same rows in the same order give the same text), so it can be digested.
    """
    return jsonlib.dumps(rows)


def upsert(
    model: type[models.Model],
    *,
    rows: Sequence[Mapping[str, Any]],
    shared: Mapping[str, Any],
    unique_fields: Sequence[str],
    update_fields: Sequence[str],
    replace: bool = False,
    using: str,
    encoded: str | None = None,
) -> None:
    """Insert ``rows``, each completed with ``shared``; where ``unique_fields`` collide, overwrite
    ``update_fields`` only.

    Rows map every concrete field's ``attname`` that ``shared`` does not to a JSON-compatible
    value (``JSONField`` values as Python objects). With ``replace``, the model's rows that match
    ``shared`` on the unique fields it holds but are not among ``rows`` are deleted (``rows`` may
    then be empty). ``encoded``, when given, must be ``encode(rows)``: it is sent as it is when
    no value needs converting (PostgreSQL), instead of encoding the rows again.
    """
    if not rows and not replace:
        return
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        _orm_upsert(model, rows, shared, unique_fields, update_fields, replace, using)
        return
    plan = _plan(model, using, tuple(shared), tuple(unique_fields), tuple(update_fields), replace)
    if rows and not plan.row_names <= rows[0].keys():
        raise ValueError(f"rows lack {sorted(plan.row_names - rows[0].keys())}")
    # The rows go into the document as they are (keyed by attname) unless a value needs encoding.
    converters = plan.converters
    if converters:
        document = encode(
            [{**row, **{name: convert(row[name]) for name, convert in converters}} for row in rows]
        )
    else:
        document = encoded if encoded is not None else encode(rows)
    shared_values = [
        field.get_db_prep_save(shared[field.attname], connection) for field in plan.shared_fields
    ]
    groups = {
        "document": [document],
        "shared": shared_values,
        "scope": [shared_values[index] for index in plan.scope_indexes],
    }
    with connection.cursor() as cursor:
        for sql, parameters in plan.statements:
            cursor.execute(sql, [value for group in parameters for value in groups[group]])


#: Each SQL statement of a plan, with the names of its parameter groups in order.
Statements = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class _Plan:
    """The SQL of one write shape, and how to fill its parameters."""

    #: The attnames every row carries (its keys in the document).
    row_names: frozenset[str]
    #: (attname, encoder) of the row values that need encoding for the document.
    converters: tuple[tuple[str, Callable[[Any], Any]], ...]
    #: The fields ``shared`` fills, in parameter order.
    shared_fields: tuple[models.Field[Any, Any], ...]
    #: Which shared values (by position) scope ``replace``'s delete.
    scope_indexes: tuple[int, ...]
    #: Each statement with the names of its parameter groups, in order.
    statements: Statements


@dataclass(frozen=True)
class _Parts:
    """The pieces of SQL both databases' statements are built from."""

    connection: BaseDatabaseWrapper
    table: str
    columns: str
    row_fields: tuple[models.Field[Any, Any], ...]
    shared_fields: tuple[models.Field[Any, Any], ...]
    upsert_tail: str
    #: For ``replace``: the WHERE of the identity's rows, and the key column the rows carry.
    scope_where: str
    key: models.Field[Any, Any] | None

    def quote(self, name: str) -> str:
        return str(self.connection.ops.quote_name(name))


@lru_cache(maxsize=64)
def _plan(
    model: type[models.Model],
    using: str,
    shared_names: tuple[str, ...],
    unique_fields: tuple[str, ...],
    update_fields: tuple[str, ...],
    replace: bool,
) -> _Plan:
    connection = connections[using]
    concrete = [field for field in model._meta.concrete_fields if not field.primary_key]
    by_name = {field.attname: field for field in concrete} | {field.name: field for field in concrete}
    shared_fields = tuple(by_name[name] for name in shared_names)
    row_fields = tuple(field for field in concrete if field not in shared_fields)
    unique = [by_name[name] for name in unique_fields]
    scope = [field for field in unique if field in shared_fields]
    keys = [field for field in unique if field not in shared_fields]
    if replace and len(keys) != 1:
        raise ValueError("replace needs exactly one unique field that the rows carry")
    quote = connection.ops.quote_name
    updated = (quote(_column(by_name[name])) for name in update_fields)
    parts = _Parts(
        connection=connection,
        table=quote(model._meta.db_table),
        columns=", ".join(quote(_column(field)) for field in (*row_fields, *shared_fields)),
        row_fields=row_fields,
        shared_fields=shared_fields,
        upsert_tail=(
            f"ON CONFLICT ({', '.join(quote(_column(field)) for field in unique)}) "
            f"DO UPDATE SET {', '.join(f'{column} = EXCLUDED.{column}' for column in updated)}"
        ),
        scope_where=" AND ".join(f"{quote(_column(f))} = {_placeholder(f, connection)}" for f in scope),
        key=keys[0] if replace else None,
    )
    statements = (
        _postgres_statements(parts) if connection.vendor == "postgresql" else _sqlite_statements(parts)
    )
    return _Plan(
        row_names=frozenset(field.attname for field in row_fields),
        converters=tuple(
            (field.attname, convert)
            for field in row_fields
            if (convert := _encoder(field, connection)) is not None
        ),
        shared_fields=shared_fields,
        scope_indexes=tuple(shared_fields.index(field) for field in scope),
        statements=statements,
    )


def _postgres_statements(parts: _Parts) -> Statements:
    """One statement: unpack the document, delete the identity's other rows, upsert."""
    connection, quote = parts.connection, parts.quote
    shape = ", ".join(f"{quote(field.attname)} {field.db_type(connection)}" for field in parts.row_fields)
    picks = [quote(field.attname) for field in parts.row_fields]
    picks += [_placeholder(field, connection) for field in parts.shared_fields]
    ctes = [f"incoming AS (SELECT * FROM jsonb_to_recordset(%s::jsonb) AS r({shape}))"]
    parameters: tuple[str, ...] = ("document",)
    if parts.key is not None:
        # The scope's rows that are not incoming: disjoint from the rows the INSERT
        # touches, so one statement may do both.
        ctes.append(
            f"gone AS (DELETE FROM {parts.table} WHERE {parts.scope_where}"
            f" AND {quote(_column(parts.key))} NOT IN (SELECT {quote(parts.key.attname)} FROM incoming))"
        )
        parameters += ("scope",)
    sql = (
        f"WITH {', '.join(ctes)} INSERT INTO {parts.table} ({parts.columns}) "
        f"SELECT {', '.join(picks)} FROM incoming {parts.upsert_tail}"
    )
    return ((sql, (*parameters, "shared")),)


def _sqlite_statements(parts: _Parts) -> Statements:
    """The upsert from ``json_each``, then (for ``replace``) the delete of the identity's other rows."""
    picks = [f"json_extract(value, '$.{field.attname}')" for field in parts.row_fields]
    picks += ["%s"] * len(parts.shared_fields)
    # "WHERE true" keeps SQLite from reading ON CONFLICT as the ON of a join.
    insert = (
        f"INSERT INTO {parts.table} ({parts.columns}) SELECT {', '.join(picks)} "
        f"FROM json_each(%s) WHERE true {parts.upsert_tail}"
    )
    statements: list[tuple[str, tuple[str, ...]]] = [(insert, ("shared", "document"))]
    if parts.key is not None:
        delete = (
            f"DELETE FROM {parts.table} WHERE {parts.scope_where} AND {parts.quote(_column(parts.key))} "
            f"NOT IN (SELECT json_extract(value, '$.{parts.key.attname}') FROM json_each(%s))"
        )
        statements.append((delete, ("scope", "document")))
    return tuple(statements)


def _column(field: models.Field[Any, Any]) -> str:
    if not field.column:
        raise TypeError(f"{field!r} has no column of its own.")
    return field.column


def _placeholder(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> str:
    # PostgreSQL cannot infer a parameter's type in a SELECT list; SQLite needs no type.
    return f"CAST(%s AS {field.db_type(connection)})" if connection.vendor == "postgresql" else "%s"


def _encoder(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> Callable[[Any], Any] | None:
    """How a row's value goes into the document; None when as itself (all but JSON on SQLite)."""
    if isinstance(field, models.JSONField) and connection.vendor == "sqlite":
        # SQLite keeps JSON columns as text: store the text Django would, not a nested value;
        # None stays SQL NULL (as Django stores None in a nullable JSONField).
        encoder = field.encoder

        def convert(value: Any) -> Any:
            return None if value is None else json.dumps(value, cls=encoder)

        return convert
    return None


def _orm_upsert(
    model: type[models.Model],
    rows: Sequence[Mapping[str, Any]],
    shared: Mapping[str, Any],
    unique_fields: Sequence[str],
    update_fields: Sequence[str],
    replace: bool,
    using: str,
) -> None:
    manager = model._default_manager.using(using)
    if rows:
        manager.bulk_create(
            [model(**row, **shared) for row in rows],
            update_conflicts=True,
            unique_fields=unique_fields,
            update_fields=update_fields,
        )
    if replace:
        (key,) = (name for name in unique_fields if name not in shared)
        scope = {name: shared[name] for name in unique_fields if name in shared}
        manager.filter(**scope).exclude(**{f"{key}__in": [row[key] for row in rows]}).delete()

"""A model query compiled once per database, then run again with another value.

Building a QuerySet and compiling it to SQL costs far more than running the SQL when the query is
small: the default user resolvers' lookup by email (``users``) spent about 80% of its time there,
on every anonymous list call. :func:`instances` compiles the query once per database alias with
a placeholder in place of the value, then runs that SQL with the value and builds the instances the
way Django's own iteration does (the backend's and the fields' converters, ``Model.from_db``).

Only a query this can run exactly as Django would is prepared: the model's default manager must be
a plain one (``get_queryset`` not overridden, Django's own ``QuerySet``), since a manager that
filters by something it reads per request (a tenant, say) would be frozen in the compiled SQL;
and the query must select the model's own columns only. Any other runs through the ORM each time.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.manager import BaseManager

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.expressions import Col

M = TypeVar("M", bound=Model)

#: Stands for the value while the query is compiled; found again among the SQL's parameters.
PLACEHOLDER = "\x00stytch_discovery.prepared\x00"


@dataclass(frozen=True)
class _Prepared:
    sql: str
    params: tuple[Any, ...]
    slot: int  # where the value goes in ``params``
    columns: list[Col]  # the SELECT's, all of the model's own
    fields: list[str]  # the attnames ``Model.from_db`` fills, in the SELECT's order


#: Per database alias and vendor, query key and model: the prepared query, or None when it cannot
#: be prepared (the ORM runs it each time). No connection is kept: every thread has its own.
_prepared: dict[tuple[str, str, Hashable, type[Model]], _Prepared | None] = {}


def plain_manager(model: type[Model]) -> bool:
    """Whether ``model``'s default manager adds nothing to the querysets it makes."""
    manager = model._default_manager
    return type(manager).get_queryset is BaseManager.get_queryset and manager._queryset_class is QuerySet


def instances(key: Hashable, model: type[M], build: Callable[[str], QuerySet[M]], value: str) -> list[M]:
    """What ``build(value)`` (a queryset of ``model`` on its default manager) holds.

    ``key`` names the query (with ``model``: the same key, the same ``build``); ``build`` is called
    with :data:`PLACEHOLDER` once per database, or with ``value`` when the query cannot be prepared.
    """
    if not plain_manager(model):  # asked on every call: a manager may be swapped at run time (tests)
        return list(build(value))
    using = model._default_manager.db
    connection = connections[using]
    cache_key = (using, connection.vendor, key, model)
    if cache_key not in _prepared:
        _prepared[cache_key] = _prepare(model, build, using)
    prepared = _prepared[cache_key]
    if prepared is None:
        return list(build(value))
    params = list(prepared.params)
    params[prepared.slot] = value
    with connection.cursor() as cursor:
        cursor.execute(prepared.sql, params)
        rows = cursor.fetchall()
    return [
        model.from_db(using, prepared.fields, values) for values in _converted(rows, prepared, connection)
    ]


def _converted(rows: list[Any], prepared: _Prepared, connection: BaseDatabaseWrapper) -> list[list[Any]]:
    """``rows`` as Django's ``SQLCompiler.apply_converters`` gives them, with this thread's connection."""
    if not rows:
        return []
    conversions = []
    for position, column in enumerate(prepared.columns):
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            conversions.append((position, functions, column))
    converted = []
    for row in rows:
        values = list(row)
        for position, functions, column in conversions:
            for convert in functions:
                values[position] = convert(values[position], column, connection)
        converted.append(values)
    return converted


def _prepare(model: type[Model], build: Callable[[str], QuerySet[Any]], using: str) -> _Prepared | None:
    queryset = build(PLACEHOLDER)
    if queryset.db != using or queryset.query.select_related:
        return None
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    info = compiler.klass_info
    if (
        params.count(PLACEHOLDER) != 1
        or compiler.annotation_col_map
        or info is None
        or info["model"] is not model
        or info.get("related_klass_infos")
        or list(info["select_fields"]) != list(range(len(compiler.select)))
    ):
        return None
    columns = [column for column, _sql, _alias in compiler.select]
    return _Prepared(
        sql=sql,
        params=tuple(params),
        slot=params.index(PLACEHOLDER),
        columns=columns,
        fields=[column.target.attname for column in columns],
    )

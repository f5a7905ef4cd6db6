"""The per-identity cache of discovered organizations (``models.CachedOrganization``).

``store`` writes it after successful Stytch calls; this module holds the reads the host project
may use (also importable from ``stytch_discovery.cache``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.db import connections, router
from django.db.models import ForeignKey, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from stytch_discovery.models import CachedIdentity, CachedOrganization
from stytch_discovery.users import email_of, is_signed_in, normalize_email

if TYPE_CHECKING:
    from stytch_discovery.users import AnyUser

__all__ = ["last_refreshed_at", "organizations_for_user"]

#: The columns the cached endpoint shows (``discovery.serializers.CachedOrganizationSerializer``).
SHOWN_FIELDS = (
    "organization_id",
    "organization_name",
    "organization_slug",
    "organization_logo_url",
    "membership_type",
    "member_authenticated",
    "primary_required",
    "mfa_required",
    "email_address",
    "first_seen_at",
    "refreshed_at",
)


def visible_to(user: AnyUser) -> Q:
    """Which rows ``user`` may see: linked to them, or for their email address (A-Z in any case)."""
    visible = Q(pk__in=[])
    if user is not None and is_signed_in(user):  # "is not None" narrows the type for .pk
        visible = Q(user_id=user.pk)
        email = email_of(user)  # type: ignore[arg-type]  # signed in, so not AnonymousUser
        if email:
            visible |= Q(email_address=normalize_email(email))
    return visible


def organizations_for_user(user: AnyUser) -> QuerySet[CachedOrganization]:
    """The rows ``user`` may see: linked to them, or for their email address (A-Z in any case).

    Each row carries ``listed_at``: when a list last refreshed its identity (None when none
    has yet). A list that changes nothing moves that instead of the rows' ``refreshed_at``.
    """
    listed = CachedIdentity.objects.filter(email_address=OuterRef("email_address")).values("refreshed_at")
    rows: QuerySet[CachedOrganization] = CachedOrganization.objects.filter(visible_to(user)).annotate(
        listed_at=Subquery(listed[:1])
    )
    return rows


def last_refreshed_at(rows: Iterable[CachedOrganization]) -> datetime | None:
    """When the freshest of ``rows`` was refreshed (None when there are none).

    A row was last refreshed when it was written (``refreshed_at``) or, if later, when a list
    last confirmed its identity (``listed_at`` on the rows of ``organizations_for_user``; one
    query for the identities of rows read any other way).
    """
    rows = list(rows)
    unknown = {row.email_address for row in rows if not hasattr(row, "listed_at")}
    listed: dict[str, datetime] = {}
    if unknown:
        listed = dict(
            CachedIdentity.objects.filter(email_address__in=unknown).values_list(
                "email_address", "refreshed_at"
            )
        )
    times = [row.refreshed_at for row in rows]
    times += [
        moment
        for row in rows
        if (moment := getattr(row, "listed_at", None) or listed.get(row.email_address)) is not None
    ]
    return max(times, default=None)


def shown_to(user: AnyUser) -> list[dict[str, Any]]:
    """``organizations_for_user(user)`` as the cached endpoint shows it: one dict per row with
    the :data:`SHOWN_FIELDS`, each ``refreshed_at`` the later of the row's and ``listed_at``.

    Reads only those columns (not the raw organization JSON) and builds no model instance. The
    query is compiled once (``_shown_plan``) and each column's values converted once per
    distinct value: an identity's rows share their timestamps.
    """
    if user is None or not is_signed_in(user):
        return []
    email = email_of(user)  # type: ignore[arg-type]  # signed in, so not AnonymousUser
    using = router.db_for_read(CachedOrganization)
    plan = _shown_plan(using, bool(email))
    connection = connections[using]
    parameters = [_user_field().get_db_prep_value(user.pk, connection)]
    if email:
        parameters.append(normalize_email(email))
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, parameters)
        fetched = cursor.fetchall()
    columns = [list(column) for column in zip(*fetched, strict=True)] or [[] for _ in plan.names]
    for position, converters, expression in plan.converters:
        converted: dict[Any, Any] = {}
        column = columns[position]
        for index, value in enumerate(column):
            try:
                column[index] = converted[value]
            except KeyError:
                result = value
                for convert in converters:
                    result = convert(result, expression, connection)
                column[index] = converted[value] = result
            except TypeError:  # an unhashable value (a decoded JSON object): no memo
                for convert in converters:
                    value = convert(value, expression, connection)
                column[index] = value
    return [dict(zip(plan.names, row, strict=True)) for row in zip(*columns, strict=True)]


def _user_field() -> ForeignKey[Any, Any]:
    field = CachedOrganization._meta.get_field("user")
    assert isinstance(field, ForeignKey)
    return field


@dataclass(frozen=True)
class _ShownPlan:
    sql: str
    names: tuple[str, ...]
    #: (column position, the backend's and field's converters, the column's expression).
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


#: Stand-ins the query is compiled with, to find where the real values go.
_SOME_PK, _SOME_EMAIL = 7_654_321, "stand-in@compile.invalid"


@lru_cache(maxsize=16)
def _shown_plan(using: str, with_email: bool) -> _ShownPlan:
    """The SQL and converters of ``shown_to``'s query, compiled by the ORM once per shape."""
    visible = Q(user_id=_SOME_PK) | Q(email_address=_SOME_EMAIL) if with_email else Q(user_id=_SOME_PK)
    listed = CachedIdentity.objects.filter(email_address=OuterRef("email_address")).values("refreshed_at")
    shown = [name for name in SHOWN_FIELDS if name != "refreshed_at"]
    rows = (
        CachedOrganization.objects.using(using)
        .filter(visible)
        .values(
            *shown,
            shown_refreshed_at=Greatest("refreshed_at", Coalesce(Subquery(listed[:1]), "refreshed_at")),
        )
    )
    compiler = rows.query.get_compiler(using=using)
    sql, parameters = compiler.as_sql()
    connection = connections[using]
    expected = [_user_field().get_db_prep_value(_SOME_PK, connection)]
    expected += [_SOME_EMAIL] if with_email else []
    if list(parameters) != expected:
        raise RuntimeError(f"unexpected parameters for the cached organizations query: {parameters!r}")
    expressions = [select[0] for select in compiler.select[: compiler.col_count]]
    names = tuple(
        str(select[2] or select[0].target.attname) for select in compiler.select[: compiler.col_count]
    )
    return _ShownPlan(
        sql=sql,
        names=tuple("refreshed_at" if name == "shown_refreshed_at" else name for name in names),
        converters=tuple(
            (position, tuple(converters), expression)
            for position, (converters, expression) in compiler.get_converters(expressions).items()
        ),
    )

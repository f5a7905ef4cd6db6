"""The one normalization of email addresses, in Python and in SQL: ASCII letters lower-cased, nothing else.

Stytch compares addresses case-insensitively, so the cache and the user link must too, but
Unicode case rules merge addresses that are not the same: Python's ``lower()`` turns the Kelvin
sign (U+212A) into ``k``, ``casefold()`` turns ``ß`` into ``ss`` and ``ﬀ`` into ``ff``, and
PostgreSQL's ``UPPER()`` (Django's ``iexact``) turns the dotless i (U+0131) into ``I``. Any of them
would let one person read, or collect, another's cached organizations. So only ``A``-``Z`` are
folded, identically here (:func:`normalize_email`) and in the database (:class:`AsciiLower`).
"""

from __future__ import annotations

import string
from typing import TYPE_CHECKING, Any

from django.db.models import CharField, Func, Value
from django.db.models.functions import Replace

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

_FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
#: Surrounding blanks that are trimmed: ASCII only (``str.strip()`` would take U+3000 and others).
_ASCII_BLANKS = " \t\n\r\x0b\x0c"


def normalize_email(email_address: str) -> str:
    """The identity key of an address: ASCII blanks trimmed, ``A``-``Z`` lower-cased, the rest as is."""
    return email_address.strip(_ASCII_BLANKS).translate(_FOLD)


class AsciiLower(Func):
    """SQL for :func:`normalize_email`'s folding (not its trimming) of a column: ``A``-``Z`` only.

    ``TRANSLATE`` on PostgreSQL; elsewhere 26 nested ``REPLACE`` calls, which every database has
    and which, unlike ``LOWER``, touch no other letter whatever the database's collation or build.
    """

    output_field = CharField()

    def __init__(self, expression: Any) -> None:
        super().__init__(expression)

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        folded: Any = self.source_expressions[0]
        for upper in string.ascii_uppercase:
            folded = Replace(folded, Value(upper), Value(upper.lower()), output_field=CharField())
        sql, params = compiler.compile(folded)
        return sql, tuple(params)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            function="TRANSLATE",
            template=f"%(function)s(%(expressions)s, '{string.ascii_uppercase}', '{string.ascii_lowercase}')",
            **extra,
        )

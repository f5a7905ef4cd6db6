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

from django.db.models import CharField, Func

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

_FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
#: ``REPLACE(…REPLACE(REPLACE(`` and ``, 'A', 'a'), 'B', 'b')…, 'Z', 'z')`` around a column's SQL.
#: The letters are written into the SQL, not sent as parameters, so that the query's expression
#: is the text of an index on it (``models.Index(EmailKey("email"))``): SQLite matches an indexed
#: expression only when the query spells it the same way, and a bound parameter never matches a
#: literal.
_REPLACE_OPEN = "REPLACE(" * len(string.ascii_uppercase)
_REPLACE_CLOSE = "".join(f", '{upper}', '{upper.lower()}')" for upper in string.ascii_uppercase)
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
        # The SQL of 26 nested ``Replace(…, Value(upper), Value(lower))``, written out: compiling
        # those 78 expressions took about 0.9 ms, on every anonymous list call.
        sql, params = compiler.compile(self.source_expressions[0])
        return _REPLACE_OPEN + sql + _REPLACE_CLOSE, tuple(params)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            function="TRANSLATE",
            template=f"%(function)s(%(expressions)s, '{string.ascii_uppercase}', '{string.ascii_lowercase}')",
            **extra,
        )

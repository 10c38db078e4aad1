"""What a table's columns allow, read from the columns themselves (never typed again elsewhere).

    text_limit(Client.__table__.c.name)   # 300: the column is String(300)
    text_limits(Client.__table__)         # every text column → its limit

The services (``db.crud``), the API schemas and the importer take their limits from here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, String, Table, Text

#: the longest free text a ``Text`` column (no length of its own) takes, in characters
LONG_TEXT = 20_000


def text_limit(column: ColumnElement[Any]) -> int | None:
    """How many characters ``column`` holds: a ``String(n)``'s ``n``, ``LONG_TEXT`` for a ``Text``
    without a length, None for a column that is not text."""
    kind = column.type
    if not isinstance(kind, String):
        return None
    if kind.length is not None:
        return int(kind.length)
    return LONG_TEXT if isinstance(kind, Text) else None


def text_limits(table: Table) -> dict[str, int]:
    """Every text column of ``table`` that has a limit → that limit."""
    return {column.name: limit for column in table.columns if (limit := text_limit(column)) is not None}

"""SQL expressions that SQLite and PostgreSQL write differently.

    select(Client.id, epoch_seconds(Client.created_at))          # seconds since 1970-01-01 UTC
    select(Invoice.client_id, epoch_days(func.max(Invoice.issued_on)))   # days since 1970-01-01
    select(...).where(unindexed(Client.status) == ClientStatus.active)   # a filter, not an index's way in

Times as plain numbers: set-based readers that turn a hundred thousand rows into numpy arrays read
times this way, a float straight from the driver, where a ``UTCDateTime`` column would build (and a
``Date`` parse) one Python object per row — about a second per 300,000 values.

``unindexed``: SQLite without ANALYZE statistics takes any index on an equality as the way into a
table, even one that matches nearly every row (``client.status = 'active'``) while another index
gives the order wanted; ``+column`` is SQLite's own way to say "not through an index" (PostgreSQL's
planner has its statistics and gets the bare column).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

#: julianday('1970-01-01'): SQLite's day number of the epoch
_JULIAN_EPOCH = 2440587.5


class epoch_seconds(FunctionElement[float]):
    """A timestamp (stored in UTC) as seconds since the epoch; NULL stays NULL."""

    type = Float()
    inherit_cache = True


class epoch_days(FunctionElement[float]):
    """A date as whole days since the epoch; NULL stays NULL."""

    type = Float()
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _seconds_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"((julianday({compiler.process(element.clauses, **kw)}) - {_JULIAN_EPOCH}) * 86400.0)"


@compiles(epoch_seconds, "postgresql")
def _seconds_postgresql(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS DOUBLE PRECISION)"


@compiles(epoch_days, "sqlite")
def _days_sqlite(element: epoch_days, compiler: Any, **kw: Any) -> str:
    return f"(julianday({compiler.process(element.clauses, **kw)}) - {_JULIAN_EPOCH})"


@compiles(epoch_days, "postgresql")
def _days_postgresql(element: epoch_days, compiler: Any, **kw: Any) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)}) - DATE '1970-01-01' AS DOUBLE PRECISION)"


class unindexed(FunctionElement[Any]):
    """``column`` as a value to filter by, not a way into the table: ``+column`` on SQLite."""

    inherit_cache = True

    def __init__(self, column: Any) -> None:   # a column, or a mapped attribute
        super().__init__(column)
        self.type = column.type


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: Any, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


@compiles(unindexed)
def _unindexed_default(element: unindexed, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)  # type: ignore[no-any-return]

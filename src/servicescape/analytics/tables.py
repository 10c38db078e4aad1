"""The tables the analytics read, and the check that a table has the columns an analytic needs.

Every analytic is a pure function over Ibis tables with named columns, so that one definition runs
on DuckDB (the embedded default) and on Spark. Its inputs:

* ``revenue``: one row per invoice — ``client_id`` (integer), ``issued_on`` (date), ``amount``
  (float, in the reporting currency), and optionally ``package_id`` (the service package of the
  engagement invoiced) to break revenue down by;
* ``clients``: one row per client — ``client_id``, ``name``, ``tier``, ``segment``, ``market``,
  ``status``;
* ``packages``: ``package_id``, ``package`` (its name).

(The pure functions also break down by a ``segment``, ``market`` or ``package`` column of the
revenue table itself when it has one.)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import ibis
import ibis.expr.types as ir

REVENUE = ("client_id", "issued_on", "amount")
CLIENTS = ("client_id", "name", "tier", "segment", "market", "status")
#: what a revenue figure can be broken down by ("year" is the invoice's calendar year)
GROUPINGS = ("year", "segment", "market", "package")


def require(table: ir.Table, columns: Iterable[str], what: str) -> None:
    """Raise a ``ValueError`` naming every column ``table`` lacks."""
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise ValueError(f"{what} has no column {', '.join(repr(c) for c in missing)} "
                         f"(it has {', '.join(table.columns) or 'none'})")


def revenue_between(revenue: ir.Table, since: date | None = None, until: date | None = None) -> ir.Table:
    """The invoices issued from ``since`` to ``until`` (both inclusive, either open)."""
    require(revenue, REVENUE, "the revenue table")
    if since is not None and until is not None and since > until:
        raise ValueError(f"the period starts ({since}) after it ends ({until})")
    if since is not None:
        revenue = revenue.filter(revenue.issued_on >= ibis.date(since))
    if until is not None:
        revenue = revenue.filter(revenue.issued_on <= ibis.date(until))
    return revenue


def with_grouping(revenue: ir.Table, by: str | None) -> ir.Table:
    """``revenue`` with the column ``by`` ready to group on ("year" is derived from the date)."""
    if by is None:
        return revenue
    if by not in GROUPINGS:
        raise ValueError(f"cannot group by {by!r}: choose one of {', '.join(GROUPINGS)}")
    if by == "year":
        return revenue.mutate(year=revenue.issued_on.year())
    require(revenue, (by,), "the revenue table")
    return revenue


def month_index(day: ir.DateValue) -> ir.IntegerValue:
    """Months since year 0 (year × 12 + month − 1): whole months apart by subtraction."""
    return day.year() * 12 + day.month() - 1

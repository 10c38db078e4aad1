"""Cohort retention: clients grouped by the month of their first purchase (when the firm first
engaged them), the share of each cohort still buying in each later month, and the revenue of each
later month against the cohort's first month."""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from servicescape.analytics.rfm import purchase_days
from servicescape.analytics.tables import month_index


def retention(revenue: ir.Table, *, until: date | None = None, since_cohort: date | None = None) -> ir.Table:
    """One row per cohort and month offset with purchases: ``cohort`` (months since year 0: year ×
    12 + month − 1), ``offset`` (months after the first), ``size`` (clients in the cohort),
    ``clients`` (of them buying in that month), ``revenue``, ``retention`` (clients / size) and
    ``revenue_retention`` (revenue / the cohort's first month's revenue). Cohorts that started
    before ``since_cohort`` are left out (their clients still count in no other cohort)."""
    return retention_of_days(purchase_days(revenue, until=until), until=until, since_cohort=since_cohort)


def retention_of_days(days: ir.Table, *, until: date | None = None, since_cohort: date | None = None) -> ir.Table:
    """:func:`retention` from a table of purchase days (those after ``until`` are left out)."""
    if until is not None:
        days = days.filter(days.issued_on <= ibis.date(until))
    days = days.mutate(month=month_index(days.issued_on))
    active = days.group_by(["client_id", "month"]).aggregate(revenue=days.amount.sum())
    active = active.filter(active.revenue >= 0)   # a month of credit notes only is no purchase
    first = active.group_by("client_id").aggregate(cohort=active.month.min())
    if since_cohort is not None:
        first = first.filter(first.cohort >= since_cohort.year * 12 + since_cohort.month - 1)
    sizes = first.group_by("cohort").aggregate(size=first.client_id.count())
    months = active.join(first, "client_id")
    months = months.mutate(offset=months.month - months.cohort)
    cells = months.group_by(["cohort", "offset"]).aggregate(clients=months.client_id.count(),
                                                            revenue=months.revenue.sum())
    opening = cells.filter(cells.offset == 0).select("cohort", opening=cells.revenue)
    out = cells.join(sizes, "cohort").left_join(opening, "cohort", rname="{name}_opening")
    out = out.mutate(retention=out.clients.cast("float64") / out.size,
                     revenue_retention=out.revenue / out.opening.nullif(0))
    return out.select("cohort", "offset", "size", "clients", "revenue", "retention", "revenue_retention") \
        .order_by(["cohort", "offset"])

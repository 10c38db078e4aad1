"""Retention against acquisition: what the clients kept over the last year brought, against what
the firm spends to win a new one (source 001: keeping a client costs far less than winning one).

The year to ``as_of`` is compared with the year before it: a client of the year before is retained
when it bought again in the last year, lost when it did not; a new client bought for the first time
in the last year.
"""

from __future__ import annotations

from datetime import date, timedelta

import ibis
import ibis.expr.types as ir

from servicescape.analytics.tables import revenue_between

YEAR = timedelta(days=365)


def retention_economics(revenue: ir.Table, *, as_of: date) -> ir.Table:
    """One row: ``previous_clients`` (bought in the year before last), ``retained_clients``,
    ``retained_revenue`` (what they brought in the last year), ``lost_clients``, ``lost_revenue``
    (what they had brought the year before), ``new_clients`` and ``new_revenue`` (in the last year)."""
    table = revenue_between(revenue, None, as_of)
    year_start, previous_start = ibis.date(as_of - YEAR), ibis.date(as_of - 2 * YEAR)
    in_last = table.issued_on > year_start
    in_previous = (table.issued_on > previous_start) & ~in_last
    per = table.group_by("client_id").aggregate(
        first_on=table.issued_on.min(),
        previous=table.amount.sum(where=in_previous).fill_null(0),
        last=table.amount.sum(where=in_last).fill_null(0))
    was = per.previous > 0
    kept = was & (per.last > 0)
    lost = was & (per.last <= 0)
    new = (per.first_on > year_start) & (per.last > 0)
    return per.aggregate(
        previous_clients=was.cast("int64").sum(),
        retained_clients=kept.cast("int64").sum(),
        retained_revenue=per.last.sum(where=kept).fill_null(0),
        lost_clients=lost.cast("int64").sum(),
        lost_revenue=per.previous.sum(where=lost).fill_null(0),
        new_clients=new.cast("int64").sum(),
        new_revenue=per.last.sum(where=new).fill_null(0),
    )


def economics_figures(row: dict[str, float], acquisition_cost: float | None) -> dict[str, float | None]:
    """The derived figures of one :func:`retention_economics` row: the retention rate, revenue per
    retained and per new client, and — with the firm's cost to win a client — how many new-client
    acquisitions one retained client's year is worth and what five more points of retention bring."""
    previous = row["previous_clients"] or 0
    retained = row["retained_clients"] or 0
    new = row["new_clients"] or 0
    per_retained = row["retained_revenue"] / retained if retained else None
    per_new = row["new_revenue"] / new if new else None
    figures: dict[str, float | None] = {
        "retention_rate": retained / previous if previous else None,
        "revenue_per_retained_client": per_retained,
        "revenue_per_new_client": per_new,
        "acquisition_cost": acquisition_cost,
        "retained_value_in_acquisitions": None,
        "five_points_more_retention": per_retained * 0.05 * previous if per_retained is not None else None,
        "acquisition_cost_share_of_new_revenue": None,
    }
    if acquisition_cost:
        if per_retained is not None:
            figures["retained_value_in_acquisitions"] = per_retained / acquisition_cost
        if per_new:
            figures["acquisition_cost_share_of_new_revenue"] = acquisition_cost / per_new
    return figures

"""Each client's purchase history in the form the lifetime-value models read (Fader, Hardie & Lee):
``frequency`` x (repeat purchases), ``recency`` t_x (from the first purchase to the last) and ``age``
T (from the first purchase to the end of the calibration period), in days; ``monetary``: the mean
value of the repeat purchases (the first is left out, as in the papers). A purchase is a day with
invoices (invoices of one day count once); a day whose invoices sum to less than nothing (credit
notes) is not a purchase, one invoiced at 0 is (CDNOW counts its free purchases too).

With a holdout period the summary also counts each client's purchases after the calibration
period, to compare with what the model predicted.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from servicescape.analytics.rfm import purchase_days


def purchases(revenue: ir.Table, *, until: date) -> ir.Table:
    """One row per client who bought by ``until``: ``client_id``, ``first_on``, ``last_on``,
    ``frequency``, ``recency``, ``age`` (days), ``monetary`` and ``total`` (revenue)."""
    return purchases_of_days(purchase_days(revenue, until=until), until=until)


def purchases_of_days(days: ir.Table, *, until: date) -> ir.Table:
    """:func:`purchases` from a table of purchase days (those after ``until`` are left out)."""
    days = days.filter((days.issued_on <= ibis.date(until)) & (days.amount >= 0))
    per = days.group_by("client_id").aggregate(
        first_on=days.issued_on.min(), last_on=days.issued_on.max(), count=days.issued_on.count(),
        total=days.amount.sum(), opening=days.amount.argmin(days.issued_on))
    frequency = per["count"] - 1
    return per.select(
        "client_id", "first_on", "last_on", "total",
        frequency=frequency,
        recency=per.last_on.delta(per.first_on, unit="day"),
        age=ibis.date(until).delta(per.first_on, unit="day"),
        monetary=ibis.ifelse(frequency > 0, (per.total - per.opening) / ibis.greatest(frequency, 1), 0.0),
    )


def with_holdout(summary: ir.Table, revenue: ir.Table, *, until: date, holdout_until: date) -> ir.Table:
    """``summary`` with ``holdout_purchases``: each client's purchases after ``until`` up to
    ``holdout_until`` (inclusive)."""
    if holdout_until <= until:
        raise ValueError(f"the holdout period ends ({holdout_until}) on or before the calibration ends ({until})")
    days = purchase_days(revenue, since=until + (date.resolution), until=holdout_until)
    days = days.filter(days.amount >= 0)
    later = days.group_by("client_id").aggregate(holdout_purchases=days.issued_on.count())
    later = later.select(later_client=later.client_id, holdout_purchases=later.holdout_purchases)
    joined = summary.left_join(later, summary.client_id == later.later_client)
    return joined.mutate(holdout_purchases=joined.holdout_purchases.fill_null(0)).drop("later_client")

"""RFM: how recently, how often and how much each client bought, scored 1–5 against the other
clients, and named segments from the recency and frequency scores.

Scores are quintiles of the clients' mid-rank percentile, so that clients with the same value share
a score: score = 1 + ⌊5·(w + k/2)/n⌋ (at most 5), where w clients of the n are worse and k share the
value (the longest ago for recency, the fewest purchases for frequency, the least revenue for
monetary are worse). Integer arithmetic gives every engine the same scores.
A purchase is a day with invoices that are not a net credit (invoices of one day count once; a day
whose credit notes outweigh its invoices is no purchase; a free visit invoiced at 0 is one);
monetary is all the client's revenue, credit notes included.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from servicescape.analytics.tables import revenue_between

#: the named segments, from the (recency, frequency) scores — the map in common use
SEGMENTS: tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...] = (
    ("champions", (5,), (4, 5)),
    ("loyal", (3, 4), (4, 5)),
    ("potential_loyalists", (4, 5), (2, 3)),
    ("new", (5,), (1,)),
    ("promising", (4,), (1,)),
    ("need_attention", (3,), (3,)),
    ("about_to_sleep", (3,), (1, 2)),
    ("at_risk", (1, 2), (3, 4)),
    ("cannot_lose", (1, 2), (5,)),
    ("hibernating", (1, 2), (1, 2)),
)
SEGMENT_NAMES = tuple(name for name, _r, _f in SEGMENTS)


def purchase_days(revenue: ir.Table, *, since: date | None = None, until: date | None = None) -> ir.Table:
    """One row per client and day with invoices: ``client_id``, ``issued_on``, ``amount`` (the day's
    sum)."""
    table = revenue_between(revenue, since, until)
    return table.group_by(["client_id", "issued_on"]).aggregate(amount=table.amount.sum())


def _with_score(per: ir.Table, column: str, name: str, *, smaller_is_better: bool = False) -> ir.Table:
    """``per`` with the score of ``column`` as ``name``: counted once per distinct value (how many
    clients share it, how many are worse) and joined back — cheaper than ranking every client."""
    counts = per.group_by(column).aggregate(same=per.client_id.count())
    worst_first = ibis.desc(counts[column]) if smaller_is_better else counts[column]
    up_to = counts.same.sum().over(ibis.window(order_by=worst_first, rows=(None, 0)))
    clients = counts.same.sum().over(ibis.window())
    counts = counts.mutate(worse=up_to - counts.same, clients=clients)
    score = ibis.least(1 + (5 * (2 * counts.worse + counts.same)) // (2 * counts.clients), 5)
    scored = counts.select(**{f"{name}_value": counts[column], name: score})
    joined = per.join(scored, per[column] == scored[f"{name}_value"])
    return joined.drop(f"{name}_value")


def scores(revenue: ir.Table, *, as_of: date, since: date | None = None) -> ir.Table:
    """One row per client who bought by ``as_of`` (since ``since`` when given): ``recency`` (days
    since the last purchase), ``frequency`` (purchases), ``monetary`` (revenue), the scores
    ``r``, ``f``, ``m`` (1–5) and the ``segment``."""
    return scores_of_days(purchase_days(revenue, since=since, until=as_of), as_of=as_of)


def scores_of_days(days: ir.Table, *, as_of: date) -> ir.Table:
    """:func:`scores` from a table of :func:`purchase_days` (those after ``as_of`` are left out)."""
    days = days.filter(days.issued_on <= ibis.date(as_of))
    bought = days.amount >= 0
    per = days.group_by("client_id").aggregate(
        last_on=days.issued_on.max(where=bought), frequency=bought.cast("int64").sum(), monetary=days.amount.sum())
    per = per.filter(per.frequency > 0)
    per = per.mutate(recency=ibis.date(as_of).delta(per.last_on, unit="day"))
    per = _with_score(per, "recency", "r", smaller_is_better=True)
    per = _with_score(per, "frequency", "f")
    per = _with_score(per, "monetary", "m")
    return per.mutate(segment=segment_of(per.r, per.f))


def segment_of(r: ir.IntegerValue, f: ir.IntegerValue) -> ir.StringValue:
    """The named segment of recency and frequency scores."""
    cases = [((r.isin(rs)) & (f.isin(fs)), name) for name, rs, fs in SEGMENTS]
    return ibis.cases(*cases, else_="other")


def grid(scored: ir.Table) -> ir.Table:
    """The recency × frequency grid: ``clients`` and ``revenue`` per (``r``, ``f``) cell."""
    return scored.group_by(["r", "f"]).aggregate(clients=scored.client_id.count(),
                                                 revenue=scored.monetary.sum()).order_by(["r", "f"])


def segments(scored: ir.Table) -> ir.Table:
    """Per named segment: ``clients``, ``revenue``, mean ``recency`` and ``frequency``."""
    return scored.group_by("segment").aggregate(
        clients=scored.client_id.count(), revenue=scored.monetary.sum(),
        recency=scored.recency.mean(), frequency=scored.frequency.mean()).order_by("segment")


def movement(revenue: ir.Table, *, start: date, end: date) -> ir.Table:
    """How clients moved between segments from ``start`` to ``end``: ``from_segment`` ("none" for a
    client who had not bought yet), ``to_segment`` and ``clients``."""
    if start >= end:
        raise ValueError(f"the movement starts ({start}) on or after it ends ({end})")
    return moves(scores(revenue, as_of=start), scores(revenue, as_of=end))


def moves(before: ir.Table, after: ir.Table) -> ir.Table:
    """:func:`movement` between two tables of :func:`scores`."""
    earlier = before.select("client_id", from_segment="segment")
    later = after.select(client=after.client_id, to_segment=after.segment)
    joined = later.left_join(earlier, later.client == earlier.client_id)
    joined = joined.mutate(from_segment=joined.from_segment.fill_null("none"))
    return joined.group_by(["from_segment", "to_segment"]).aggregate(clients=joined.client.count()) \
        .order_by(["from_segment", "to_segment"])

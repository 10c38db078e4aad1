"""Where value is concentrated: the share of revenue brought by the top clients, the Lorenz curve,
the Gini coefficient and the key-account set (the fewest clients bringing a given share, 80% by
default), for the whole firm or per year, segment, market or service package.

Only clients with revenue (a positive total) in the period count. Ties in revenue are ordered by
client id, so every engine ranks the same way.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from servicescape.analytics.tables import require, revenue_between, with_grouping

#: the "top X% of clients" shares reported
TOP_PERCENTS = (1, 5, 10, 20, 50)
KEY_SHARE = 0.8
#: points of the Lorenz curve (one per percentile of clients, fewer for small firms)
LORENZ_POINTS = 100


def client_revenue(revenue: ir.Table, *, since: date | None = None, until: date | None = None,
                   by: str | None = None) -> ir.Table:
    """Revenue per client (and group) in the period: ``client_id``, [``by``], ``revenue`` > 0."""
    table = with_grouping(revenue_between(revenue, since, until), by)
    keys = ["client_id", *([by] if by else [])]
    per = table.group_by(keys).aggregate(revenue=table.amount.sum())
    return per.filter(per.revenue > 0)


def revenue_parts(revenue: ir.Table, *, since: date | None = None, until: date | None = None,
                  by_year: bool = True, by_package: bool = False) -> ir.Table:
    """Revenue per client, year and service package (``client_id``, [``year``], [``package_id``],
    ``revenue``): one pass over the invoices from which :func:`per_client` rolls up each breakdown."""
    table = revenue_between(revenue, since, until)
    keys = ["client_id"]
    if by_year:
        table, keys = table.mutate(year=table.issued_on.year()), [*keys, "year"]
    if by_package:
        require(table, ("package_id",), "the revenue table")
        keys.append("package_id")
    return table.group_by(keys).aggregate(revenue=table.amount.sum())


def per_client(parts: ir.Table, by: str | None = None, clients: ir.Table | None = None) -> ir.Table:
    """Roll :func:`revenue_parts` up to each client and ``by`` — "year", "package" (its id, in the
    column ``package``) or a column of ``clients`` ("segment", "market"): ``revenue`` > 0 only."""
    if by in (None, "year", "package"):
        key = {"package": "package_id"}.get(by or "", by)
        per = parts.group_by(["client_id", *([key] if key else [])]).aggregate(revenue=parts.revenue.sum())
        per = per.rename(package="package_id") if by == "package" else per
        return per.filter(per.revenue > 0)
    if clients is None or by not in clients.columns:
        raise ValueError(f"cannot group by {by!r}: the clients table has no such column")
    per = parts if set(parts.columns) == {"client_id", "revenue"} else per_client(parts)   # already per client
    return per.join(clients.select("client_id", by), "client_id")


def ranked(per_client: ir.Table, by: str | None = None) -> ir.Table:
    """Each client's place: ``rank`` (1 = largest), ``cumulative`` revenue down to it, the group's
    ``total`` and number of ``clients``."""
    groups = [by] if by else []
    down = ibis.window(group_by=groups, order_by=[ibis.desc(per_client.revenue), per_client.client_id],
                       rows=(None, 0))
    whole = ibis.window(group_by=groups)
    return per_client.mutate(
        rank=ibis.row_number().over(down) + 1,
        cumulative=per_client.revenue.sum().over(down),
        total=per_client.revenue.sum().over(whole),
        clients=per_client.client_id.count().over(whole),
    )


def _is_key(table: ir.Table, share: float) -> ir.BooleanValue:
    # a client is in the key set while the clients before it have not yet reached ``share``
    return (table.cumulative - table.revenue) < share * table.total


def concentration(revenue: ir.Table, *, since: date | None = None, until: date | None = None,
                  by: str | None = None, share: float = KEY_SHARE,
                  top_percents: tuple[int, ...] = TOP_PERCENTS) -> ir.Table:
    """One row per group (one row when ``by`` is None): ``clients``, ``revenue``, ``gini``,
    ``key_clients`` and ``key_revenue`` (the key-account set reaching ``share``) and ``top_<X>``
    (the share of revenue of the top X% of clients, rounded up to whole clients)."""
    return summarise(client_revenue(revenue, since=since, until=until, by=by), by=by, share=share,
                     top_percents=top_percents)


def summarise(per_client: ir.Table, *, by: str | None = None, share: float = KEY_SHARE,
              top_percents: tuple[int, ...] = TOP_PERCENTS) -> ir.Table:
    """:func:`concentration` of a table of revenue per client (``client_id``, [``by``], ``revenue``)."""
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], not {share}")
    table = ranked(per_client, by)
    n = table.clients.cast("float64")
    total = table.revenue.sum()
    figures: dict[str, ir.Value] = {
        "clients": table.client_id.count(),
        "revenue": total,
        # G = (n + 1)/n − 2 Σ rank·x / (n Σ x), rank 1 = the largest
        "gini": ((n + 1) / n).max() - 2 * (table.rank.cast("float64") * table.revenue).sum() / (n.max() * total),
        "key_clients": _is_key(table, share).cast("int64").sum(),
        "key_revenue": table.revenue.sum(where=_is_key(table, share)),
    }
    for percent in top_percents:
        if not 0 < percent <= 100:
            raise ValueError(f"a top share is a percentage in (0, 100], not {percent}")
        within = table.rank <= (table.clients * percent + 99) // 100   # ⌈n·X/100⌉ clients, exactly
        figures[f"top_{percent}"] = table.revenue.sum(where=within) / total
    if by:
        return table.group_by(by).aggregate(**figures)
    return table.aggregate(**figures)


def key_accounts(revenue: ir.Table, *, since: date | None = None, until: date | None = None,
                 share: float = KEY_SHARE) -> ir.Table:
    """The key-account set: the fewest largest clients whose revenue reaches ``share`` of the total,
    with ``rank``, ``revenue``, ``revenue_share`` and ``cumulative_share``."""
    return key_set(client_revenue(revenue, since=since, until=until), share=share)


def key_set(per_client: ir.Table, *, share: float = KEY_SHARE) -> ir.Table:
    """:func:`key_accounts` of a table of revenue per client."""
    table = ranked(per_client)
    keys = table.filter(_is_key(table, share))
    return keys.select(
        "client_id", "rank", "revenue",
        revenue_share=keys.revenue / keys.total, cumulative_share=keys.cumulative / keys.total,
    ).order_by("rank")


def lorenz(revenue: ir.Table, *, since: date | None = None, until: date | None = None,
           by: str | None = None, points: int = LORENZ_POINTS) -> ir.Table:
    """The Lorenz curve: clients from the smallest up, the share of clients (``clients_share``)
    against the share of revenue they bring (``revenue_share``), ``points`` points per group (the
    curve starts at (0, 0), which is not listed)."""
    return curve(client_revenue(revenue, since=since, until=until, by=by), by=by, points=points)


def curve(per_client: ir.Table, *, by: str | None = None, points: int = LORENZ_POINTS) -> ir.Table:
    """:func:`lorenz` of a table of revenue per client."""
    table = ranked(per_client, by)
    upward = table.clients + 1 - table.rank                          # 1 = the smallest client
    below = table.total - table.cumulative + table.revenue           # revenue of it and all smaller
    table = table.mutate(up=upward, below=below, point=(upward * points + table.clients - 1) // table.clients)
    keys = [*([by] if by else []), "point"]
    curve = table.group_by(keys).aggregate(
        clients_share=(table.up.max().cast("float64") / table.clients.max()),
        revenue_share=table.below.max() / table.total.max(),
    )
    return curve.order_by(keys)

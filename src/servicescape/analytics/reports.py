"""The analytics as reports: each runs its pure functions on an engine's tables and returns plain,
JSON-ready figures (what the CLI prints, the API answers, the pages draw and the cache keeps).

Amounts are in the reporting currency, rounded to cents; shares are fractions (0.8 = 80%).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir

from servicescape.analytics import cohorts, concentration, economics, rfm
from servicescape.analytics.engines import Tables
from servicescape.analytics.tables import GROUPINGS

#: the most key accounts, top clients and at-risk clients a report lists
LIST_LIMIT = 100


def _money(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _share(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


def _header(tables: Tables, **period: Any) -> dict[str, Any]:
    return {"engine": tables.engine, "currency": tables.reporting_currency,
            "unconverted_invoices": dict(tables.unconverted),
            **{key: value.isoformat() if isinstance(value, date) else value for key, value in period.items()}}


def _concentration_row(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"clients": int(row["clients"] or 0), "revenue": _money(row["revenue"] or 0.0),
           "gini": _share(row["gini"]), "key_clients": int(row["key_clients"] or 0),
           "key_revenue": _money(row["key_revenue"] or 0.0),
           "top_shares": {str(p): _share(row[f"top_{p}"]) for p in concentration.TOP_PERCENTS}}
    out["key_clients_share"] = _share(out["key_clients"] / out["clients"]) if out["clients"] else None
    return out


def _named(tables: Tables, expr: ir.Table) -> ir.Table:
    names = tables.clients.select("client_id", "name", "tier", "segment", "market")
    return expr.left_join(names, "client_id")


def _group_label(grouping: str, value: Any, package_names: dict[int, str]) -> str | None:
    if value is None:
        return None
    return package_names.get(int(value), str(value)) if grouping == "package" else str(value)


def pareto(tables: Tables, *, since: date | None, until: date, share: float = concentration.KEY_SHARE,
           by: tuple[str, ...] = GROUPINGS, limit: int = LIST_LIMIT) -> dict[str, Any]:
    """Concentration of revenue: overall, per grouping, the Lorenz curve and the key accounts —
    from one pass over the invoices (revenue per client and grouping, kept on the engine)."""
    has_package = "package_id" in tables.revenue.columns and tables.packages is not None
    groupings = tuple(g for g in by if g == "year" or (g == "package" and has_package) or g in tables.clients.columns)
    parts = tables.cache(concentration.revenue_parts(tables.revenue, since=since, until=until,
                                                     by_package="package" in groupings))
    clients = tables.cache(concentration.per_client(parts))
    overall = tables.rows(concentration.summarise(clients, share=share))
    report = _header(tables, since=since, until=until, share=share)
    report["overall"] = _concentration_row(overall[0]) if overall and overall[0]["clients"] else \
        _concentration_row({"clients": 0, "revenue": 0.0, "gini": None, "key_clients": 0, "key_revenue": 0.0,
                            **{f"top_{p}": None for p in concentration.TOP_PERCENTS}})
    report["lorenz"] = [[_share(row["clients_share"]), _share(row["revenue_share"])]
                        for row in tables.rows(concentration.curve(clients))]
    report["by"] = {}
    names = {int(row["package_id"]): row["package"] for row in tables.rows(tables.packages)} \
        if "package" in groupings and tables.packages is not None else {}
    for grouping in groupings:
        per = clients if grouping in ("segment", "market") else parts
        summary = concentration.summarise(concentration.per_client(per, grouping, tables.clients), by=grouping,
                                          share=share)
        rows = tables.rows(summary.order_by(ibis.desc("revenue"), grouping))
        report["by"][grouping] = [{"group": _group_label(grouping, row[grouping], names), **_concentration_row(row)}
                                  for row in rows]
    keys = _named(tables, concentration.key_set(clients, share=share))
    report["key_accounts"] = [
        {"client_id": int(row["client_id"]), "name": row["name"], "tier": row["tier"], "rank": int(row["rank"]),
         "revenue": _money(row["revenue"]), "revenue_share": _share(row["revenue_share"]),
         "cumulative_share": _share(row["cumulative_share"])}
        for row in tables.rows(keys.order_by("rank").limit(limit))]
    tables.forget(parts, clients)
    return report


def rfm_report(tables: Tables, *, as_of: date, compare_to: date | None = None) -> dict[str, Any]:
    """The RFM grid (recency × frequency), the named segments, and — with ``compare_to`` — how
    clients moved between segments from that date to ``as_of``."""
    days = tables.purchase_days(as_of)
    scored = tables.cache(rfm.scores_of_days(days, as_of=as_of))
    report = _header(tables, as_of=as_of, compare_to=compare_to)
    report["grid"] = [{"r": int(row["r"]), "f": int(row["f"]), "clients": int(row["clients"]),
                       "revenue": _money(row["revenue"])} for row in tables.rows(rfm.grid(scored))]
    found = {row["segment"]: row for row in tables.rows(rfm.segments(scored))}
    report["segments"] = [
        {"segment": name, "clients": int(found[name]["clients"]) if name in found else 0,
         "revenue": _money(found[name]["revenue"]) if name in found else 0.0,
         "recency_days": round(float(found[name]["recency"]), 1) if name in found else None,
         "frequency": round(float(found[name]["frequency"]), 2) if name in found else None}
        for name in (*rfm.SEGMENT_NAMES, *(("other",) if "other" in found else ()))]
    report["clients"] = sum(segment["clients"] for segment in report["segments"])
    if compare_to is not None:
        if compare_to >= as_of:
            raise ValueError(f"the movement starts ({compare_to}) on or after it ends ({as_of})")
        before = rfm.scores_of_days(days, as_of=compare_to)
        report["movement"] = [{"from": row["from_segment"], "to": row["to_segment"], "clients": int(row["clients"])}
                              for row in tables.rows(rfm.moves(before, scored))]
    tables.forget(scored)
    return report


def cohort_report(tables: Tables, *, until: date, since_cohort: date | None = None) -> dict[str, Any]:
    """Retention of each monthly cohort: clients and revenue still coming in each later month."""
    rows = tables.rows(cohorts.retention_of_days(tables.purchase_days(until), until=until,
                                                 since_cohort=since_cohort))
    report = _header(tables, until=until, since_cohort=since_cohort)
    grouped: dict[int, dict[str, Any]] = {}
    for row in rows:
        index = int(row["cohort"])
        cohort = grouped.setdefault(index, {"cohort": f"{index // 12:04d}-{index % 12 + 1:02d}",
                                            "size": int(row["size"]), "months": []})
        cohort["months"].append({"offset": int(row["offset"]), "clients": int(row["clients"]),
                                 "retention": _share(row["retention"]), "revenue": _money(row["revenue"]),
                                 "revenue_retention": _share(row["revenue_retention"])})
    report["cohorts"] = [grouped[key] for key in sorted(grouped)]
    return report


def economics_report(tables: Tables, *, as_of: date, acquisition_cost: float | None) -> dict[str, Any]:
    """Retention against acquisition over the last year (see :mod:`servicescape.analytics.economics`)."""
    row = tables.rows(economics.retention_economics(tables.revenue, as_of=as_of))[0]
    counts = {key: int(row[key] or 0) for key in ("previous_clients", "retained_clients", "lost_clients",
                                                   "new_clients")}
    sums = {key: _money(row[key] or 0.0) for key in ("retained_revenue", "lost_revenue", "new_revenue")}
    figures = economics.economics_figures({**counts, **{k: v or 0.0 for k, v in sums.items()}}, acquisition_cost)
    return {**_header(tables, as_of=as_of), **counts, **sums,
            **{key: _money(value) if key.startswith(("revenue_", "five_", "acquisition_cost")) and
               key != "acquisition_cost_share_of_new_revenue" else _share(value)
               for key, value in figures.items()}}

"""The table analytics against figures worked out by hand on small fixtures (the working is in the
comments), on DuckDB; tests/integration/analytics checks that Spark gives the same.

The fixture, in the reporting currency:
    client 1 (segment a): 2025-01-10 100 + 50 (one day: one purchase of 150), 2025-04-10 150
    client 2 (segment a): 2025-02-01 600
    client 3 (segment b): 2025-01-20 60, 2025-02-20 20, 2025-03-20 20
    client 4 (segment b): 2025-03-05 −10 (a credit note only: never a purchase, no revenue)
"""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis
import pytest

from servicescape.analytics import cohorts, concentration, economics, engines, reports, rfm, summary
from servicescape.analytics.engines import Tables

INVOICES = [
    (1, date(2025, 1, 10), 100.0, "a"), (1, date(2025, 1, 10), 50.0, "a"), (1, date(2025, 4, 10), 150.0, "a"),
    (2, date(2025, 2, 1), 600.0, "a"),
    (3, date(2025, 1, 20), 60.0, "b"), (3, date(2025, 2, 20), 20.0, "b"), (3, date(2025, 3, 20), 20.0, "b"),
    (4, date(2025, 3, 5), -10.0, "b"),
]
CLIENTS = [(1, "Tan Holdings", "key", "a", "MY", "active"), (2, "Kovács Kft.", "growth", "a", "HU", "active"),
           (3, "Petrov EOOD", "standard", "b", "BG", "active"), (4, "Lim & Co", "standard", "b", "MY", "lost")]


def make_tables(invoices: list[tuple[Any, ...]], clients: list[tuple[Any, ...]] = CLIENTS) -> Tables:
    backend = ibis.duckdb.from_connection(engines.duckdb_connection())
    revenue = backend.create_table("revenue", ibis.memtable(
        {"client_id": [r[0] for r in invoices], "issued_on": [r[1] for r in invoices],
         "amount": [r[2] for r in invoices], "segment": [r[3] for r in invoices]},
        schema={"client_id": "int64", "issued_on": "date", "amount": "float64", "segment": "string"}))
    names = ("client_id", "name", "tier", "segment", "market", "status")
    table = backend.create_table("clients", ibis.memtable(
        {name: [row[i] for row in clients] for i, name in enumerate(names)},
        schema={"client_id": "int64", "name": "string", "tier": "string", "segment": "string", "market": "string",
                "status": "string"}))
    return Tables("duckdb", backend, revenue, table, None, "EUR")


@pytest.fixture(scope="module")
def tables() -> Tables:
    return make_tables(INVOICES)


def test_concentration_overall(tables: Tables) -> None:
    # revenue > 0: client 2 600, client 1 300, client 3 100 (client 4's credit note leaves it out); S = 1000
    # Gini = (n + 1)/n − 2 Σ rank·x / (n S) = 4/3 − 2 (600 + 600 + 300) / 3000 = 1/3
    # key set at 80%: 2 (nothing before it), 1 (600 before it < 800); 3 has 900 before it
    [row] = tables.rows(concentration.concentration(tables.revenue))
    assert row["clients"] == 3 and row["revenue"] == 1000
    assert row["gini"] == pytest.approx(1 / 3)
    assert (row["key_clients"], row["key_revenue"]) == (2, 900)
    # top 1% and top 20% of 3 clients: ⌈0.03⌉ = ⌈0.6⌉ = 1 client; top 50%: ⌈1.5⌉ = 2 clients
    assert (row["top_1"], row["top_20"], row["top_50"]) == pytest.approx((0.6, 0.6, 0.9))


def test_concentration_by_segment_and_period(tables: Tables) -> None:
    # segment a: 600 and 300 → Gini = 3/2 − 2 (600 + 600)/(2 · 900) = 1/6; both are key (600 < 720)
    rows = {row["segment"]: row for row in tables.rows(concentration.concentration(tables.revenue, by="segment"))}
    assert rows["a"]["gini"] == pytest.approx(1 / 6) and rows["a"]["key_clients"] == 2
    assert rows["b"]["clients"] == 1 and rows["b"]["gini"] == pytest.approx(0.0) and rows["b"]["revenue"] == 100
    # February to March only: client 2 600, client 3 40
    [row] = tables.rows(concentration.concentration(tables.revenue, since=date(2025, 2, 1), until=date(2025, 3, 31)))
    assert (row["clients"], row["revenue"], row["key_clients"]) == (2, 640, 1)
    [year] = tables.rows(concentration.concentration(tables.revenue, by="year"))
    assert year["year"] == 2025 and year["revenue"] == 1000


def test_lorenz_curve_and_key_accounts(tables: Tables) -> None:
    # from the smallest: 3 (100), 1 (300), 2 (600): (1/3, 0.1), (2/3, 0.4), (1, 1)
    curve = tables.rows(concentration.lorenz(tables.revenue))
    assert [r["clients_share"] for r in curve] == pytest.approx([1 / 3, 2 / 3, 1.0])
    assert [r["revenue_share"] for r in curve] == pytest.approx([0.1, 0.4, 1.0])
    keys = tables.rows(concentration.key_accounts(tables.revenue))
    assert [(k["client_id"], k["rank"]) for k in keys] == [(2, 1), (1, 2)]
    assert [k["cumulative_share"] for k in keys] == pytest.approx([0.6, 0.9])


def test_rfm_scores_and_segments(tables: Tables) -> None:
    # on 2025-06-30: client 1 bought 2 days, last 81 days ago, 300; client 2 once, 149 days ago, 600;
    # client 3 three times, 102 days ago, 100. Score = 1 + ⌊5 (2w + k) / 2n⌋ with n = 3, k = 1:
    # w = 0, 1, 2 → 1, 3, 5 (recency: the longest ago is the worst)
    scored = {row["client_id"]: row for row in tables.rows(rfm.scores(tables.revenue, as_of=date(2025, 6, 30)))}
    assert set(scored) == {1, 2, 3}
    assert (scored[1]["recency"], scored[1]["frequency"], scored[1]["monetary"]) == (81, 2, 300)
    assert [(scored[c]["r"], scored[c]["f"], scored[c]["m"]) for c in (1, 2, 3)] == [(5, 3, 3), (1, 1, 5), (3, 5, 1)]
    assert [scored[c]["segment"] for c in (1, 2, 3)] == ["potential_loyalists", "hibernating", "loyal"]


def test_rfm_ties_share_a_score_and_movement(tables: Tables) -> None:
    # on 2025-02-15 everyone bought once (k = 3, w = 0): frequency 1 + ⌊15/6⌋ = 3 for all;
    # recency 36 (client 1), 26 (client 3), 14 (client 2) days → 1, 3, 5
    early = {row["client_id"]: row for row in tables.rows(rfm.scores(tables.revenue, as_of=date(2025, 2, 15)))}
    assert {c: (row["r"], row["f"]) for c, row in early.items()} == {1: (1, 3), 3: (3, 3), 2: (5, 3)}
    moved = tables.rows(rfm.movement(tables.revenue, start=date(2025, 2, 15), end=date(2025, 6, 30)))
    assert [(m["from_segment"], m["to_segment"], m["clients"]) for m in moved] == [
        ("at_risk", "potential_loyalists", 1), ("need_attention", "loyal", 1),
        ("potential_loyalists", "hibernating", 1)]
    grid = tables.rows(rfm.grid(rfm.scores(tables.revenue, as_of=date(2025, 6, 30))))
    assert [(g["r"], g["f"], g["clients"], g["revenue"]) for g in grid] == [(1, 1, 1, 600), (3, 5, 1, 100),
                                                                             (5, 3, 1, 300)]


def test_a_client_who_bought_later_is_new_in_the_movement(tables: Tables) -> None:
    moved = tables.rows(rfm.movement(tables.revenue, start=date(2025, 1, 15), end=date(2025, 6, 30)))
    # by January 15 only client 1 had bought: clients 2 and 3 come from "none"
    new = {m["to_segment"]: m["clients"] for m in moved if m["from_segment"] == "none"}
    assert new == {"hibernating": 1, "loyal": 1}


def test_cohort_retention(tables: Tables) -> None:
    # January cohort: clients 1 and 3 (210 in January); February: client 3 (20); March: client 3 (20);
    # April: client 1 (150). February cohort: client 2. Client 4's credit-note month is no purchase.
    rows = tables.rows(cohorts.retention(tables.revenue))
    january = [(r["offset"], r["size"], r["clients"], r["revenue"]) for r in rows if r["cohort"] == 2025 * 12]
    assert january == [(0, 2, 2, 210), (1, 2, 1, 20), (2, 2, 1, 20), (3, 2, 1, 150)]
    by_offset = {r["offset"]: r for r in rows if r["cohort"] == 2025 * 12}
    assert by_offset[3]["retention"] == 0.5 and by_offset[3]["revenue_retention"] == pytest.approx(150 / 210)
    assert [(r["cohort"], r["size"]) for r in rows if r["cohort"] != 2025 * 12] == [(2025 * 12 + 1, 1)]
    assert tables.rows(cohorts.retention(tables.revenue, since_cohort=date(2025, 2, 1)))[0]["cohort"] == 2025 * 12 + 1


def test_purchase_summary_with_holdout(tables: Tables) -> None:
    # to 2025-03-31: client 1 one purchase (Jan 10: 150), age 80; client 2 one (Feb 1), age 58;
    # client 3 three: x = 2, t_x = 59, T = 70, mean repeat purchase (20 + 20)/2 = 20. After: client 1 once.
    found = summary.with_holdout(summary.purchases(tables.revenue, until=date(2025, 3, 31)), tables.revenue,
                                 until=date(2025, 3, 31), holdout_until=date(2025, 6, 30))
    rows = {r["client_id"]: r for r in tables.rows(found)}
    assert set(rows) == {1, 2, 3}
    pick = ("frequency", "recency", "age", "monetary", "total", "holdout_purchases")
    assert tuple(rows[1][k] for k in pick) == (0, 0, 80, 0, 150, 1)
    assert tuple(rows[2][k] for k in pick) == (0, 0, 58, 0, 600, 0)
    assert tuple(rows[3][k] for k in pick) == (2, 59, 70, 20, 100, 0)


def test_retention_economics() -> None:
    # as of 2025-12-31 the last year is 2025 and the year before 2024: client 1 kept (2024: 100, 2025: 200),
    # client 2 lost (2024: 50), client 3 new (2025: 300), client 4 came back after 2023 (neither)
    found = make_tables([(1, date(2024, 3, 1), 100.0, "a"), (1, date(2025, 3, 1), 200.0, "a"),
                         (2, date(2024, 5, 1), 50.0, "a"), (3, date(2025, 7, 1), 300.0, "b"),
                         (4, date(2023, 1, 1), 10.0, "b"), (4, date(2025, 2, 1), 40.0, "b")])
    report = reports.economics_report(found, as_of=date(2025, 12, 31), acquisition_cost=100.0)
    assert (report["previous_clients"], report["retained_clients"], report["lost_clients"],
            report["new_clients"]) == (2, 1, 1, 1)
    assert (report["retained_revenue"], report["lost_revenue"], report["new_revenue"]) == (200, 50, 300)
    assert report["retention_rate"] == 0.5 and report["revenue_per_retained_client"] == 200
    assert report["retained_value_in_acquisitions"] == 2.0 and report["five_points_more_retention"] == 20
    assert report["acquisition_cost_share_of_new_revenue"] == pytest.approx(1 / 3, abs=1e-6)
    assert economics.economics_figures({"previous_clients": 0, "retained_clients": 0, "new_clients": 0,
                                        "retained_revenue": 0, "new_revenue": 0}, None)["retention_rate"] is None


def test_reports_are_plain_figures(tables: Tables) -> None:
    found = reports.pareto(tables, since=None, until=date(2025, 12, 31), by=("segment", "year", "market"))
    assert found["overall"]["gini"] == pytest.approx(1 / 3, abs=1e-6) and found["overall"]["key_clients_share"]
    assert [k["name"] for k in found["key_accounts"]] == ["Kovács Kft.", "Tan Holdings"]
    assert set(found["by"]) == {"segment", "year", "market"}       # no package_id: no breakdown by package
    assert {row["group"]: row["clients"] for row in found["by"]["market"]} == {"HU": 1, "MY": 1, "BG": 1}
    ranked = reports.rfm_report(tables, as_of=date(2025, 6, 30), compare_to=date(2025, 2, 15))
    assert ranked["clients"] == 3 and len(ranked["segments"]) == len(rfm.SEGMENT_NAMES)
    assert {m["from"] for m in ranked["movement"]} == {"at_risk", "need_attention", "potential_loyalists"}
    months = reports.cohort_report(tables, until=date(2025, 12, 31))
    assert [c["cohort"] for c in months["cohorts"]] == ["2025-01", "2025-02"]


@pytest.mark.parametrize(("call", "missing"), [
    (lambda t: concentration.concentration(t), "'amount'"),
    (lambda t: rfm.scores(t, as_of=date(2025, 1, 1)), "'amount'"),
    (lambda t: cohorts.retention(t), "'amount'"),
    (lambda t: summary.purchases(t, until=date(2025, 1, 1)), "'amount'"),
])
def test_a_missing_column_is_named(call: Any, missing: str) -> None:
    table = ibis.memtable({"client_id": [1], "issued_on": [date(2025, 1, 1)], "total": [1.0]})
    with pytest.raises(ValueError, match=f"no column {missing}"):
        call(table)


def test_bad_arguments_are_refused(tables: Tables) -> None:
    with pytest.raises(ValueError, match="cannot group by 'colour'"):
        concentration.concentration(tables.revenue, by="colour")
    with pytest.raises(ValueError, match="share must be in"):
        concentration.concentration(tables.revenue, share=1.5)
    with pytest.raises(ValueError, match=r"starts .* after it ends"):
        concentration.concentration(tables.revenue, since=date(2025, 2, 1), until=date(2025, 1, 1))
    with pytest.raises(ValueError, match="on or after it ends"):
        rfm.movement(tables.revenue, start=date(2025, 2, 1), end=date(2025, 2, 1))
    with pytest.raises(ValueError, match="holdout period ends"):
        summary.with_holdout(summary.purchases(tables.revenue, until=date(2025, 3, 1)), tables.revenue,
                             until=date(2025, 3, 1), holdout_until=date(2025, 3, 1))

"""The demo generator: deterministic, proportionate, Pareto-shaped, exact money, current history."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from servicescape.clients import rules
from servicescape.demo import firm
from servicescape.demo.catalogue import EUR_RATES
from servicescape.demo.digest import Digest
from servicescape.demo.generator import TABLES, DemoGenerator, DemoSpec
from servicescape.demo.roster import WINDOW_DAYS, Row, package_rows, sequential_ids, staff_rows
from tests.unit.demo.conftest import TODAY, generate


def digest_of(spec: DemoSpec, batch: int = 1000) -> str:
    staff_ids, package_ids = sequential_ids()
    digest = Digest(("staff", "service_package", *TABLES))
    digest.add("staff", staff_rows(staff_ids, None, spec.today))
    digest.add("service_package", package_rows(package_ids, spec.today))
    generator = DemoGenerator(spec, staff_ids=staff_ids, package_ids=package_ids)
    parts: dict[str, list[Row]] = {table: [] for table in TABLES}
    for part in generator.batches(batch):
        for table in TABLES:
            parts[table].extend(part[table])
    for table in TABLES:
        digest.add(table, parts[table])
    return digest.hexdigest()


def top_fifth_share(invoices: list[Row], clients: int) -> Decimal:
    revenue: defaultdict[int, Decimal] = defaultdict(Decimal)
    for invoice in invoices:
        revenue[invoice["client_id"]] += invoice["amount"] * EUR_RATES[invoice["currency"]]
    ranked = sorted(revenue.values(), reverse=True)
    return sum(ranked[: clients // 5], Decimal(0)) / sum(ranked, Decimal(0))


def test_the_same_seed_and_day_give_the_same_firm_whatever_the_batch_size() -> None:
    spec = DemoSpec(clients=150, seed=11, today=TODAY)
    assert digest_of(spec) == digest_of(spec) == digest_of(spec, batch=7)
    assert digest_of(spec) != digest_of(DemoSpec(clients=150, seed=12, today=TODAY))
    assert digest_of(spec) != digest_of(DemoSpec(clients=150, seed=11, today=TODAY + timedelta(days=1)))


def test_a_later_today_moves_the_whole_history_with_it(book: dict[str, list[Row]]) -> None:
    later = generate(DemoSpec(today=TODAY + timedelta(days=30)))
    shift = timedelta(days=30)
    assert [r["occurred_at"] + shift for r in book["interaction"]] == \
        [r["occurred_at"] for r in later["interaction"]]
    assert [r["name"] for r in book["client"]] == [r["name"] for r in later["client"]]


def test_counts_are_in_proportion(book: dict[str, list[Row]]) -> None:
    clients = len(book["client"])
    assert clients == 300
    per_client = {table: len(rows) / clients for table, rows in book.items()}
    assert 1.4 <= per_client["contact"] <= 2.2
    assert 1.5 <= per_client["engagement"] <= 2.2
    assert 2.5 <= per_client["invoice"] <= 3.5
    assert 4.5 <= per_client["interaction"] <= 7.5
    contacts = Counter(r["client_id"] for r in book["contact"])
    assert set(contacts) == {c["id"] for c in book["client"]}
    assert set(contacts.values()) == {1, 2, 3, 4}
    assert {c["id"] for c in book["client"]} == {r["client_id"] for r in book["engagement"]}
    assert {c["id"] for c in book["client"]} == {r["client_id"] for r in book["interaction"]}


def test_a_fifth_of_the_clients_bring_about_four_fifths_of_the_revenue(book: dict[str, list[Row]]) -> None:
    assert Decimal("0.75") <= top_fifth_share(book["invoice"], 300) <= Decimal("0.85")
    for seed in (1, 2, 4, 5, 7):
        other = generate(DemoSpec(clients=300, seed=seed, today=TODAY))
        assert Decimal("0.75") <= top_fifth_share(other["invoice"], 300) <= Decimal("0.85"), seed
    big = generate(DemoSpec(clients=5000, seed=1, today=TODAY), batch=2000)
    assert Decimal("0.77") <= top_fifth_share(big["invoice"], 5000) <= Decimal("0.83")


def test_tiers_follow_revenue_and_some_clients_are_lost(book: dict[str, list[Row]]) -> None:
    tiers = Counter(c["tier"] for c in book["client"])
    assert 0.05 <= tiers["key"] / 300 <= 0.15 and 0.15 <= tiers["growth"] / 300 <= 0.35
    revenue: defaultdict[int, Decimal] = defaultdict(Decimal)
    for invoice in book["invoice"]:
        revenue[invoice["client_id"]] += invoice["amount"] * EUR_RATES[invoice["currency"]]
    mean = {tier: sum(revenue[c["id"]] for c in book["client"] if c["tier"] == tier) / tiers[tier]
            for tier in tiers}
    assert mean["key"] > 3 * mean["growth"] > 3 * mean["standard"]
    lost = [c for c in book["client"] if c["status"] == "lost"]
    assert 0.05 <= len(lost) / 300 <= 0.2
    assert {c["kind"] for c in book["client"]} == {"organisation", "person"}


def test_lost_clients_go_quiet_after_complaints(book: dict[str, list[Row]]) -> None:
    lost = {c["id"] for c in book["client"] if c["status"] == "lost"}
    last: dict[int, Row] = {}
    for note in book["interaction"]:
        if note["client_id"] in lost:
            last[note["client_id"]] = note
    assert set(last) == lost
    recent = datetime.combine(TODAY, datetime.min.time(), UTC) - timedelta(days=20)
    assert all(note["occurred_at"] < recent for note in last.values())
    assert all(e["status"] != "proposed" for e in book["engagement"] if e["client_id"] in lost)


def test_continuity_mostly_the_same_person_sometimes_not(book: dict[str, list[Row]]) -> None:
    same = Counter(e["sold_by_id"] == e["delivered_by_id"] for e in book["engagement"])
    assert same[True] > 2 * same[False] > 0
    left = firm.staff_by_key()["bence"]
    staff_ids, _ = sequential_ids()
    left_on = firm.left_on(left, TODAY)
    assert left_on is not None
    by_left = [e for e in book["engagement"] if staff_ids["bence"] in (e["sold_by_id"], e["delivered_by_id"])]
    assert by_left and all(e["start_date"] < left_on for e in by_left)
    assert all(c["owner_id"] != staff_ids["bence"] for c in book["client"])
    assert all(n["staff_id"] != staff_ids["bence"] or n["occurred_at"].date() < left_on
               for n in book["interaction"])
    assert all(c["owner_id"] != staff_ids["priya"] for c in book["client"])


def test_money_is_exact_to_the_cent(book: dict[str, list[Row]]) -> None:
    for row in book["engagement"] + book["invoice"]:
        amount = row["value"] if "value" in row else row["amount"]
        assert isinstance(amount, Decimal) and amount.as_tuple().exponent == -2 and amount > 0
    billed: defaultdict[int, Decimal] = defaultdict(Decimal)
    for invoice in book["invoice"]:
        billed[invoice["engagement_id"]] += invoice["amount"]
    engagements = {e["id"]: e for e in book["engagement"]}
    completed = [e for e in engagements.values() if e["status"] == "completed"]
    assert completed and all(billed[e["id"]] == e["value"] for e in completed)
    assert all(billed[e["id"]] <= e["value"] for e in engagements.values())
    assert all(engagements[i["engagement_id"]]["currency"] == i["currency"] for i in book["invoice"])
    assert {i["currency"] for i in book["invoice"]} == {"EUR", "MYR", "USD"}


def test_history_covers_three_years_up_to_today(book: dict[str, list[Row]]) -> None:
    midnight = datetime.combine(TODAY, datetime.min.time(), UTC)
    start = midnight - timedelta(days=WINDOW_DAYS + 1)
    moments = [n["occurred_at"] for n in book["interaction"]]
    assert all(m.tzinfo is UTC and start <= m < midnight for m in moments)
    assert min(moments) < start + timedelta(days=60) and max(moments) > midnight - timedelta(days=14)
    years = Counter(m.year for m in moments)
    assert len(years) >= 3
    issued = [i["issued_on"] for i in book["invoice"]]
    assert all(date.fromordinal(TODAY.toordinal() - WINDOW_DAYS) <= d < TODAY for d in issued)
    statuses = Counter(e["status"] for e in book["engagement"])
    assert {"proposed", "active", "completed", "cancelled"} <= set(statuses)
    assert all(e["start_date"] > TODAY for e in book["engagement"] if e["status"] == "proposed")
    assert all(e["end_date"] < TODAY for e in book["engagement"] if e["status"] == "completed")
    for row in (r for rows in book.values() for r in rows):
        assert row["created_at"].tzinfo is UTC and row["created_at"] < midnight


def test_every_channel_and_staff_reference_is_valid(book: dict[str, list[Row]]) -> None:
    staff_ids, package_ids = sequential_ids()
    valid_staff = set(staff_ids.values())
    assert {n["channel"] for n in book["interaction"]} == {"call", "e-mail", "letter", "meeting", "meal", "other"}
    assert {n["staff_id"] for n in book["interaction"]} <= valid_staff
    people = {e["sold_by_id"] for e in book["engagement"]} | {e["delivered_by_id"] for e in book["engagement"]}
    assert people <= valid_staff
    assert {e["package_id"] for e in book["engagement"]} <= set(package_ids.values())
    ids = [r["id"] for r in book["interaction"]]
    assert ids == list(range(1, len(ids) + 1))


def test_first_ids_offset_every_table() -> None:
    staff_ids, package_ids = sequential_ids()
    first = {table: 1000 for table in TABLES}
    rows = next(DemoGenerator(DemoSpec(clients=5, today=TODAY), staff_ids=staff_ids,
                              package_ids=package_ids, first_ids=first).batches())
    assert rows["client"][0]["id"] == 1000 and rows["contact"][0]["client_id"] == 1000
    assert all(r["id"] >= 1000 for table in TABLES for r in rows[table])


def test_a_demo_needs_a_client() -> None:
    with pytest.raises(ValueError, match="at least one client"):
        DemoSpec(today=TODAY, clients=0)


def test_every_row_keeps_the_client_books_rules(monkeypatch: pytest.MonkeyPatch, book: dict[str, list[Row]]) -> None:
    """The demo writes its rows directly (no services), so it is checked against the same rules."""
    monkeypatch.setattr(rules, "utcnow", lambda: datetime.combine(TODAY, datetime.min.time(), UTC))
    kinds = {"client": "clients", "contact": "contacts", "engagement": "engagements", "invoice": "invoices",
             "interaction": "interactions"}
    assert set(kinds) == set(TABLES)
    for table, kind in kinds.items():
        for row in book[table]:
            rules.check(kind, row, creating=True)

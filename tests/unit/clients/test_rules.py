"""The client book's rules as pure functions, and the text limits every caller reads from the tables."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Column, Integer, String, Text

from servicescape.clients import rules
from servicescape.clients.import_rows import TABLES, ReadContext, RowReader
from servicescape.clients.import_values import StaffDirectory
from servicescape.clients.models import Client, Engagement
from servicescape.db.columns import LONG_TEXT, text_limit, text_limits
from servicescape.tabular import FIELDS, map_headers


def broken(kind: str, record: dict[str, object], *, creating: bool = True) -> tuple[str, str]:
    with pytest.raises(rules.RuleBroken) as caught:
        rules.check(kind, record, creating=creating)
    return caught.value.field, caught.value.describe()


def test_required_fields_come_from_the_table() -> None:
    assert broken("clients", {"name": "  "}) == ("name", "name: the name is empty.")
    assert broken("contacts", {}) == ("name", "name: the name is empty.")
    assert broken("invoices", {"issued_on": date(2024, 1, 1), "amount": Decimal(1)}) == (
        "currency", "currency is empty.")
    rules.check("invoices", {"issued_on": date(2024, 1, 1), "amount": Decimal(0), "currency": "EUR"}, creating=True)


def test_engagement_dates_and_what_a_new_engagement_needs() -> None:
    day = date(2024, 3, 1)
    assert broken("engagements", {"description": "x", "start_date": day, "end_date": day - timedelta(days=1)}) == (
        "end_date", "The end date is before the start date.")
    rules.check("engagements", {"description": "x", "start_date": day, "end_date": day}, creating=True)
    assert broken("engagements", {"start_date": day})[0] == "description"
    rules.check("engagements", {"start_date": day}, creating=False)  # only a new engagement needs them
    rules.check("engagements", {"package_id": 3}, creating=True)


def test_an_interaction_needs_a_time_with_a_zone_that_exists_in_utc() -> None:
    assert broken("interactions", {"occurred_at": None}) == ("occurred_at", "occurred_at is empty.")
    assert broken("interactions", {"occurred_at": datetime(2024, 1, 1)})[0] == "occurred_at"
    too_early = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1)))
    assert broken("interactions", {"occurred_at": too_early}) == ("occurred_at", "occurred_at is out of range.")
    rules.check("interactions", {"occurred_at": datetime(2024, 1, 1, tzinfo=UTC)}, creating=True)


def test_a_broken_rule_names_the_field_as_its_caller_calls_it() -> None:
    with pytest.raises(rules.RuleBroken) as caught:
        rules.check("invoices", {"issued_on": date(2024, 1, 1)}, creating=True)
    assert caught.value.describe() == "amount is empty."
    assert caught.value.describe("Total") == "Total is empty."


def test_each_required_field_is_a_rule_of_its_own() -> None:
    """So that the importer, which applies every rule, names each missing field of a row."""
    missing = []
    for each in rules.RULES["invoices"].every_write:
        try:
            each({})
        except rules.RuleBroken as exc:
            missing.append(exc.field)
    assert missing == ["issued_on", "amount", "currency"]


@pytest.mark.parametrize(("custom", "problem"), [
    ({"a\x00b": "x"}, "Custom field 'a\\x00b': the text contains a NUL character (\\x00), which cannot be stored."),
    ({"note": "x\x00"}, "Custom field 'note': the text contains a NUL character (\\x00), which cannot be stored."),
    ({"ok": 1, " ": "x"}, "A custom field needs a name."),
])
def test_custom_fields_are_names_and_text_a_database_can_store(custom: dict[str, object], problem: str) -> None:
    assert broken("clients", {"name": "Tan", "custom_fields": custom}) == ("custom_fields", problem)
    rules.check("clients", {"name": "Tan", "custom_fields": {"=SUM": "+60 12", "n": 1, "b": True, "e": None}},
                creating=True)


def test_text_limits_are_the_columns_own() -> None:
    assert text_limit(Column("a", String(42))) == 42
    assert text_limit(Column("b", Text)) == LONG_TEXT
    assert text_limit(Column("c", Integer)) is None
    limits = text_limits(Client.__table__)  # type: ignore[arg-type]
    assert (limits["name"], limits["city"], limits["email"], limits["external_id"]) == (300, 120, 320, 100)
    assert text_limits(Engagement.__table__)["description"] == LONG_TEXT  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", list(TABLES))
def test_the_importer_reads_every_text_limit_from_the_table(kind: str) -> None:
    headers = map_headers(kind, list(FIELDS[kind]))
    reader = RowReader(kind, headers, ReadContext(ZoneInfo("UTC"), StaffDirectory(), {}, {}, {}), [])
    table = TABLES[kind]
    plain_text = [(column.column, column.limit) for column in reader.columns if column.convert is None]
    assert plain_text, kind
    for name, limit in plain_text:
        assert limit == text_limit(table.c[name]), name
    assert [column.limit for column in reader.refs if column] == ([] if kind == "clients" else [100, 300])

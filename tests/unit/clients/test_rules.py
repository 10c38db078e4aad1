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
    rules.check("interactions", {"occurred_at": datetime(2024, 1, 1, tzinfo=UTC), "summary": "Call"}, creating=True)


def test_money_is_never_negative_and_in_a_currency_in_use() -> None:
    invoice = {"issued_on": date(2024, 1, 1), "amount": Decimal("-250"), "currency": "MYR"}
    assert broken("invoices", invoice) == (
        "amount", "amount: an invoice cannot be negative (credit notes are not supported yet).")
    rules.check("invoices", {**invoice, "amount": Decimal(0)}, creating=True)  # odd, but harmless
    assert broken("invoices", {**invoice, "amount": Decimal(1), "currency": "XYZ"}) == (
        "currency", "currency: XYZ is not a currency in use; use an ISO 4217 code such as EUR or MYR.")
    assert broken("invoices", {**invoice, "amount": Decimal(1), "currency": "DEM"})[0] == "currency"  # no longer used
    engagement = {"description": "Audit", "value": Decimal("-5000"), "currency": "EUR"}
    assert broken("engagements", engagement) == (
        "value", "value: the value of an engagement cannot be negative.")
    assert broken("engagements", {**engagement, "value": Decimal(5000), "currency": "XYZ"})[0] == "currency"
    rules.check("engagements", {**engagement, "value": Decimal(0)}, creating=True)
    rules.check("engagements", {"description": "Audit", "value": None, "currency": None}, creating=True)


@pytest.mark.parametrize("address", [
    "office@client.example", "o'brien+invoices@mail.example.ie", "Tan.Wei-Jie@Firm.COM.MY", "josé@exämple.de",
    "用户@例子.广告", "उपयोगकर्ता@उदाहरण.भारत", "info@xn--p1ai.xn--p1ai", "a_b@sub-domain.example",
])
def test_real_world_addresses_are_well_formed(address: str) -> None:
    assert rules.email_address(address) == address
    for kind in ("clients", "contacts"):
        rules.check(kind, {"name": "Tan", "email": address}, creating=True)


@pytest.mark.parametrize("address", [
    "bad@@mail", "bad@mail", "two words@mail.example", "name@mail .example", "name@mail..example", "name@-mail.example",
    "name@mail.example.", "@mail.example", "name@", "name@mail.c", "name@192.168.1.1", "Tan <tan@mail.example>",
    "a@b.example,c@d.example", "name@mail_server.example",
])
def test_typing_slips_are_not_addresses(address: str) -> None:
    assert rules.email_address(address) is None
    for kind in ("clients", "contacts"):
        assert broken(kind, {"name": "Tan", "email": address}) == (
            "email", "email: the address is not valid; write it as name@example.com.")


def test_an_address_is_written_without_mailto_and_spaces_around() -> None:
    assert rules.email_address("  mailto:Info@Firm.example ") == "Info@Firm.example"
    assert broken("clients", {"name": "Tan", "email": "mailto:info@firm.example"})[0] == "email"  # stored as tidied


@pytest.mark.parametrize(("typed", "stored"), [
    ("example.com", "https://example.com"),
    ("www.example.com/about?lang=ms#team", "https://www.example.com/about?lang=ms#team"),
    ("example.com:8080", "https://example.com:8080"),
    ("http://example.com", "http://example.com"),
    ("HTTPS://Example.COM/Path", "HTTPS://Example.COM/Path"),
    (" https://münchen.example/ ", "https://münchen.example/"),
    ("htp:/bad site", None), ("http:/example.com", None), ("ftp://example.com", None), ("mailto:a@example.com", None),
    ("https://example.com/a b", None), ("localhost", None), ("http://192.168.1.10", None), ("https://user:pw@x.example",
                                                                                             None),
])
def test_a_web_address_is_http_or_https_with_a_host(typed: str, stored: str | None) -> None:
    assert rules.web_address(typed) == stored
    if stored is not None:
        rules.check("clients", {"name": "Tan", "website": stored}, creating=True)
    # the rule holds the stored form: what a person types is tidied first (the services, the importer)
    if stored != typed:
        assert broken("clients", {"name": "Tan", "website": typed}) == (
            "website", "website: the web address is not valid; write it as example.com or https://example.com.")


def test_an_interaction_has_happened_and_says_what(monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    monkeypatch.setattr(rules, "utcnow", lambda: now)
    record = {"occurred_at": now, "summary": "Agreed on a named deputy."}
    rules.check("interactions", record, creating=True)
    rules.check("interactions", {**record, "occurred_at": now + timedelta(hours=23)}, creating=True)  # clocks differ
    ahead = datetime(2026, 3, 3, 8, tzinfo=ZoneInfo("Asia/Kuala_Lumpur"))  # 00:00 UTC: 36 hours ahead
    assert broken("interactions", {**record, "occurred_at": ahead}) == (
        "occurred_at", "occurred_at is in the future: an interaction records contact that has happened (plan "
                       "what is to come as a task).")
    assert broken("interactions", {**record, "occurred_at": datetime(2099, 1, 1, tzinfo=UTC)})[0] == "occurred_at"
    for empty in (None, "", "  \n "):
        assert broken("interactions", {**record, "summary": empty}) == (
            "summary", "summary: an interaction needs a few words on what happened.")


def test_a_broken_rule_becomes_a_validation_failure_a_form_can_word_with_its_label() -> None:
    with pytest.raises(rules.RuleBroken) as caught:
        rules.check("invoices", {"issued_on": date(2024, 1, 1), "amount": Decimal(-1), "currency": "EUR"},
                    creating=True)
    failure = caught.value.failure()
    assert (failure.field, failure.message) == ("amount", caught.value.describe())
    assert failure.naming is not None and failure.naming("Total") == (
        "Total: an invoice cannot be negative (credit notes are not supported yet).")
    with pytest.raises(rules.RuleBroken) as caught:
        rules.check("engagements", {"description": "x", "start_date": date(2024, 3, 2), "end_date": date(2024, 3, 1)},
                    creating=True)
    assert caught.value.failure().naming is None  # the message does not name the field: a form adds its label


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

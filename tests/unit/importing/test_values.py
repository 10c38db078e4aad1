"""The importer's spellings, staff look-up and cell converters (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from servicescape.clients import import_cells as cells
from servicescape.clients.import_values import (
    AMBIGUOUS,
    CHANNEL,
    CLIENT_KIND,
    CLIENT_STATUS,
    ENGAGEMENT_STATUS,
    TIER,
    StaffDirectory,
    lookup_word,
    tier_display_names,
    word_key,
)


@pytest.mark.parametrize(("text", "tier"), [
    ("Key account", "key"), ("KEY-ACCOUNT", "key"), ("A", "key"), ("tier 1", "key"), ("Gold", "key"),
    ("b", "growth"), ("Tier 2", "growth"), ("Silver", "growth"), ("C", "standard"), ("3", "standard"),
    ("Standard", "standard"), ("Diamond", None),
])
def test_tier_spellings(text: str, tier: str | None) -> None:
    assert lookup_word(TIER, text) == tier


def test_the_firms_own_tier_names_count_too() -> None:
    extra = tier_display_names({"key": "Platinum club", "growth": "Rising", "standard": "Core"})
    assert lookup_word(TIER, "platinum CLUB", extra) == "key" and lookup_word(TIER, "rising", extra) == "growth"


@pytest.mark.parametrize(("table", "text", "value"), [
    (CLIENT_KIND, "Company", "organisation"), (CLIENT_KIND, "Customer - Direct", "organisation"),
    (CLIENT_KIND, "Individual", "person"), (CLIENT_KIND, "magánszemély", "person"),
    (CLIENT_STATUS, "lead", "active"), (CLIENT_STATUS, "Closed lost", "lost"), (CLIENT_STATUS, "Churned", "lost"),
    (ENGAGEMENT_STATUS, "Closed Won", "active"), (ENGAGEMENT_STATUS, "Proposal/Price Quote", "proposed"),
    (ENGAGEMENT_STATUS, "Closed Lost", "cancelled"), (ENGAGEMENT_STATUS, "Done", "completed"),
    (CHANNEL, "Email", "e-mail"), (CHANNEL, "Phone call", "call"), (CHANNEL, "Lunch", "meal"),
    (CHANNEL, "Visit", "meeting"), (CHANNEL, "Post", "letter"), (CHANNEL, "WhatsApp", "other"),
])
def test_choice_spellings(table: dict[str, str], text: str, value: str) -> None:
    assert lookup_word(table, text) == value


def test_word_key_ignores_case_spacing_punctuation_and_accents() -> None:
    assert word_key("Closed - Won") == word_key("closedwon") == "closedwon"
    assert word_key("Magánszemély") == "maganszemely"


def test_staff_by_email_or_name_and_shared_names() -> None:
    staff = StaffDirectory.of([(1, "Li Na", "li@firm.test"), (2, "Tan  Wei", "tan@firm.test"),
                               (3, "Tan Wei", "wei@firm.test")])
    assert staff.find("LI@FIRM.TEST") == 1 and staff.find(" li na ") == 1
    assert staff.find("Tan Wei") == AMBIGUOUS and staff.find("wei@firm.test") == 3
    assert staff.find("Nobody") is None


def test_email_converter_keeps_good_addresses_and_warns_about_others() -> None:
    convert, row = cells.email("E-mail"), cells.RowState()
    assert convert("Office@Tan.example", row) == "Office@Tan.example"
    assert convert("mailto:a@b.example", row) == "a@b.example"
    assert convert("not an address", row) is None and convert("a@b", row) is None
    assert row.warnings[0] == "E-mail: 'not an address' does not look like an e-mail address; it was left empty."


def test_money_converter_keeps_four_places_and_finds_the_currency() -> None:
    convert, row = cells.money("Total"), cells.RowState()
    assert convert("€ 1.234,5678", row) == Decimal("1234.5678") and row.currency_in_amount == "EUR"
    assert convert(0.1, row) == Decimal("0.1")
    assert convert("12.34000", row) == Decimal("12.34")
    with pytest.raises(cells.RowRejected, match="more than 4 decimal places"):
        convert("0.00001", row)
    with pytest.raises(cells.RowRejected, match="too large"):
        convert("10000000000000.01", row)
    with pytest.raises(cells.RowRejected, match="Total: not an amount"):
        convert("abc", row)


def test_currency_converter() -> None:
    convert, row = cells.currency("Currency"), cells.RowState()
    assert convert("eur", row) == "EUR" and convert("лв.", row) == "BGN" and convert("RM", row) == "MYR"
    with pytest.raises(cells.RowRejected, match="not a currency"):
        convert("dollars", row)


def test_dates_and_moments_are_cached_and_rejected_with_their_column() -> None:
    day = cells.day("Invoice date", dayfirst=True)
    assert day("03/05/2024", cells.RowState()) == date(2024, 5, 3)
    assert day(45356, cells.RowState()) == date(2024, 3, 5)
    with pytest.raises(cells.RowRejected, match="Invoice date: not a valid date"):
        day("31.02.2024", cells.RowState())
    with pytest.raises(cells.RowRejected):
        day("31.02.2024", cells.RowState())  # the cached rejection is raised again
    moment = cells.moment("When", dayfirst=False, zone=ZoneInfo("Asia/Kuala_Lumpur"))
    assert moment("2024-03-05 10:00", cells.RowState()) == datetime(2024, 3, 5, 2, tzinfo=UTC)


def test_unknown_countries_and_staff() -> None:
    country = cells.country("Country")
    assert country("Magyarország", cells.RowState()) == "HU"
    with pytest.raises(cells.RowRejected, match="Country: unknown country: 'Atlantis'"):
        country("Atlantis", cells.RowState())
    row = cells.RowState()
    assert cells.staff("Owner", StaffDirectory.of([(1, "Li Na", "li@x.test")]))("Ghost", row) is None
    assert row.warnings == ["Owner: no staff member has the name or e-mail 'Ghost'; it was left empty."]


def test_ambiguous_date_examples() -> None:
    assert cells.ambiguous_dates(["25/12/2024", "03/05/2024 10:00"]) == "03/05/2024 10:00"
    assert cells.ambiguous_dates(["05.03.2024", "2024/03/05", "03/03/2024"]) is None

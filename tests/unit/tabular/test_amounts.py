"""parse_decimal and parse_currency on amounts as people type them."""

import re
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from servicescape.tabular import TabularError, parse_currency, parse_decimal


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1234.56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1\u202f234,56", "1234.56"),
        ("1'234.56", "1234.56"),
        ("1\u2019234.56", "1234.56"),
        ("-12,5", "-12.5"),
        ("(12.50)", "-12.50"),
        ("12.50-", "-12.50"),
        ("\u221212.50", "-12.50"),
        ("€ 1.234,50", "1234.50"),
        ("1 234,50 Ft", "1234.50"),
        ("RM 1,200.00", "1200.00"),
        ("RM1,200.00", "1200.00"),
        ("12,50 лв.", "12.50"),
        ("12,50 лв", "12.50"),
        ("¥1,234", "1234"),
        ("1,234元", "1234"),
        ("NT$45,000", "45000"),
        ("HK$8,800.00", "8800.00"),
        ("HUF 1 234", "1234"),
        ("-€12.50", "-12.50"),
        ("€-12.50", "-12.50"),
        ("(€ 12.50)", "-12.50"),
        ("12 eur", "12"),
        ("12,345", "12345"),
        ("-12,345", "-12345"),
        ("0,123", "0.123"),
        ("1234,567", "1234.567"),
        ("1 234,567", "1234.567"),
        ("1.234", "1.234"),
        ("1.234.567", "1234567"),
        ("1,234,567", "1234567"),
        ("1.234.567,89", "1234567.89"),
        ("1,23,456.78", "123456.78"),
        (",5", "0.5"),
        ("  7 ", "7"),
        ("+5", "5"),
    ],
)
def test_formatted_text(text: str, amount: str) -> None:
    parsed = parse_decimal(text)
    assert parsed == Decimal(amount)
    assert str(parsed) == amount


@pytest.mark.parametrize(
    ("value", "amount"),
    [(5, "5"), (0.1, "0.1"), (1.1 + 2.2, "3.3000000000000003"), (1e16, "1E+16"), (Decimal("12.50"), "12.50")],
)
def test_numbers(value: object, amount: str) -> None:
    assert str(parse_decimal(value)) == amount  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "not an amount: 'abc'"),
        ("", "not an amount: ''"),
        ("12abc", "not an amount: '12abc'"),
        ("1,2,3", "not an amount: '1,2,3' (digit groups are not in threes)"),
        ("12 34", "not an amount: '12 34' (digit groups are not in threes)"),
        ("1.234,567.89", "not an amount: '1.234,567.89'"),
        ("€ 12 USD", "not an amount: '€ 12 USD' names two currencies"),
        ("((1))", "not an amount: '((1))'"),
        ("(12", "not an amount: '(12'"),
        ("--1", "not an amount: '--1'"),
        ("1e5", "not an amount: '1e5'"),
        (None, "not an amount: None"),
        (True, "not an amount: True"),
        (float("nan"), "not an amount: nan"),
        (Decimal("Infinity"), "not an amount: Decimal('Infinity')"),
    ],
)
def test_garbage_is_refused_with_the_value(value: object, message: str) -> None:
    with pytest.raises(TabularError) as caught:
        parse_decimal(value)  # type: ignore[arg-type]
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("€ 1.234,50", "EUR"),
        ("RM 1,200.00", "MYR"),
        ("12,50 лв.", "BGN"),
        ("1 234 Ft", "HUF"),
        ("¥12", "CNY"),
        ("12元", "CNY"),
        ("NT$45,000", "TWD"),
        ("HK$8,800", "HKD"),
        ("$5", "USD"),
        ("£5", "GBP"),
        ("HUF 1 234", "HUF"),
        ("12 eur", "EUR"),
        ("EUR", "EUR"),
        ("лв", "BGN"),
        ("rm", "MYR"),
        ("1,234.56", None),
        ("12 XYZ", None),
        ("", None),
    ],
)
def test_currency_codes(text: str, code: str | None) -> None:
    assert parse_currency(text) == code


def test_currency_of_a_number_is_none() -> None:
    assert parse_currency(12.5) is None


GROUPS = ["", ",", ".", " ", "\u00a0", "\u202f", "'"]


def render(units: int, places: int, group: str, mark: str) -> str:
    """``units`` × 10^-places written with ``group`` between thousands and ``mark`` before decimals."""
    digits = str(abs(units)).rjust(places + 1, "0")
    whole, fraction = digits[: len(digits) - places], digits[len(digits) - places :]
    groups = [whole[max(0, end - 3) : end] for end in range(len(whole), 0, -3)][::-1]
    return ("-" if units < 0 else "") + group.join(groups) + (mark + fraction if places else "")


def test_render_writes_what_the_property_expects() -> None:
    assert render(-123456789, 2, ".", ",") == "-1.234.567,89"
    assert render(5, 3, " ", ",") == "0,005"


@given(
    units=st.integers(min_value=-(10**15), max_value=10**15),
    places=st.integers(min_value=0, max_value=4),
    group=st.sampled_from(GROUPS),
    mark=st.sampled_from([".", ","]),
    symbol=st.sampled_from(["", "€ ", "RM ", "NT$", "¥", " Ft", " лв.", " HUF"]),
)
def test_formatted_decimals_parse_back(units: int, places: int, group: str, mark: str, symbol: str) -> None:
    assume(group != mark)
    text = render(units, places, group, mark)
    # The documented ambiguities: a lone comma before exactly three digits is a thousands
    # separator, and a lone point is always a decimal one.
    assume(not re.fullmatch(r"-?[1-9][0-9]{0,2},[0-9]{3}", text))
    assume(not re.fullmatch(r"-?[0-9]{1,3}\.[0-9]{3}", text) or mark == ".")
    text = text + symbol if symbol.startswith(" ") else symbol + text
    assert parse_decimal(text) == Decimal(units).scaleb(-places)

"""clean_text, parse_bool and normalise_country."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from servicescape.tabular import TabularError, clean_text, normalise_country, parse_bool


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        ("", None),
        ("  \r\n ", None),
        ("  Kővári  ", "Kővári"),
        ("line one\r\nline two\rline three", "line one\nline two\nline three"),
        (60123456789.0, "60123456789"),
        (60123456789, "60123456789"),
        (-5.0, "-5"),
        (12.5, "12.5"),
        (1e20, "1e+20"),
        (Decimal("1E+3"), "1000"),
        (Decimal("12.50"), "12.50"),
        (True, "TRUE"),
        (False, "FALSE"),
        (datetime(2024, 3, 5), "2024-03-05"),
        (datetime(2024, 3, 5, 9, 30), "2024-03-05T09:30:00"),
        (date(2024, 3, 5), "2024-03-05"),
    ],
)
def test_clean_text(value: object, text: str | None) -> None:
    assert clean_text(value) == text  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value", [True, 1, 1.0, Decimal(1), "yes", " Y ", "TRUE", "x", "✓", "igen", "Ya", "да", "是", "對", "1"]
)
def test_true_values(value: object) -> None:
    assert parse_bool(value) is True  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [False, 0, 0.0, "no", "N", "false", "nem", "tidak", "не", "否", "不是", "0", "off"])
def test_false_values(value: object) -> None:
    assert parse_bool(value) is False  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["maybe", "", None, 2, date(2024, 1, 1)])
def test_other_values_are_not_yes_or_no(value: object) -> None:
    with pytest.raises(TabularError, match=r"^not a yes/no value: "):
        parse_bool(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("MY", "MY"),
        ("my", "MY"),
        ("MYS", "MY"),
        ("twn", "TW"),
        ("Malaysia", "MY"),
        ("  malaysia ", "MY"),
        ("Hong Kong", "HK"),
        ("Hong Kong SAR China", "HK"),
        ("Taiwan", "TW"),
        ("United States", "US"),
        ("United States of America", "US"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("UK", "GB"),
        ("United Kingdom", "GB"),
        ("Magyarország", "HU"),
        ("MAGYARORSZAG", "HU"),
        ("Hungary", "HU"),
        ("Hongkong", "HK"),
        ("Malajzia", "MY"),
        ("България", "BG"),
        ("Bulgaria", "BG"),
        ("Унгария", "HU"),
        ("Китай", "CN"),
        ("中国", "CN"),
        ("中國", "CN"),
        ("臺灣", "TW"),
        ("台灣", "TW"),
        ("台湾", "TW"),
        ("香港", "HK"),
        ("中国香港特别行政区", "HK"),
        ("美国", "US"),
        ("Amerika Syarikat", "US"),
        ("Bosnia and Herzegovina", "BA"),
        ("Côte d’Ivoire", "CI"),
        ("Cote dIvoire", "CI"),
        ("The Netherlands", "NL"),
        ("Myanmar", "MM"),
        ("St Lucia", "LC"),
        ("Korea", "KR"),
    ],
)
def test_country_names_and_codes(text: str, code: str) -> None:
    assert normalise_country(text) == code


@pytest.mark.parametrize("value", [None, "", "   "])
def test_empty_country_is_none(value: str | None) -> None:
    assert normalise_country(value) is None


@pytest.mark.parametrize("text", ["Atlantis", "EU", "ZZ", "Конго"])
def test_unknown_or_ambiguous_countries_are_refused(text: str) -> None:
    with pytest.raises(TabularError) as caught:
        normalise_country(text)
    assert str(caught.value) == (
        f"unknown country: {text!r}; use an ISO code such as MY, BG, CN, TW, HK or HU, or the country's name"
    )

"""parse_date, parse_datetime and infer_dayfirst on the date formats CRMs and people use."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicescape.tabular import TabularError, infer_dayfirst, parse_date, parse_datetime

BUDAPEST = ZoneInfo("Europe/Budapest")
MARCH_5 = date(2024, 3, 5)


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-05",
        "2024-03-05T10:00",
        "2024-03-05 23:59:59",
        "2024-03-05T10:00:00+08:00",
        "05.03.2024",
        "5.3.2024",
        "05.03.24",
        "2024.03.05",
        "2024. 03. 05.",
        "2024.3.5.",
        "2024/03/05",
        "2024/3/5",
        "2024-3-5",
        "03/05/2024",
        "3/5/24",
        "2024年3月5日",
        "2024 年 3 月 5 日",
        "20240305",
        "45356",
        "45356.99",
        45356,
        45356.75,
        Decimal("45356"),
        "5 Mar 2024",
        "05-Mar-2024",
        "5 March 2024",
        "Mar 5, 2024",
        "March 5th, 2024",
        datetime(2024, 3, 5, 22, 30),
        MARCH_5,
    ],
)
def test_formats_that_mean_the_fifth_of_march(value: object) -> None:
    assert parse_date(value) == MARCH_5  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "month_first", "day_first"),
    [
        ("03/05/2024", date(2024, 3, 5), date(2024, 5, 3)),
        ("05-03-2024", date(2024, 5, 3), date(2024, 3, 5)),
        ("13/05/2024", date(2024, 5, 13), date(2024, 5, 13)),
        ("05/13/2024", date(2024, 5, 13), date(2024, 5, 13)),
        ("05.03.2024", date(2024, 3, 5), date(2024, 3, 5)),
    ],
)
def test_dayfirst_decides_only_ambiguous_slash_dates(text: str, month_first: date, day_first: date) -> None:
    assert (parse_date(text), parse_date(text, dayfirst=True)) == (month_first, day_first)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("05.03.69", date(2069, 3, 5)), ("05.03.70", date(1970, 3, 5)), ("1/2/99", date(1999, 1, 2))],
)
def test_two_digit_years_pivot_at_70(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, date(1899, 12, 31)), (61, date(1900, 3, 1)), (2958465, date(9999, 12, 31)), ("1", date(1899, 12, 31))],
)
def test_excel_serial_numbers(value: object, expected: date) -> None:
    assert parse_date(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31.02.2024", "not a valid date: '31.02.2024'"),
        ("2024-13-01", "not a valid date: '2024-13-01'"),
        ("2024-02-30T10:00", "not a valid date: '2024-02-30T10:00'"),
        ("13/13/2024", "not a valid date: '13/13/2024'"),
        ("2024年2月30日", "not a valid date: '2024年2月30日'"),
        ("29.02.2023", "not a valid date: '29.02.2023'"),
        ("banana", "not a date: 'banana'"),
        ("", "not a date: ''"),
        ("2024-03-05 and more", "not a date: '2024-03-05 and more'"),
        ("5 Foo 2024", "not a date: '5 Foo 2024'"),
        ("0", "not a date: '0' (Excel day numbers run 1 to 2958465)"),
        (2958466, "not a date: 2958466 (Excel day numbers run 1 to 2958465)"),
        (None, "not a date: None"),
        (True, "not a date: True"),
    ],
)
def test_impossible_and_garbage_dates_name_the_value(value: object, message: str) -> None:
    with pytest.raises(TabularError) as caught:
        parse_date(value)  # type: ignore[arg-type]
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        (["01/02/2024", "13/02/2024"], True),
        (["01/02/2024", "01/13/2024"], False),
        (["01/02/2024", "03/04/2024"], None),
        (["13/01/2024", "01/13/2024"], None),
        (["2024/13/01", "13.01.2024", "", "n/a"], None),
        (["25-12-2024 10:00"], True),
        ([], None),
    ],
)
def test_infer_dayfirst(samples: list[str], expected: bool | None) -> None:
    assert infer_dayfirst(samples) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05 10:00", datetime(2024, 3, 5, 9, 0, tzinfo=UTC)),
        ("2024-07-05 10:00", datetime(2024, 7, 5, 8, 0, tzinfo=UTC)),
        ("2024-03-05T10:00:00Z", datetime(2024, 3, 5, 10, 0, tzinfo=UTC)),
        ("2024-03-05T10:00:00+08:00", datetime(2024, 3, 5, 2, 0, tzinfo=UTC)),
        ("2024-03-05", datetime(2024, 3, 4, 23, 0, tzinfo=UTC)),
        ("05.03.2024 10:30", datetime(2024, 3, 5, 9, 30, tzinfo=UTC)),
        ("2024. 03. 05. 8:00", datetime(2024, 3, 5, 7, 0, tzinfo=UTC)),
        ("03/05/2024 2:15 PM", datetime(2024, 3, 5, 13, 15, tzinfo=UTC)),
        ("03/05/2024 12:15 am", datetime(2024, 3, 4, 23, 15, tzinfo=UTC)),
        ("5.3.2024 23:59:59.5 +0100", datetime(2024, 3, 5, 22, 59, 59, 500000, tzinfo=UTC)),
        ("2024年3月5日 10:00 UTC", datetime(2024, 3, 5, 10, 0, tzinfo=UTC)),
        ("45356.75", datetime(2024, 3, 5, 17, 0, tzinfo=UTC)),
        (45356.5, datetime(2024, 3, 5, 11, 0, tzinfo=UTC)),
        (datetime(2024, 3, 5, 10, 0), datetime(2024, 3, 5, 9, 0, tzinfo=UTC)),
        (datetime(2024, 3, 5, 10, 0, tzinfo=timezone(timedelta(hours=2))), datetime(2024, 3, 5, 8, 0, tzinfo=UTC)),
        (date(2024, 3, 5), datetime(2024, 3, 4, 23, 0, tzinfo=UTC)),
    ],
)
def test_parse_datetime_returns_aware_utc(value: object, expected: datetime) -> None:
    parsed = parse_datetime(value, dayfirst=False, tz=BUDAPEST)  # type: ignore[arg-type]
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize("text", ["05.03.2024 25:00", "05.03.2024 13:00 PM", "2024-03-05T10:61"])
def test_impossible_times_are_refused(text: str) -> None:
    with pytest.raises(TabularError, match="not a valid"):
        parse_datetime(text, dayfirst=False, tz=BUDAPEST)


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)))
def test_every_written_form_of_a_date_parses_back(day: date) -> None:
    written = [
        day.isoformat(),
        f"{day.day:02d}.{day.month:02d}.{day.year}",
        f"{day.year}. {day.month:02d}. {day.day:02d}.",
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.day}/{day.month}/{day.year}",
        str((day - date(1899, 12, 30)).days),
    ]
    parsed = [parse_date(text, dayfirst=True) for text in written]
    assert parsed == [day] * len(written)

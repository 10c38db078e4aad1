"""The results pages' numbers written without Babel's pattern machinery: exactly what Babel writes, in
each language of the product, for every kind of value (signs, rounding halves, zero below zero)."""

import random

import pytest
from babel.numbers import format_decimal

from servicescape.quality.page_charts import NONE, Numbers

LOCALES = ["en", "ms", "bg", "zh_Hans_CN", "zh_Hant_TW", "hu"]
VALUES = [-0.0, 0.0, -0.001, 0.005, -0.005, 0.125, 2.675, -3.5, 1e6, -1234567.891] + \
    [random.Random(seed).uniform(-5000, 5000) for seed in range(400)] + \
    [random.Random(seed).uniform(-3, 3) for seed in range(400, 800)]


@pytest.mark.parametrize("locale", LOCALES)
def test_as_babel_writes_them(locale: str) -> None:
    numbers = Numbers(locale)
    for value in VALUES:
        assert numbers.gap(value) == format_decimal(round(value, 2), format="#,##0.00", locale=locale), value
        assert numbers.score(value) == format_decimal(round(value, 1), format="#,##0.0", locale=locale), value
    assert numbers.gap(None) == numbers.score(None) == numbers.interval(None, 1.0) == NONE


def test_in_hungarian() -> None:
    assert Numbers("hu").gap(-1234.567) == "-1\xa0234,57"
    assert Numbers("hu").interval(-0.25, 1.5) == "-0,25 to 1,50"

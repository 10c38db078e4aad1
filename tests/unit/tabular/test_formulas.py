"""The formula-injection defence round-trips every string exactly."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from servicescape.tabular import neutralise, restore
from servicescape.tabular.formulas import is_plain_number

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=SUM(A1:A3)", "'=SUM(A1:A3)"),
        ("+36 1 234 5678", "'+36 1 234 5678"),
        ("-12.50", "-12.50"),
        ("+5", "+5"),
        ("-1e5", "-1e5"),
        ("-", "'-"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),
        ("''x", "''x"),
        ("'hello", "'hello"),
        ("Kővári", "Kővári"),
        ("", ""),
        (" =1", " =1"),
        ("-١٢", "'-١٢"),
    ],
)
def test_neutralise_examples(text: str, safe: str) -> None:
    assert neutralise(text) == safe
    assert restore(safe) == text


@pytest.mark.parametrize(
    ("text", "plain"), [("-12.50", True), ("12.", True), (".5", True), ("1,5", False), ("", False)]
)
def test_plain_numbers(text: str, plain: bool) -> None:
    assert is_plain_number(text) is plain


text_near_formulas = st.text(alphabet=st.sampled_from("'=+-@\t\r0123456789.eE ax"), max_size=12) | st.text()


@given(text_near_formulas)
@example("'-5")
@example("''=")
@example("-5")
def test_restore_undoes_neutralise(text: str) -> None:
    assert restore(neutralise(text)) == text


@given(text_near_formulas)
def test_neutralised_text_never_starts_a_formula_unless_a_plain_number(text: str) -> None:
    safe = neutralise(text)
    assert not safe.startswith(DANGEROUS) or is_plain_number(text)

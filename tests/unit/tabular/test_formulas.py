"""The formula-injection defence round-trips every string exactly, and guards only what a
spreadsheet would read as a formula (numbers and phone numbers are left as they are)."""

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from servicescape.tabular import neutralise, restore
from servicescape.tabular.formulas import is_inert, is_plain_number

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=SUM(A1:A3)", "'=SUM(A1:A3)"),
        ("+36 1 234 5678", "+36 1 234 5678"),
        ("+60 12-345 6789", "+60 12-345 6789"),
        ("+1 (555) 010-2030", "+1 (555) 010-2030"),
        ("+44 (0)20 7946 0958", "+44 (0)20 7946 0958"),
        ("+49 30/123 4567", "+49 30/123 4567"),
        ("-5", "-5"),
        ("+60-12-3456789", "'+60-12-3456789"),
        ("+1-1", "'+1-1"),
        ("+1 - 2", "'+1 - 2"),
        ("+1 -2", "'+1 -2"),
        ("+1 2+3", "'+1 2+3"),
        ("+1 (2)*3", "'+1 (2)*3"),
        ("+60 12 345 A1", "'+60 12 345 A1"),
        ("+1 2,3", "'+1 2,3"),
        ("+60  12", "'+60  12"),
        ("-1 234,56", "'-1 234,56"),
        ("=1 2", "'=1 2"),
        ("@1 2", "'@1 2"),
        ("'+60 12 345", "''+60 12 345"),
        ("-12.50", "-12.50"),
        ("+5", "+5"),
        ("-1e5", "-1e5"),
        ("-", "'-"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),
        ("'-5", "''-5"),
        ("'+60 12-345 6789", "''+60 12-345 6789"),
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


@pytest.mark.parametrize("text", ["'-5", "'+5", "'-1e5", "'hello", "'"])
def test_restore_keeps_an_apostrophe_no_export_adds(text: str) -> None:
    assert restore(text) == text  # the export writes -5, not '-5: this apostrophe is the text's own


def test_restore_reads_phone_numbers_from_exports_that_guarded_them() -> None:
    assert restore("'+60 12-345 6789") == "+60 12-345 6789"


@pytest.mark.parametrize(
    ("text", "plain"), [("-12.50", True), ("12.", True), (".5", True), ("1,5", False), ("", False)]
)
def test_plain_numbers(text: str, plain: bool) -> None:
    assert is_plain_number(text) is plain


text_near_formulas = st.text(alphabet=st.sampled_from("'=+-@\t\r0123456789.eE ax"), max_size=12) | st.text()


text_near_phones = st.text(alphabet=st.sampled_from("'=+-@ ()./,*0123456789A"), max_size=14) | text_near_formulas


@given(text_near_phones)
@example("'-5")
@example("''=")
@example("-5")
@example("'+60 12 345")
@example("+60 12 345")
def test_restore_undoes_neutralise(text: str) -> None:
    assert restore(neutralise(text)) == text


#: what a cell left unguarded though it starts with + or - may hold: no letter (function, reference),
#: quote (string), ! | : (sheet, DDE, range), operator other than the sign, space around it or comma
_ONLY_DIGITS_AND_SEPARATORS = re.compile(r"[+-][0-9 ().\/-]*")


@given(text_near_phones)
@example("+1 (555) 010-2030")
def test_neutralised_text_never_starts_a_formula_unless_a_number_or_a_phone_number(text: str) -> None:
    safe = neutralise(text)
    assert not safe.startswith(DANGEROUS) or is_inert(text)
    if is_inert(text) and not is_plain_number(text):
        assert _ONLY_DIGITS_AND_SEPARATORS.fullmatch(text)
        assert re.search(r"[0-9)] [0-9(]", text)  # an operand, a space, an operand: no formula parses
        assert not re.search(r"[+-] |[ +-][+-]| [+-]", text[1:])  # no operator with a space beside it

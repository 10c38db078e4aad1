"""Which field each column of a file fills (the import page's column step and the API's mapping)."""

import pytest

from servicescape.data.columns import api_mapping, chosen_columns, plan_columns
from servicescape.errors import ValidationFailed
from servicescape.platform.imports import FileSample, import_kinds
from servicescape.tabular.headers import CUSTOM, SKIP, targets


@pytest.mark.parametrize("name", ["clients", "contacts", "engagements", "invoices", "interactions"])
def test_every_field_a_column_may_fill_has_a_label(name: str) -> None:
    kind = import_kinds()[name]
    assert sorted(kind.labels) == sorted(targets(name))
    assert kind.custom_fields == (name == "clients")


def plan(headers: list[str], chosen: dict[int, str], kind: str = "clients", fixed: frozenset[int] = frozenset()):  # type: ignore[no-untyped-def]
    return plan_columns(import_kinds()[kind], FileSample(headers, [], fixed), chosen)


def test_the_guesses_and_the_choices() -> None:
    guessed = plan(["Company name", "E-mail", "Notes", "First name"], {})
    assert [column.choice for column in guessed.columns] == ["name", "email", CUSTOM, CUSTOM]
    assert guessed.problems(str) == [] and guessed.overrides() == {}
    chosen = plan(["Company name", "E-mail", "Notes"], {1: CUSTOM, 2: "email"})
    assert [column.choice for column in chosen.columns] == ["name", CUSTOM, "email"]
    assert chosen.overrides() == {"E-mail": CUSTOM, "Notes": "email"}
    contacts = plan(["Person", "Given name", "Surname", "Company"], {}, kind="contacts")
    assert [column.choice for column in contacts.columns] == [SKIP, "first_name", "last_name", "client_name"]
    assert contacts.problems(str) == []   # first and last name make the name


def test_what_stops_an_import() -> None:
    twice = plan(["A", "B", "C"], {0: "name", 1: "email", 2: "email"})
    assert [column.clash for column in twice.columns] == [None, None, 1]
    assert twice.problems(str) == ["email is chosen for two columns, B and C: choose it for one only."]
    assert twice.columns[2].choice == "email"  # shown as chosen, to be corrected
    parts = plan(["A", "B"], {0: "name", 1: "last_name"})
    assert parts.problems(str) == ["Column B is the last_name, but column A is already the whole name: choose "
                                   "one or the other."]
    missing = plan(["Total", "Date"], {}, kind="invoices")
    assert missing.missing == [("client_external_id", "client_name")]
    assert missing.problems(str.upper) == ["No column is chosen for CLIENT_EXTERNAL_ID or CLIENT_NAME."]


@pytest.mark.parametrize(("chosen", "kind"), [
    ({0: "nickname"}, "clients"),
    ({0: CUSTOM}, "invoices"),   # only clients keep custom fields
    ({5: "name"}, "clients"),
    ({1: "name"}, "clients"),    # a custom: column is what its header says
])
def test_a_choice_that_cannot_be_followed_is_refused(chosen: dict[int, str], kind: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        plan(["A", "custom: VAT"], chosen, kind=kind, fixed=frozenset({1}))
    assert caught.value.field == "mapping"


def test_the_apis_mapping() -> None:
    assert api_mapping(["Firma=name"], '{"Notes": "skip"}') == {"Firma": "name", "Notes": "skip"}
    assert api_mapping([], None) == {}
    for lines, text in (([], "[]"), ([], "{"), (["Firma=name"], '{"Firma": "name"}'), (["no equals"], None)):
        with pytest.raises(ValidationFailed):
            api_mapping(lines, text)
    assert chosen_columns(["Company", "E-mail"], {"e-mail": "email"}) == {1: "email"}
    with pytest.raises(ValidationFailed, match="named twice"):
        chosen_columns(["Company", "E-mail"], {"E-mail": "email", "email": "skip"})

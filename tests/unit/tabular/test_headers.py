"""Recognising other CRMs' headers as import fields, with overrides and split names."""

import pytest

from servicescape.tabular import FIELDS, TabularError, map_headers, parse_mapping_option
from servicescape.tabular.header_aliases import ALIASES, NAME_PARTS, SUBJECT_PREFIXES
from servicescape.tabular.headers import combine_name, header_key


def test_the_canonical_fields() -> None:
    assert FIELDS["clients"] == (
        "external_id", "name", "kind", "email", "phone", "website", "country", "city", "language", "region",
        "industry", "segment", "tier", "owner", "status", "created_at",
    )  # fmt: skip
    assert FIELDS["contacts"] == (
        "external_id", "client_external_id", "client_name", "name", "email", "phone", "job_title", "language",
    )  # fmt: skip
    assert FIELDS["engagements"] == (
        "external_id", "client_external_id", "client_name", "package", "description", "sold_by", "delivered_by",
        "start_date", "end_date", "status", "value", "currency",
    )  # fmt: skip
    assert FIELDS["invoices"] == (
        "external_id", "client_external_id", "client_name", "issued_on", "amount", "currency",
    )  # fmt: skip
    assert FIELDS["interactions"] == (
        "external_id", "client_external_id", "client_name", "staff", "channel", "occurred_at", "summary",
    )  # fmt: skip


@pytest.mark.parametrize("kind", list(FIELDS))
def test_alias_tables_are_consistent(kind: str) -> None:
    allowed = set(FIELDS[kind]) | set(NAME_PARTS)
    assert set(ALIASES[kind]) <= allowed
    assert set(FIELDS[kind]) <= set(ALIASES[kind])
    owners: dict[str, str] = {}
    for name, aliases in ALIASES[kind].items():
        for alias in (name, *aliases):
            assert owners.setdefault(header_key(alias), name) == name, f"{kind}: {alias!r} is ambiguous"
    assert set(SUBJECT_PREFIXES) == set(FIELDS)


@pytest.mark.parametrize(
    ("text", "key"),
    [("Country/Region", "countryregion"), ("Organization - Name", "organizationname"), ("Név", "nev"),
     ("E-mail", "email"), ("公司名稱", "公司名稱"), ("  Billing  Country ", "billingcountry")],
)  # fmt: skip
def test_header_keys(text: str, key: str) -> None:
    assert header_key(text) == key


HUBSPOT = ["Record ID", "Company name", "Company Domain Name", "Phone Number", "Country/Region", "City",
           "State/Region", "Industry", "Company owner", "Create Date", "Lifecycle Stage", "Type"]  # fmt: skip
SALESFORCE = ["Account ID", "Account Name", "Billing Country", "Billing City", "Phone", "Website", "Industry",
              "Account Owner", "Type", "Created Date"]  # fmt: skip
PIPEDRIVE = ["Organization - ID", "Organization - Name", "Organization - Address country",
             "Organization - Owner", "Organization - Label", "Organization - Phone"]  # fmt: skip
ZOHO = ["Record Id", "Account Name", "Account Owner", "Billing Country", "Billing City", "Created Time"]
ODOO = ["External ID", "Name", "Company Type", "Email", "Phone", "City", "Country", "Salesperson", "Tags"]


@pytest.mark.parametrize(
    ("headers", "fields"),
    [
        (HUBSPOT, ["external_id", "name", "website", "phone", "country", "city", "region", "industry", "owner",
                   "created_at", "status", "kind"]),
        (SALESFORCE, ["external_id", "name", "country", "city", "phone", "website", "industry", "owner", "kind",
                      "created_at"]),
        (PIPEDRIVE, ["external_id", "name", "country", "owner", "segment", "phone"]),
        (ZOHO, ["external_id", "name", "owner", "country", "city", "created_at"]),
        (ODOO, ["external_id", "name", "kind", "email", "phone", "city", "country", "owner", "segment"]),
    ],
    ids=["hubspot", "salesforce", "pipedrive", "zoho", "odoo"],
)  # fmt: skip
def test_crm_company_exports_map_to_client_fields(headers: list[str], fields: list[str]) -> None:
    mapped = map_headers("clients", headers)
    assert mapped.fields == {name: index for index, name in enumerate(fields)}
    assert (mapped.unmapped, mapped.warnings, mapped.missing_required()) == ([], [], [])


def test_matching_ignores_case_spacing_punctuation_and_accents() -> None:
    mapped = map_headers("clients", ["COMPANY  NAME", "country region", "e_mail", "Telefonszám", "VÁROS"])
    assert mapped.fields == {"name": 0, "country": 1, "email": 2, "phone": 3, "city": 4}


def test_contact_exports() -> None:
    hubspot = map_headers(
        "contacts", ["Record ID", "First Name", "Last Name", "Email", "Associated Company", "Job Title", "Notes"]
    )
    assert hubspot.fields == {"external_id": 0, "email": 3, "client_name": 4, "job_title": 5}
    assert (hubspot.first_name, hubspot.last_name, hubspot.combines_name) == (1, 2, True)
    assert hubspot.unmapped == [(6, "Notes")]
    assert hubspot.missing_required() == []
    assert hubspot.value(["1", "Péter", "Kovács", "p@k.hu", "Kővári", "", ""], "name") == "Péter Kovács"
    assert hubspot.value(["1", "伟", "王", "", "", "", ""], "name") == "王伟"
    assert hubspot.value(["1", None, "Hőgyes", "", "", "", ""], "name") == "Hőgyes"
    assert hubspot.value(["1", "", "  ", "", "", "", ""], "name") is None
    pipedrive = map_headers("contacts", ["Person - Name", "Person - Email", "Organization - Name", "Person - Phone"])
    assert pipedrive.fields == {"name": 0, "email": 1, "client_name": 2, "phone": 3}


def test_first_and_last_name_stay_custom_fields_when_a_name_column_exists() -> None:
    mapped = map_headers("contacts", ["First Name", "Name", "Last Name", "Company"])
    assert mapped.fields == {"name": 1, "client_name": 3}
    assert mapped.unmapped == [(0, "First Name"), (2, "Last Name")]
    assert not mapped.combines_name


def test_engagement_invoice_and_interaction_exports() -> None:
    opportunities = map_headers(
        "engagements",
        ["Opportunity ID", "Opportunity Name", "Account Name", "Account ID", "Amount", "Close Date", "Stage",
         "Opportunity Owner"],
    )  # fmt: skip
    assert opportunities.fields == {
        "external_id": 0, "description": 1, "client_name": 2, "client_external_id": 3, "value": 4,
        "start_date": 5, "status": 6, "sold_by": 7,
    }  # fmt: skip
    deals = map_headers("engagements", ["Deal - ID", "Deal - Title", "Deal - Value", "Deal - Currency",
                                        "Deal - Organization", "Deal - Owner", "Deal - Product name"])  # fmt: skip
    assert deals.fields == {
        "external_id": 0, "description": 1, "value": 2, "currency": 3, "client_name": 4, "sold_by": 5, "package": 6,
    }  # fmt: skip
    odoo = map_headers("invoices", ["Number", "Partner", "Invoice Date", "Due Date", "Total", "Currency"])
    assert odoo.fields == {"external_id": 0, "client_name": 1, "issued_on": 2, "amount": 4, "currency": 5}
    assert odoo.unmapped == [(3, "Due Date")]
    activities = map_headers(
        "interactions", ["Activity - Subject", "Activity - Type", "Activity - Due date",
                         "Activity - Assigned to user", "Organization - Name"]
    )  # fmt: skip
    assert activities.fields == {"summary": 0, "channel": 1, "occurred_at": 2, "staff": 3, "client_name": 4}


def test_the_second_column_for_a_field_is_kept_with_a_warning() -> None:
    mapped = map_headers("clients", ["Name", "Display Name", "Email", "Phone", "Mobile"])
    assert mapped.fields == {"name": 0, "email": 2, "phone": 3}
    assert mapped.unmapped == [(1, "Display Name"), (4, "Mobile")]
    assert mapped.warnings == [
        "column 2 'Display Name' also looks like 'name', which column 1 'Name' fills; it is kept as a custom field",
        "column 5 'Mobile' also looks like 'phone', which column 4 'Phone' fills; it is kept as a custom field",
    ]


@pytest.mark.parametrize(
    ("kind", "headers", "missing"),
    [
        ("clients", ["Email"], ["name"]),
        ("clients", ["Last Name"], []),
        ("contacts", ["Name"], ["client_external_id or client_name"]),
        ("contacts", ["Company"], ["name"]),
        ("engagements", ["Amount"], ["client_external_id or client_name"]),
        ("engagements", ["Account ID"], []),
        ("invoices", ["Customer"], ["issued_on", "amount"]),
        ("invoices", ["Total", "Date"], ["client_external_id or client_name"]),
        ("interactions", ["Client ID"], ["occurred_at", "summary"]),
        ("interactions", ["Client", "Date"], ["summary"]),
        ("interactions", ["Client", "Date", "Notes"], []),
    ],
)
def test_missing_required(kind: str, headers: list[str], missing: list[str]) -> None:
    mapped = map_headers(kind, headers)
    assert mapped.missing_required() == missing
    assert mapped.missing_required(kind) == missing


def test_overrides_win_and_push_an_automatic_match_aside() -> None:
    mapped = map_headers(
        "clients", ["Company", "Website URL", "Company Domain Name", "Ügyfélkód"],
        {"company domain name": "website", "Ügyfélkód": "external_id"},
    )  # fmt: skip
    assert mapped.fields == {"name": 0, "website": 2, "external_id": 3}
    assert mapped.unmapped == [(1, "Website URL")]
    assert len(mapped.warnings) == 1


def test_an_override_to_an_unknown_field_lists_the_fields() -> None:
    with pytest.raises(TabularError) as caught:
        map_headers("invoices", ["Total"], {"Total": "price"})
    assert str(caught.value) == (
        "--map Total=price: 'price' is not a invoices field; the fields are external_id, client_external_id, "
        "client_name, issued_on, amount, currency, custom, skip"
    )


def test_a_column_can_be_kept_as_a_custom_field_or_left_out() -> None:
    mapped = map_headers("clients", ["Company", "Email", "City", "Notes", "Owner"],
                         {"Email": "custom", "Notes": "skip", "Owner": "skip"})
    assert mapped.fields == {"name": 0, "city": 2}
    assert mapped.unmapped == [(1, "Email")]   # kept as a custom field although it looks like ours
    assert mapped.skipped == [3, 4]            # not imported at all
    assert mapped.warnings == []
    twice = map_headers("clients", ["A", "B", "C"], {"A": "skip", "B": "skip", "C": "custom"})
    assert (twice.fields, twice.skipped, twice.unmapped) == ({}, [0, 1], [(2, "C")])
    assert twice.missing_groups() == [("name",)]


def test_an_override_of_an_unknown_header_lists_the_columns() -> None:
    with pytest.raises(TabularError) as caught:
        map_headers("clients", ["Név", "Város"], {"Cím": "city"})
    assert str(caught.value) == "--map Cím=city: the file has no column 'Cím'; its columns are 'Név', 'Város'"


def test_two_overrides_for_one_field_are_refused() -> None:
    with pytest.raises(TabularError, match="mapped twice"):
        map_headers("clients", ["A", "B"], {"A": "name", "B": "name"})


def test_an_unknown_kind_lists_the_kinds() -> None:
    with pytest.raises(TabularError) as caught:
        map_headers("deals", ["Name"])
    assert str(caught.value) == (
        "unknown import kind 'deals'; choose one of clients, contacts, engagements, invoices, interactions"
    )


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("Their header=name", ("Their header", "name")),
        (" Ügyfél neve = name ", ("Ügyfél neve", "name")),
        ("a=b=external_id", ("a=b", "external_id")),
    ],
)
def test_parse_mapping_option(text: str, parsed: tuple[str, str]) -> None:
    assert parse_mapping_option(text) == parsed


@pytest.mark.parametrize("text", ["no equals", "=name", "Header=", "  =  "])
def test_a_bad_mapping_option_shows_the_expected_shape(text: str) -> None:
    with pytest.raises(TabularError, match='--map expects "Their header=field"'):
        parse_mapping_option(text)


@pytest.mark.parametrize(
    ("first", "last", "name"),
    [("Siti", "Nurhaliza", "Siti Nurhaliza"), ("怡君", "陳", "陳怡君"), ("John", "王", "John 王"), (None, None, None)],
)
def test_combine_name(first: str | None, last: str | None, name: str | None) -> None:
    assert combine_name(first, last) == name

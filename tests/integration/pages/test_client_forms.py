"""Adding, editing and deleting clients through the pages; bad input, CSRF and roles."""

from __future__ import annotations

import re

import pytest

from servicescape.auth.models import Role
from servicescape.clients.models import Client
from servicescape.runtime import Runtime
from tests.integration.pages.conftest import Browser, add_client, field_error, flash_after, load, plain

VALID = {"name": "Syarikat Maju Jaya", "kind": "organisation", "tier": "growth", "status": "active",
         "owner_id": "", "segment": "Logistics", "industry": "", "email": "", "phone": "+60 3 2123 4567",
         "website": "", "country": "MY", "city": "Shah Alam", "region": "", "language": "ms",
         "external_id": "", "custom_fields": "VAT number: MY-99\nReferred by: Tan"}


def test_the_new_client_form(owner_browser: Browser) -> None:
    page = owner_browser.get("/clients/new")
    assert page.status_code == 200
    assert '<form class="form" method="post" action="/clients">' in page.text
    assert 'name="csrf_token"' in page.text
    for name in ("name", "tier", "owner_id", "country", "custom_fields", "external_id"):
        assert f'name="{name}"' in page.text
    # the owner is preselected: whoever adds a client looks after it until someone else does
    owner_select = re.search(r'<select name="owner_id".*?</select>', page.text, re.S).group(0)  # type: ignore[union-attr]
    assert f'value="{owner_browser.staff.id}" selected' in owner_select
    assert '<option value="MY">Malaysia</option>' in page.text


def test_the_segment_field_suggests_the_segments_in_use(owner_browser: Browser, runtime: Runtime) -> None:
    add_client(runtime, name="A", segment="Healthcare")
    add_client(runtime, name="B", segment="Logistics")
    page = owner_browser.get("/clients/new").text
    assert 'list="client-segments"' in page
    assert '<datalist id="client-segments"><option value="Healthcare"><option value="Logistics"></datalist>' in page


def test_add_a_client(owner_browser: Browser, runtime: Runtime) -> None:
    response = owner_browser.post("/clients", {**VALID, "owner_id": str(owner_browser.staff.id)})
    assert response.status_code == 303
    client_id = int(response.headers["location"].rsplit("/", 1)[1])
    client = load(runtime, Client, client_id)
    assert (client.name, client.tier.value, client.country, client.city, client.owner_id) == (
        "Syarikat Maju Jaya", "growth", "MY", "Shah Alam", owner_browser.staff.id)
    assert client.email is None and client.external_id is None  # empty inputs are no value
    assert client.custom_fields == {"VAT number": "MY-99", "Referred by": "Tan"}
    assert flash_after(response, owner_browser) == "Client “Syarikat Maju Jaya” was added."


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"name": "   "}, "name", "This field is required."),
    ({"tier": "platinum"}, "tier", "Choose one of the options."),
    ({"owner_id": "abc"}, "owner_id", "Choose one of the options."),
    ({"owner_id": "999999"}, "owner_id", "Relationship owner 999999 does not exist."),
    ({"country": "Malaysia"}, "country", "Choose a country from the list."),
    ({"city": "x" * 301}, "city", "Use at most 300 characters."),
    ({"city": "Shah\x00Alam"}, "city", "The text contains a character that cannot be stored (NUL)."),
    ({"custom_fields": "no colon here"}, "custom_fields", "Write each field as “name: value” on a line of its own."),
    ({"custom_fields": "VAT\x00number: MY-99"}, "custom_fields",
     "Custom field 'VAT\\x00number': the text contains a NUL character (\\x00), which cannot be stored."),
    ({"custom_fields": "VAT number: MY\x0099"}, "custom_fields",
     "Custom field 'VAT number': the text contains a NUL character (\\x00), which cannot be stored."),
])
def test_bad_input_shows_the_form_again_with_a_message_at_the_field(
        owner_browser: Browser, change: dict[str, str], field: str, message: str) -> None:
    response = owner_browser.post("/clients", {**VALID, **change})
    assert response.status_code == 422
    assert field_error(response.text, f"f-client-{field}") == message
    assert 'class="error-summary"' in response.text and f'href="#f-client-{field}"' in response.text
    # what was typed is still there
    assert 'value="Shah Alam"' in response.text or field == "city"
    assert "VAT number: MY-99" in response.text or field == "custom_fields"


def test_a_duplicate_external_id_is_a_409_form(owner_browser: Browser, runtime: Runtime) -> None:
    add_client(runtime, name="First", external_id="CRM-1")
    response = owner_browser.post("/clients", {**VALID, "external_id": "CRM-1"})
    assert response.status_code == 409
    assert "CRM-1" in (field_error(response.text, "f-client-external_id") or "")


def test_edit_a_client_keeps_what_the_form_does_not_show_and_the_types_of_custom_values(
        owner_browser: Browser, runtime: Runtime) -> None:
    client_id = add_client(runtime, name="Petrova Architects", country="BG", tier="standard",
                           custom_fields={"Employees": 42, "Listed": False, "Note": "x"})
    page = owner_browser.get(f"/clients/{client_id}/edit")
    assert page.status_code == 200
    assert 'value="Petrova Architects"' in page.text and "Employees: 42" in page.text
    assert f'action="/clients/{client_id}"' in page.text
    values = {**VALID, "name": "Petrova Architects Ltd", "country": "BG", "tier": "key",
              "custom_fields": "Employees: 42\nListed: false\nNote: changed"}
    response = owner_browser.post(f"/clients/{client_id}", values)
    assert response.status_code == 303 and response.headers["location"] == f"/clients/{client_id}"
    client = load(runtime, Client, client_id)
    assert client.name == "Petrova Architects Ltd" and client.tier.value == "key"
    assert client.custom_fields == {"Employees": 42, "Listed": False, "Note": "changed"}
    assert flash_after(response, owner_browser) == "Client “Petrova Architects Ltd” was saved."


def test_edit_with_bad_input_is_a_422_form(owner_browser: Browser, runtime: Runtime) -> None:
    client_id = add_client(runtime, name="Keep Me")
    response = owner_browser.post(f"/clients/{client_id}", {**VALID, "name": ""})
    assert response.status_code == 422
    assert field_error(response.text, "f-client-name") == "This field is required."
    assert load(runtime, Client, client_id).name == "Keep Me"


def test_delete_a_client(owner_browser: Browser, runtime: Runtime) -> None:
    client_id = add_client(runtime, name="Gone Ltd")
    response = owner_browser.post(f"/clients/{client_id}/delete")
    assert response.status_code == 303 and response.headers["location"] == "/clients"
    assert load(runtime, Client, client_id) is None
    assert flash_after(response, owner_browser) == "Client “Gone Ltd” was deleted."
    assert owner_browser.post(f"/clients/{client_id}/delete").status_code == 404


def test_posts_without_the_csrf_token_are_refused(owner_browser: Browser, runtime: Runtime) -> None:
    client_id = add_client(runtime, name="Safe")
    for url, data in (("/clients", VALID), (f"/clients/{client_id}", VALID), (f"/clients/{client_id}/delete", {}),
                      (f"/clients/{client_id}/interactions", {"summary": "x"})):
        response = owner_browser.post(url, data, csrf=False)
        assert response.status_code == 403, url
        assert "text/html" in response.headers["content-type"]
        response = owner_browser.post(url, {**data, "csrf_token": "forged"}, csrf=False)
        assert response.status_code == 403, url
    assert load(runtime, Client, client_id).name == "Safe"


def test_a_viewer_sees_no_write_forms_and_cannot_post(browser_as, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    client_id = add_client(runtime, name="Read Only Ltd")
    viewer: Browser = browser_as(Role.viewer)
    listing = viewer.get("/clients")
    assert listing.status_code == 200 and "Read Only Ltd" in listing.text
    assert 'href="/clients/new"' not in listing.text
    assert viewer.get("/clients/new").status_code == 403
    assert viewer.get(f"/clients/{client_id}/edit").status_code == 403
    for url in ("/clients", f"/clients/{client_id}", f"/clients/{client_id}/delete",
                f"/clients/{client_id}/contacts"):
        response = viewer.post(url, {**VALID})
        assert response.status_code == 403, url
        assert "does not allow" in plain(response.text)
    assert load(runtime, Client, client_id).name == "Read Only Ltd"


def test_the_staff_role_edits_but_cannot_delete(browser_as, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    client_id = add_client(runtime, name="Busy Ltd")
    staff: Browser = browser_as(Role.staff)
    assert staff.post(f"/clients/{client_id}", {**VALID, "name": "Busier Ltd"}).status_code == 303
    assert staff.post(f"/clients/{client_id}/delete").status_code == 403
    assert load(runtime, Client, client_id).name == "Busier Ltd"
    manager: Browser = browser_as(Role.manager)
    assert manager.post(f"/clients/{client_id}/delete").status_code == 303

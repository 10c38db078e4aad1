"""The import page's steps (upload → the columns beside our fields → a check → the import) and the
API's ``mapping``: guesses shown, choices applied, problems flagged before anything is written, and
a kept upload only for its uploader, for a while."""

from __future__ import annotations

import json
import re
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from servicescape.auth.models import Role, Staff
from servicescape.clients.models import Client
from servicescape.data import staging
from servicescape.platform.jobs import runner
from servicescape.runtime import Runtime
from tests.conftest import csrf_from, make_staff, sign_in
from tests.integration.api.conftest import assert_error
from tests.integration.importing.conftest import count

#: a German CRM's export: only "E-mail" is a header we know
FOREIGN = ("kunden.csv", "Kundenname,E-mail,Land,Notizen\n"
           "Kovács és Társa Kft.,iroda@kovacs.example,HU,pays late\n"
           "Tan Holdings Sdn Bhd,office@tan.example,MY,\n".encode(), "text/csv")


@pytest.fixture
def browser(app, runtime: Runtime, owner: Staff):  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="http://127.0.0.1") as client:
        sign_in(client, owner.email)
        client.headers["X-CSRF-Token"] = csrf_from(client.get("/import").text)
        yield client


def upload(client: TestClient, file: tuple[str, bytes, str] = FOREIGN, kind: str = "clients") -> str:
    """Step 1: the upload's token (from the redirect to its column step)."""
    response = client.post("/import", data={"kind": kind}, files={"file": file}, follow_redirects=False)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(r"/import/[A-Za-z0-9_-]{32}", location)
    return location.rsplit("/", 1)[1]


def selected(html: str) -> dict[str, str]:
    """Each column select's chosen option: "col-N" → value."""
    found = {}
    for name, body in re.findall(r'<select name="(col-\d+)"[^>]*>(.*?)</select>', html, re.S):
        found[name] = re.search(r'<option value="([^"]+)" selected', body)[1]  # type: ignore[index]
    return found


def clients(runtime: Runtime) -> list[tuple[str, str | None, str | None, dict[str, str] | None]]:
    with runtime.transaction() as session:
        rows = session.execute(select(Client.name, Client.country, Client.email, Client.custom_fields)
                               .order_by(Client.name))
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_upload_shows_the_columns_with_the_guesses_and_flags_the_missing_name(browser: TestClient) -> None:
    token = upload(browser)
    page = browser.get(f"/import/{token}")
    assert page.status_code == 200
    html = page.text
    assert selected(html) == {"col-0": "custom", "col-1": "email", "col-2": "custom", "col-3": "custom"}
    assert "iroda@kovacs.example · office@tan.example" in html          # examples beside the header
    assert "<th scope=\"row\" class=\"columns-header\">Kundenname</th>" in html
    assert "No column is chosen for Name." in html                     # required, flagged before going on
    assert '<optgroup label="Our fields">' in html and ">Relationship owner</option>" in html
    assert '<option value="skip">Don’t import</option>' in html
    assert "--map" not in html and ">external_id<" not in html  # people see names, not our field names


def test_changed_columns_are_checked_then_imported(browser: TestClient, runtime: Runtime) -> None:
    token = upload(browser)
    choices = {"col-0": "name", "col-1": "email", "col-2": "country", "col-3": "skip"}
    checked = browser.post(f"/import/{token}", data={**choices, "action": "check"})
    assert checked.status_code == 200, checked.text
    assert "Nothing has been written yet" in checked.text and "Import 2 rows" in checked.text
    assert count(runtime, Client) == 0
    for name, value in choices.items():  # the import button posts the same choices again
        assert f'<input type="hidden" name="{name}" value="{value}">' in checked.text
    back = browser.post(f"/import/{token}", data={**choices, "action": "edit"})
    assert back.status_code == 200 and selected(back.text) == choices

    done = browser.post(f"/import/{token}", data={**choices, "col-3": "custom", "action": "import"})
    assert done.status_code == 200 and "Every row was imported." in done.text
    assert clients(runtime) == [("Kovács és Társa Kft.", "HU", "iroda@kovacs.example", {"Notizen": "pays late"}),
                                ("Tan Holdings Sdn Bhd", "MY", "office@tan.example", {})]
    # the import was the upload's end: it is gone
    assert not (staging.uploads_dir(runtime) / token).exists()
    assert browser.get(f"/import/{token}").status_code == 404


def test_a_skipped_column_is_not_kept(browser: TestClient, runtime: Runtime) -> None:
    token = upload(browser)
    done = browser.post(f"/import/{token}", data={"col-0": "name", "col-1": "skip", "col-2": "skip",
                                                  "col-3": "skip", "action": "import"})
    assert done.status_code == 200
    assert [row[1:] for row in clients(runtime)] == [(None, None, {}), (None, None, {})]


def test_missing_required_and_twice_chosen_fields_are_flagged_and_nothing_is_written(
        browser: TestClient, runtime: Runtime) -> None:
    token = upload(browser)
    missing = browser.post(f"/import/{token}", data={"col-0": "custom", "action": "import"})
    assert missing.status_code == 422 and "No column is chosen for Name." in missing.text
    twice = browser.post(f"/import/{token}", data={"col-0": "name", "col-2": "name", "action": "check"})
    assert twice.status_code == 422
    assert "Name is chosen for two columns, Kundenname and Land: choose it for one only." in twice.text
    assert '<select name="col-2" id="f-col-2" aria-describedby="f-col-2-error" aria-invalid="true">' in twice.text
    assert selected(twice.text)["col-2"] == "name"  # what was chosen stays, to be corrected
    parts = browser.post(f"/import/{token}", data={"col-0": "name", "col-3": "first_name", "action": "check"})
    assert parts.status_code == 422
    assert "Column Notizen is the First name, but column Kundenname is already the whole Name" in parts.text
    contacts = upload(browser, kind="contacts")
    page = browser.get(f"/import/{contacts}")
    assert "No column is chosen for Client’s id in another system or Client name." in page.text
    assert ">Keep as a custom field<" not in page.text  # only clients keep custom fields
    assert count(runtime, Client) == 0


def test_htmx_checks_the_choices_in_place(browser: TestClient) -> None:
    token = upload(browser)
    fragment = browser.post(f"/import/{token}/columns", data={"col-0": "name", "col-2": "name"},
                            headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="columns-problems">') and "<html" not in fragment.text
    assert "data-error-summary" not in fragment.text  # no focus jump while choosing
    assert "<select" not in fragment.text            # the selects stay as they are; only the messages change
    slot = re.search(r'<div class="columns-problem" id="f-col-2-error" data-problem-of="f-col-2" '
                     r'hx-swap-oob="true">(.*?)</div>\s*(?=<div class="columns-problem"|$)', fragment.text, re.S)
    assert slot and "Name is chosen for two columns" in slot[1]
    fine = browser.post(f"/import/{token}/columns", data={"col-0": "name"}, headers={"HX-Request": "true"})
    assert fine.status_code == 200 and "error-summary" not in fine.text
    emptied = '<div class="columns-problem" id="f-col-2-error" data-problem-of="f-col-2" hx-swap-oob="true"></div>'
    assert emptied in fine.text


def test_an_upload_is_only_for_its_uploader_and_for_a_while(app, browser: TestClient, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    token = upload(browser)
    other = make_staff(runtime, Role.manager, email="other.manager@firm.test")
    with TestClient(app, base_url="http://127.0.0.1") as manager:
        sign_in(manager, other.email)
        assert manager.get(f"/import/{token}").status_code == 404
        csrf = csrf_from(manager.get("/import").text)
        refused = manager.post(f"/import/{token}", data={"csrf_token": csrf, "col-0": "name", "action": "import"})
        assert refused.status_code == 404 and "Upload the file again." in refused.text
    clerk = make_staff(runtime, Role.staff, email="clerk@firm.test")
    with TestClient(app, base_url="http://127.0.0.1") as staff:
        sign_in(staff, clerk.email)
        assert staff.get(f"/import/{token}").status_code == 403
    del browser.headers["X-CSRF-Token"]
    assert browser.post(f"/import/{token}", data={"col-0": "name", "action": "import"}).status_code == 403
    assert count(runtime, Client) == 0

    note = staging.uploads_dir(runtime) / token / staging.NOTE
    kept = json.loads(note.read_text())
    note.write_text(json.dumps({**kept, "created": time.time() - staging.KEPT_SECONDS - 1}))
    assert browser.get(f"/import/{token}").status_code == 404
    assert browser.get("/import/not-a-token").status_code == 404
    assert browser.get("/import/" + "A" * 32).status_code == 404


def test_old_uploads_are_purged_and_nobody_keeps_many(browser: TestClient, runtime: Runtime) -> None:
    tokens = [upload(browser) for _ in range(staging.PER_PERSON + 1)]
    assert browser.get(f"/import/{tokens[0]}").status_code == 404      # the oldest made room
    assert browser.get(f"/import/{tokens[-1]}").status_code == 200
    note = staging.uploads_dir(runtime) / tokens[1] / staging.NOTE
    note.write_text(json.dumps({**json.loads(note.read_text()), "created": time.time() - staging.KEPT_SECONDS - 1}))
    result = runner.run_job(runtime, "data.purge_uploads")
    assert result.counts == {"deleted": 1}
    assert sorted(path.name for path in staging.uploads_dir(runtime).iterdir()) == sorted(tokens[2:])


@pytest.mark.parametrize(("file", "message"), [
    (("report.pdf", b"%PDF-1.7\n...", "application/pdf"), "report.pdf is not a table."),
    (("renamed.csv", b"%PDF-1.7\n...", "text/csv"), "renamed.csv is not a table."),
    (("letter.docx", b"PK\x03\x04...", "application/octet-stream"), "letter.docx is not a table."),
    (("settings.json", b'{"name": "x"}', "application/json"), "settings.json is not a list of records"),
])
def test_a_file_that_is_no_table_is_refused_in_plain_words(browser: TestClient, runtime: Runtime,
                                                           file: tuple[str, bytes, str], message: str) -> None:
    refused = browser.post("/import", data={"kind": "clients"}, files={"file": file})
    assert refused.status_code == 422 and message in refused.text
    assert "--map" not in refused.text
    folder = staging.uploads_dir(runtime)
    assert not folder.exists() or not list(folder.iterdir())  # nothing kept


def test_the_message_is_in_the_persons_language(browser: TestClient) -> None:
    browser.cookies.set("ss_lang", "hu")
    refused = browser.post("/import", data={"kind": "clients"}, files={"file": ("kunden.csv", b"%PDF-1.4")})
    assert refused.status_code == 422 and "kunden.csv nem táblázat." in refused.text


def test_the_api_takes_the_same_mapping(api: TestClient, runtime: Runtime) -> None:
    mapping = json.dumps({"Kundenname": "name", "Land": "country", "Notizen": "skip"})
    done = api.post("/api/v1/imports/clients", files={"file": FOREIGN}, data={"mapping": mapping})
    assert done.status_code == 200, done.text
    assert done.json()["imported"] == 2 and done.json()["custom_fields"] == []
    assert clients(runtime)[0] == ("Kovács és Társa Kft.", "HU", "iroda@kovacs.example", {})
    both = api.post("/api/v1/imports/clients", files={"file": FOREIGN},
                    data={"mapping": json.dumps({"Kundenname": "name"}), "map": ["Land=country"], "dry_run": "true"})
    assert both.status_code == 200 and both.json()["updated"] == 2


@pytest.mark.parametrize(("mapping", "message"), [
    ("not json", "mapping must be a JSON object"),
    ('["name"]', "mapping must be a JSON object"),
    ('{"Kundenname": 1}', "mapping must be a JSON object"),
    ('{"Kundenname": "nickname"}', "'nickname' cannot be chosen for column Kundenname"),
    ('{"Kundennummer": "name"}', "The file has no column 'Kundennummer'"),
    ('{"Land": "country"}', "No column is chosen for name. The file’s columns are: Kundenname, E-mail, Land, Notizen."),
    ('{"Kundenname": "name", "Land": "name"}', "name is chosen for two columns, Kundenname and Land"),
])
def test_the_api_refuses_a_mapping_it_cannot_follow(api: TestClient, runtime: Runtime, mapping: str,
                                                    message: str) -> None:
    error = assert_error(api.post("/api/v1/imports/clients", files={"file": FOREIGN}, data={"mapping": mapping}),
                         422, "validation_failed", field="mapping")
    assert message in error["message"] and "--map" not in error["message"]
    assert count(runtime, Client) == 0


def test_the_api_says_a_pdf_is_no_table(api: TestClient) -> None:
    scan = ("scan.pdf", b"%PDF-1.4", "application/pdf")
    error = assert_error(api.post("/api/v1/imports/clients", files={"file": scan}), 422, "import_failed", field="file")
    assert error["message"].startswith("scan.pdf is not a table.")

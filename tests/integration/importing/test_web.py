"""The import page and the import/export API: uploads, limits, rejects, downloads, permissions."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openpyxl
from fastapi.testclient import TestClient

from servicescape.auth.models import Role
from servicescape.clients.models import Client
from servicescape.config import Settings
from servicescape.runtime import Runtime, open_runtime
from servicescape.web.app import create_app
from tests.conftest import api_as, csrf_from, make_staff, sign_in, token_for
from tests.integration.api.conftest import assert_error
from tests.integration.importing.conftest import CORPUS, count

BAD = ("clients_bad_rows.csv", (CORPUS / "clients_bad_rows.csv").read_bytes(), "text/csv")


def _upload(browser: TestClient, token: str, kind: str = "clients") -> str:
    """The column step's address of an upload."""
    response = browser.post("/import", data={"csrf_token": token, "kind": kind}, files={"file": BAD},
                            follow_redirects=False)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def test_the_page_uploads_and_shows_the_report(browser: TestClient, runtime: Runtime) -> None:
    page = browser.get("/import")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    token = csrf_from(page.text)
    columns = _upload(browser, token)
    response = browser.post(columns, data={"csrf_token": token, "action": "import"})
    assert response.status_code == 200, response.text
    html = response.text
    assert "Unknown country" in html or "unknown country: &#39;Atlantis&#39;" in html
    assert "Name: the name is empty." in html
    rejects_token = html.split('href="/import/rejects/')[1].split('"')[0]
    rejects = browser.get(f"/import/rejects/{rejects_token}")
    assert rejects.status_code == 200 and rejects.content.startswith(b"\xef\xbb\xbfrecord,reason,External ID")
    assert count(runtime, Client) == 2
    assert browser.get("/import/rejects/not-a-token-at-all").status_code == 404


def test_the_page_checks_first_and_flags_whole_file_problems(browser: TestClient, runtime: Runtime) -> None:
    token = csrf_from(browser.get("/import").text)
    checked = browser.post(_upload(browser, token), data={"csrf_token": token, "action": "check"})
    assert checked.status_code == 200 and "Nothing has been written yet" in checked.text
    assert count(runtime, Client) == 0
    wrong = browser.get(_upload(browser, token, kind="invoices"))
    assert wrong.status_code == 200
    assert "No column is chosen for Client’s id in another system or Client name." in wrong.text
    no_file = browser.post("/import", data={"csrf_token": token, "kind": "clients"})
    assert no_file.status_code == 422 and "Choose a file to import." in no_file.text
    unknown = browser.post("/import", data={"csrf_token": token, "kind": "suppliers"}, files={"file": BAD})
    assert unknown.status_code == 422 and "Choose what the file holds." in unknown.text
    empty = browser.post("/import", data={"csrf_token": token, "kind": "invoices"},
                         files={"file": ("e.csv", b"", "text/csv")})
    assert empty.status_code == 422 and "The file is empty." in empty.text
    assert 'option value="invoices" selected' in empty.text  # the form keeps what was chosen


def test_the_page_needs_the_csrf_token_and_the_bulk_data_permission(app, runtime: Runtime, browser: TestClient) -> None:  # type: ignore[no-untyped-def]
    refused = browser.post("/import", data={"kind": "clients"}, files={"file": BAD})
    assert refused.status_code == 403 and count(runtime, Client) == 0
    staff = make_staff(runtime, Role.staff, email="clerk@firm.test")
    with TestClient(app, base_url="http://127.0.0.1") as clerk:
        sign_in(clerk, staff.email)
        assert clerk.get("/import").status_code == 403
        assert clerk.get("/export?kind=clients&format=csv").status_code == 403
    manager = make_staff(runtime, Role.manager, email="boss@firm.test")
    with TestClient(app, base_url="http://127.0.0.1") as boss:
        sign_in(boss, manager.email)
        assert boss.get("/import").status_code == 200


def test_api_upload_returns_the_report(api: TestClient, runtime: Runtime) -> None:
    response = api.post("/api/v1/imports/clients", files={"file": BAD})
    assert response.status_code == 200, response.text
    body = response.json()
    assert {k: body[k] for k in ("read", "imported", "updated", "rejected", "warnings")} == {
        "read": 7, "imported": 2, "updated": 0, "rejected": 5, "warnings": 0}
    assert body["rejects"][0] == {"record": 3, "reason": "Name: the name is empty.",
                                  "reasons": ["Name: the name is empty."]}
    assert body["file"] == "clients_bad_rows.csv" and body["encoding"] == "utf-8"
    rejects = api.get(body["rejects_url"])
    assert rejects.status_code == 200 and rejects.text.count("\n") == 6
    options = api.post("/api/v1/imports/invoices", files={"file": BAD}, data={"dry_run": "true", "map": [
        "External ID=external_id", "Name=client_name", "Created=issued_on", "City=amount"]})
    assert options.status_code == 200 and options.json()["rejected"] == 7  # no such clients, amounts are cities


def test_api_permissions_and_kinds(app, runtime: Runtime, api: TestClient) -> None:  # type: ignore[no-untyped-def]
    clerk = api_as(app, runtime, Role.staff)
    assert_error(clerk.post("/api/v1/imports/clients", files={"file": BAD}), 403, "permission_denied")
    assert_error(clerk.get("/api/v1/exports/clients"), 403, "permission_denied")
    assert_error(api.post("/api/v1/imports/suppliers", files={"file": BAD}), 422, "validation_failed", field="kind")
    assert_error(api.post("/api/v1/imports/clients", files={"file": ("e.csv", b"", "text/csv")}), 422,
                 "validation_failed", field="file")
    assert_error(api.get("/api/v1/exports/clients?format=pdf"), 422, "validation_failed", field="format")


def test_an_oversize_upload_is_refused_with_413(db_url: str, tmp_path: Path) -> None:
    runtime = open_runtime(Settings(mode="dev", database_url=db_url, data_dir=tmp_path, max_upload_mb=1),
                           upgrade=False)
    try:
        owner = make_staff(runtime, Role.owner)
        with TestClient(create_app(runtime=runtime), base_url="http://127.0.0.1") as client:
            client.headers["Authorization"] = f"Bearer {token_for(runtime, owner)}"
            big = b"Name\n" + b"x" * (1024 * 1024 + 10) + b"\n"
            error = assert_error(client.post("/api/v1/imports/clients", files={"file": ("big.csv", big, "text/csv")}),
                                 413, "payload_too_large")
            assert "1 MB" in error["message"]
        assert count(runtime, Client) == 0
    finally:
        runtime.close()


def zip_bomb() -> bytes:
    """A workbook-shaped ZIP whose sheet unpacks 200+ times bigger than it is packed."""
    book = openpyxl.Workbook()
    book.active.append(["Name"])  # type: ignore[union-attr]
    plain = io.BytesIO()
    book.save(plain)
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, \
            zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", b"<!--" + b" " * (8 << 20) + b"--></worksheet>")
            target.writestr(item.filename, data)
    return bomb.getvalue()


def test_an_xlsx_bomb_is_refused_with_422(api: TestClient, runtime: Runtime) -> None:
    bomb = zip_bomb()
    assert len(bomb) < 100_000
    error = assert_error(api.post("/api/v1/imports/clients", files={"file": ("bomb.xlsx", bomb, "application/zip")}),
                         422, "import_failed")
    assert "ZIP bomb" in error["message"]
    assert count(runtime, Client) == 0


def test_exports_download(api: TestClient, browser: TestClient, runtime: Runtime) -> None:
    api.post("/api/v1/imports/clients", files={"file": BAD})
    as_json = api.get("/api/v1/exports/clients?format=json")
    assert as_json.status_code == 200 and as_json.headers["content-type"] == "application/json"
    assert [row["external_id"] for row in json.loads(as_json.content)] == ["B-01", "B-07"]
    as_xlsx = api.get("/api/v1/exports/invoices?format=xlsx")
    assert as_xlsx.content[:2] == b"PK" and 'filename="invoices.xlsx"' in as_xlsx.headers["content-disposition"]
    page = browser.get("/export?kind=clients&format=csv")
    assert page.status_code == 200 and page.content.startswith(b"\xef\xbb\xbfexternal_id,name,kind")
    assert browser.get("/export?kind=nope&format=csv").status_code == 422

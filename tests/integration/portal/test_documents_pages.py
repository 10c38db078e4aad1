"""Shared documents on the client page's portal section: shared through the upload form (plain and
htmx), listed with their size, downloaded as an attachment, deleted by a manager only; an empty
file, a file past the limit or another client's engagement shown again next to the field with
nothing saved; a viewer downloads and changes nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.portal import documents
from servicescape.portal.models import SharedDocument
from servicescape.runtime import Runtime
from tests.integration.pages import conftest as pages
from tests.integration.pages.conftest import Browser, field_error, flash_after, plain
from tests.integration.portal.test_milestones_pages import HTMX, a_client_with_work, section

#: the page tests' fixtures: a signed-in owner, and a browser per role
owner_browser = pages.owner_browser
browser_as = pages.browser_as
REPORT = b"Site visit summary\n\nPlant room inspected; one valve to replace.\n"


def upload(browser: Browser, client_id: int, name: str = "site-visit.txt", content: bytes = REPORT,
           headers: dict[str, str] | None = None, **fields: str) -> Any:
    return browser.client.post(f"/clients/{client_id}/documents", files={"file": (name, content, "text/plain")},
                               data={"csrf_token": browser.csrf(), **fields}, headers=headers or {},
                               follow_redirects=False)


def stored(runtime: Runtime) -> int:
    with runtime.transaction() as session:
        return session.scalar(select(func.count()).select_from(SharedDocument)) or 0


def test_share_download_and_delete_from_the_client_page(owner_browser: Browser, browser_as: Any,
                                                        runtime: Runtime) -> None:
    client, active, _completed, _theirs = a_client_with_work(runtime)
    assert "No documents shared with this client yet." in plain(section(owner_browser.get(f"/clients/{client}").text))
    shared = upload(owner_browser, client, title="Site visit summary, May", engagement_id=str(active))
    assert "“Site visit summary, May” is shared with the client." in flash_after(shared, owner_browser)
    swapped = upload(owner_browser, client, name="Jelentés.txt", headers=HTMX)
    assert swapped.status_code == 200 and swapped.text.lstrip().startswith('<section class="card" id="portal_records"')
    text = plain(section(owner_browser.get(f"/clients/{client}").text))
    assert text.index("Jelentés.txt") < text.index("Site visit summary, May")          # newest first
    assert f"{len(REPORT)} bytes" in text
    with runtime.transaction() as session:
        first, second = sorted(d.id for d in documents.client_documents(session, client))
    download = owner_browser.get(f"/documents/{first}/download")
    assert download.status_code == 200 and download.content == REPORT
    assert download.headers["content-disposition"].startswith('attachment; filename="site-visit.txt"')
    assert download.headers["x-content-type-options"] == "nosniff"

    staff, viewer = browser_as(Role.staff, email="staff2@firm.test"), browser_as(Role.viewer)
    assert f'action="/documents/{first}/delete"' not in staff.get(f"/clients/{client}").text
    assert staff.post(f"/documents/{first}/delete").status_code == 403
    assert viewer.get(f"/documents/{first}/download").content == REPORT
    assert upload(viewer, client).status_code == 403
    assert "Share a document" not in viewer.get(f"/clients/{client}").text
    assert stored(runtime) == 2

    gone = owner_browser.post(f"/documents/{first}/delete", headers=HTMX)
    assert gone.status_code == 200 and "is no longer shared" in gone.text
    assert "Site visit summary, May" not in plain(section(gone.text))
    assert owner_browser.get(f"/documents/{first}/download").status_code == 404
    assert owner_browser.post(f"/documents/{second}/delete").status_code == 303
    assert stored(runtime) == 0


def test_a_refused_file_is_shown_again_next_to_its_field(owner_browser: Browser, runtime: Runtime) -> None:
    client, _active, _completed, theirs = a_client_with_work(runtime)
    empty = upload(owner_browser, client, content=b"", title="Nothing here")
    assert empty.status_code == 422
    shown = section(empty.text)
    assert field_error(shown, "f-document-file") == "The file is empty."
    assert "<details class=\"add-form\" open>" in shown and 'value="Nothing here"' in shown
    large = upload(owner_browser, client, content=b"x" * (10 * 1024 * 1024 + 1), headers=HTMX)
    assert large.status_code == 413 and "larger than the limit" in (field_error(large.text, "f-document-file") or "")
    foreign = upload(owner_browser, client, engagement_id=str(theirs))
    assert foreign.status_code == 422 and field_error(section(foreign.text), "f-document-engagement_id")
    not_an_id = upload(owner_browser, client, engagement_id="the first one")
    assert not_an_id.status_code == 422 and field_error(section(not_an_id.text), "f-document-engagement_id")
    no_file = owner_browser.post(f"/clients/{client}/documents", {"title": "No file"})
    assert no_file.status_code == 422 and field_error(section(no_file.text), "f-document-file")
    assert stored(runtime) == 0
    with runtime.transaction() as session:
        assert documents.client_documents(session, client) == []
        assert documents.documents_page(session, client, by=SYSTEM).total == 0

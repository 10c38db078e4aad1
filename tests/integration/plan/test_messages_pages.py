"""The message library's pages on both databases: the library with the languages approved and missing,
a new message with its first draft, a message's versions approved by a manager (never by the one who
wrote it), a use recorded and taken back, retiring, the adoption figures — and who may do what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from servicescape.auth.models import Role
from servicescape.plan import messages
from servicescape.plan.models import Message, MessageUse, MessageVersion, VersionStatus
from servicescape.runtime import Runtime
from tests.integration.pages.conftest import (  # noqa: F401
    Browser,
    browser_as,
    field_error,
    flash_after,
    owner_browser,
    plain,
)
from tests.integration.plan.message_firm import a_client, a_message, an_interaction


def test_the_library_a_new_message_and_its_approval(owner_browser: Browser, browser_as, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    a_message(runtime, "Buildings that keep running", ("en", "ms", "bg"), kind="positioning")
    library = owner_browser.get("/messages")
    text = plain(library.text)
    assert library.status_code == 200 and "Buildings that keep running" in text
    assert "en v1" in text and "zh-Hans, zh-Hant, hu" in text and "Positioning" in text

    refused = owner_browser.post("/messages", {"name": "", "kind": "benefit"})
    assert refused.status_code == 422 and field_error(refused.text, "f-name") is not None
    clash = owner_browser.post("/messages", {"name": "Buildings that keep running", "kind": "benefit"})
    assert clash.status_code == 409
    writer = browser_as(Role.manager, email="mei@firm.test", name="Mei Ling")
    made = writer.post("/messages", {"name": "Your line keeps running", "kind": "benefit", "segment": "",
                                     "owner_id": str(writer.staff.id), "language": "en",
                                     "text": "Your production line keeps running."})
    assert made.status_code == 303, made.text
    page_url = made.headers["location"]
    message_id = int(page_url.rsplit("/", 1)[1])
    page = writer.get(page_url)
    assert page.status_code == 200 and "Your production line keeps running." in plain(page.text)
    assert "You wrote this draft: another manager approves it." in plain(page.text)
    with runtime.transaction() as session:
        draft = session.query(MessageVersion).filter_by(message_id=message_id).one()
        draft_id = draft.id
        assert draft.written_by_id == writer.staff.id
    # the writer (a manager) is refused; the owner approves
    assert writer.post(f"/messages/versions/{draft_id}/approve").status_code == 422
    approved = owner_browser.post(f"/messages/versions/{draft_id}/approve")
    assert "approved" in flash_after(approved, owner_browser)

    added = writer.post(f"/messages/{message_id}/versions", {"language": "ms", "text": "Barisan anda terus bergerak."})
    assert added.status_code == 303
    assert writer.post(f"/messages/{message_id}/versions", {"language": "ms", "text": " "}).status_code == 422
    wrong = writer.post(f"/messages/{message_id}/versions", {"language": "xx", "text": "Hm"})
    assert wrong.status_code == 422 and field_error(wrong.text, "f-version-language") is not None
    with runtime.transaction() as session:
        malay = session.query(MessageVersion).filter_by(message_id=message_id, language="ms").one()
        malay_id = malay.id
    assert owner_browser.post(f"/messages/versions/{malay_id}/discard").status_code == 303
    edited = writer.post(f"/messages/{message_id}", {"name": "Your line never stops", "kind": "benefit",
                                                     "segment": "", "owner_id": ""})
    assert edited.status_code == 303
    bad_edit = writer.post(f"/messages/{message_id}", {"name": "Your line never stops", "kind": "feature"})
    assert bad_edit.status_code == 422 and field_error(bad_edit.text, "f-edit-kind") is not None
    with runtime.transaction() as session:
        found = session.get(Message, message_id)
        assert found is not None and found.name == "Your line never stops" and found.owner_id is None
        assert session.query(MessageVersion).filter_by(message_id=message_id, language="ms").count() == 0

    retired = owner_browser.post(f"/messages/{message_id}/retire")
    assert retired.status_code == 303
    assert "Your line never stops" not in plain(owner_browser.get("/messages").text)
    assert "Your line never stops" in plain(owner_browser.get("/messages?retired=1").text)
    assert owner_browser.post(f"/messages/{message_id}/reinstate").status_code == 303
    assert owner_browser.post(f"/messages/{message_id}/delete").status_code == 303
    assert owner_browser.get(f"/messages/{message_id}").status_code == 404


def test_a_use_recorded_on_the_message_page_and_the_adoption_page(owner_browser: Browser, runtime: Runtime) -> None:  # noqa: F811
    client_id = a_client(runtime, "Permata Timur Sdn Bhd", language="ms")
    talk = an_interaction(runtime, client_id, owner_browser.staff.id, datetime.now(UTC) - timedelta(hours=3))
    message_id = a_message(runtime, "Your plant keeps running", ("en", "ms"))
    page = owner_browser.get(f"/messages/{message_id}")
    assert "Permata Timur Sdn Bhd" in plain(page.text)               # the interaction to choose
    missing = owner_browser.post(f"/messages/{message_id}/uses", {"interaction_id": ""})
    assert missing.status_code == 422 and field_error(missing.text, "f-use-interaction_id") is not None
    not_in = owner_browser.post(f"/messages/{message_id}/uses", {"interaction_id": str(talk), "language": "hu"})
    assert not_in.status_code == 422 and field_error(not_in.text, "f-use-language") is not None
    used = owner_browser.post(f"/messages/{message_id}/uses", {"interaction_id": str(talk), "language": ""})
    assert "recorded" in flash_after(used, owner_browser)
    shown = plain(owner_browser.get(f"/messages/{message_id}").text)
    assert "ms v1" in shown and "Permata Timur Sdn Bhd" in shown
    adoption = plain(owner_browser.get("/messages/adoption").text)
    assert "Owner Person" in adoption and "100%" in adoption and "Your plant keeps running" in adoption
    assert owner_browser.get("/messages/adoption?since=2026-03-31&until=2026-03-01").status_code == 422
    with runtime.transaction() as session:
        use_id = session.query(MessageUse).one().id
    assert owner_browser.post(f"/messages/uses/{use_id}/delete").status_code == 303
    assert "Not used yet." in plain(owner_browser.get(f"/messages/{message_id}").text)


def test_who_may_do_what(browser_as, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    message_id = a_message(runtime, "Your plant keeps running", ("en",))
    with runtime.transaction() as session:
        from servicescape.auth.permissions import SYSTEM

        draft = messages.add_version(session, message_id, "ms", "Loji anda terus berjalan.", by=SYSTEM).id
    viewer, staff = browser_as(Role.viewer), browser_as(Role.staff)
    for who in (viewer, staff):
        assert who.get("/messages").status_code == 200
        assert who.get(f"/messages/{message_id}").status_code == 200
        assert who.get("/messages/adoption").status_code == 200
    assert "A new message" not in plain(viewer.get("/messages").text)
    assert viewer.post("/messages", {"name": "Mine", "kind": "benefit"}).status_code == 403
    assert viewer.post(f"/messages/{message_id}/versions", {"language": "hu", "text": "x"}).status_code == 403
    assert staff.post(f"/messages/{message_id}/versions", {"language": "hu", "text": "Az üzeme működik."}
                      ).status_code == 303
    assert staff.post(f"/messages/versions/{draft}/approve").status_code == 403
    assert staff.post(f"/messages/{message_id}/retire").status_code == 403
    assert staff.post(f"/messages/{message_id}/delete").status_code == 403
    assert f"/messages/versions/{draft}/approve" not in staff.get(f"/messages/{message_id}").text
    with runtime.transaction() as session:
        assert session.get(MessageVersion, draft).status == VersionStatus.draft  # type: ignore[union-attr]

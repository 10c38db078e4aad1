"""The message library through the API on both databases: versions numbered per language, the approval
rules (a manager does not approve their own draft, the owner may; the text approved before is
superseded; an older draft cannot come back; a retired message takes nothing new), uses recorded
on interactions only once approved, and the adoption figures against numbers counted by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.plan import message_uses
from servicescape.plan.models import MessageVersion
from servicescape.runtime import Runtime
from tests.conftest import api_as, make_staff, token_for
from tests.integration.plan.message_firm import a_client, a_message, an_interaction


def test_versions_and_the_approval_rules(api: TestClient, app, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    made = api.post("/api/v1/messages", json={"name": "Your plant keeps running", "kind": "benefit",
                                              "segment": " Industrial "})
    assert made.status_code == 201, made.text
    message = made.json()
    assert message["segment"] == "Industrial" and message["retired"] is False
    assert api.get(f"/api/v1/messages/{message['id']}").json() == message
    versions = f"/api/v1/messages/{message['id']}/versions"

    manager = make_staff(runtime, Role.manager, email="boss@firm.test")
    as_manager = TestClient(app, base_url="http://127.0.0.1")
    as_manager.headers["Authorization"] = f"Bearer {token_for(runtime, manager)}"
    first = as_manager.post(versions, json={"language": "en", "text": "Your plant keeps running."}).json()
    second = as_manager.post(versions, json={"language": "en", "text": "Your plant runs while we look after it."})
    malay = as_manager.post(versions, json={"language": "MS", "text": "Loji anda terus berjalan."}).json()
    assert (first["version"], second.json()["version"], malay["version"]) == (1, 2, 1)
    assert first["status"] == "draft" and first["written_by_id"] == manager.id and malay["language"] == "ms"

    # a manager does not approve a draft they wrote; the owner may (the owner's own drafts too)
    own = as_manager.post(f"/api/v1/message-versions/{first['id']}/approve")
    assert own.status_code == 422 and own.json()["error"]["field"] == "approved_by_id"
    staff = api_as(app, runtime, Role.staff)
    assert staff.post(f"/api/v1/message-versions/{first['id']}/approve").status_code == 403
    approved = api.post(f"/api/v1/message-versions/{first['id']}/approve").json()
    assert approved["status"] == "approved" and approved["approved_by_id"] is not None
    assert approved["approved_at"] is not None
    assert api.post(f"/api/v1/message-versions/{first['id']}/approve").status_code == 409     # not a draft
    newer = api.post(f"/api/v1/message-versions/{second.json()['id']}/approve").json()
    assert newer["status"] == "approved"
    shown = api.get(versions).json()
    statuses = {v["version"]: v["status"] for v in shown["versions"] if v["language"] == "en"}
    assert statuses == {1: "superseded", 2: "approved"}
    assert shown["approved"] == {"en": "Your plant runs while we look after it."}
    assert shown["missing_languages"] == ["ms", "bg", "zh-Hans", "zh-Hant", "hu"]

    # an older draft cannot bring back older words once a newer version is approved
    third = api.post(versions, json={"language": "en", "text": "Old words, written late."}).json()
    api.post(f"/api/v1/message-versions/{third['id']}/approve")
    with runtime.transaction() as session:
        stale = MessageVersion(message_id=message["id"], language="ms", version=0, text="x")
        session.add(stale)
        session.flush()
        stale_id = stale.id
    api.post(f"/api/v1/message-versions/{malay['id']}/approve")
    refused = api.post(f"/api/v1/message-versions/{stale_id}/approve")
    assert refused.status_code == 409 and refused.json()["error"]["field"] == "version"
    assert api.delete(f"/api/v1/message-versions/{stale_id}").status_code == 204
    assert api.delete(f"/api/v1/message-versions/{malay['id']}").status_code == 409          # approved: kept

    bad = api.post(versions, json={"language": "xx", "text": "Hm"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "language"
    assert api.post(versions, json={"language": "en", "text": ""}).status_code == 422
    assert api.post("/api/v1/messages/999999/versions", json={"language": "en", "text": "x"}).status_code == 404

    # retired: no new version or approval; back in use when reinstated
    assert staff.post(f"/api/v1/messages/{message['id']}/retire").status_code == 403
    assert api.post(f"/api/v1/messages/{message['id']}/retire").json()["retired"] is True
    assert api.post(versions, json={"language": "hu", "text": "Szia"}).status_code == 409
    assert api.patch(f"/api/v1/messages/{message['id']}", json={"retired": False}).status_code == 422
    assert api.post(f"/api/v1/messages/{message['id']}/reinstate").json()["retired"] is False
    assert api.post(versions, json={"language": "hu", "text": "Az üzeme működik."}).status_code == 201
    as_manager.close()
    staff.close()


def test_uses_need_an_approved_text_and_a_real_interaction(api: TestClient, app, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    client_id = a_client(runtime, "Permata Timur Sdn Bhd", language="ms")
    other_id = a_client(runtime, "Budapest Kft.", language="hu")
    person = make_staff(runtime, Role.staff, email="ana@firm.test")
    talk = an_interaction(runtime, client_id, person.id, datetime.now(UTC) - timedelta(days=1))
    other_talk = an_interaction(runtime, other_id, person.id, datetime.now(UTC) - timedelta(days=1))
    approved = a_message(runtime, "Your plant keeps running", ("en", "ms"))
    draft_only = api.post("/api/v1/messages", json={"name": "Energy you no longer pay for"}).json()["id"]
    api.post(f"/api/v1/messages/{draft_only}/versions", json={"language": "en", "text": "A draft"})

    unapproved = api.post("/api/v1/message-uses", json={"message_id": draft_only, "interaction_id": talk})
    assert unapproved.status_code == 422 and unapproved.json()["error"]["field"] == "message_id"
    missing = api.post("/api/v1/message-uses", json={"message_id": approved, "interaction_id": 999999})
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "interaction_id"
    unknown = api.post("/api/v1/message-uses", json={"message_id": 999999, "interaction_id": talk})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "message_id"
    not_in = api.post("/api/v1/message-uses", json={"message_id": approved, "interaction_id": talk,
                                                    "language": "hu"})
    assert not_in.status_code == 422 and not_in.json()["error"]["field"] == "language"

    used = api.post("/api/v1/message-uses", json={"message_id": approved, "interaction_id": talk})
    assert used.status_code == 201, used.text
    use = used.json()
    with runtime.transaction() as session:
        version = session.get(MessageVersion, use["version_id"])
        assert version is not None and version.language == "ms"             # the client's language
    assert use["client_id"] == client_id and use["used_by_id"] == person.id
    # the Hungarian client: the message is not approved in Hungarian, so the latest approved text
    elsewhere = api.post("/api/v1/message-uses", json={"message_id": approved, "interaction_id": other_talk}).json()
    assert elsewhere["version_id"] is not None
    twice = api.post("/api/v1/message-uses", json={"message_id": approved, "interaction_id": talk})
    assert twice.status_code == 409 and twice.json()["error"]["field"] == "interaction_id"

    viewer = api_as(app, runtime, Role.viewer)
    assert viewer.post("/api/v1/message-uses", json={"message_id": approved, "interaction_id": other_talk}
                       ).status_code == 403
    assert [u["id"] for u in viewer.get("/api/v1/message-uses", params={"client_id": client_id}).json()] == [use["id"]]
    assert len(api.get("/api/v1/message-uses", params={"message_id": approved}).json()) == 2
    # a used message is retired, not deleted
    assert api.delete(f"/api/v1/messages/{approved}").status_code == 409
    assert viewer.delete(f"/api/v1/message-uses/{use['id']}").status_code == 403
    assert api.delete(f"/api/v1/message-uses/{use['id']}").status_code == 204
    assert api.get("/api/v1/message-uses", params={"interaction_id": talk}).json() == []
    api.post(f"/api/v1/messages/{approved}/retire")
    retired = api.post("/api/v1/message-uses", json={"message_id": approved, "interaction_id": talk})
    assert retired.status_code == 409
    assert api.delete(f"/api/v1/messages/{draft_only}").status_code == 204
    viewer.close()


def test_adoption_with_numbers_counted_by_hand(api: TestClient, runtime: Runtime) -> None:
    """In the period: Ana had 4 interactions, 3 with a message (75 %); Ben 2, none; one interaction
    nobody was recorded on. Before the period Ben used a message once (not counted). Uses in the
    period: "running" twice, "who" once — so the most used has 2 of 3 uses."""
    client_id = a_client(runtime, "Permata Timur Sdn Bhd", language="en")
    ana = make_staff(runtime, Role.staff, email="ana@firm.test", name="Ana")
    ben = make_staff(runtime, Role.staff, email="ben@firm.test", name="Ben")
    running = a_message(runtime, "Your plant keeps running", ("en",))
    who = a_message(runtime, "You always know who is coming", ("en",))
    inside = datetime(2026, 3, 10, 4, tzinfo=UTC)
    talks = [an_interaction(runtime, client_id, ana.id, inside + timedelta(days=n)) for n in range(4)]
    quiet = [an_interaction(runtime, client_id, ben.id, inside + timedelta(days=n)) for n in range(2)]
    an_interaction(runtime, client_id, None, inside)
    before = an_interaction(runtime, client_id, ben.id, datetime(2026, 2, 27, 4, tzinfo=UTC))
    with runtime.transaction() as session:
        for message_id, interaction_id in ((running, talks[0]), (running, talks[1]), (who, talks[2]),
                                           (who, before)):
            message_uses.record_use(session, message_id=message_id, interaction_id=interaction_id, by=SYSTEM)

    figures = api.get("/api/v1/message-adoption", params={"since": "2026-03-01", "until": "2026-03-31"})
    assert figures.status_code == 200, figures.text
    found = figures.json()
    assert (found["interactions"], found["with_message"], found["share"]) == (7, 3, 3 / 7)
    assert found["uses"] == 3 and found["top_share"] == 2 / 3
    staff = {row["name"]: (row["interactions"], row["with_message"], row["share"]) for row in found["staff"]}
    assert staff == {"Ana": (4, 3, 0.75), "Ben": (2, 0, 0.0), "": (1, 0, 0.0)}
    assert [row["name"] for row in found["staff"]] == ["Ana", "Ben", ""]        # the busiest first, nobody last
    per_message = {row["name"]: (row["uses"], row["in_interactions"], row["people"]) for row in found["messages"]}
    assert per_message == {"Your plant keeps running": (2, 2, 1), "You always know who is coming": (1, 1, 1)}
    assert quiet  # Ben's interactions count, without a message
    # the firm's clock: the day before the period (Kuala Lumpur) is not in it
    late = api.get("/api/v1/message-adoption", params={"since": "2026-02-28", "until": "2026-02-28"}).json()
    assert (late["interactions"], late["with_message"]) == (0, 0)
    early = api.get("/api/v1/message-adoption", params={"since": "2026-02-27", "until": "2026-02-27"}).json()
    assert (early["interactions"], early["with_message"], early["top_share"]) == (1, 1, 1.0)
    empty = api.get("/api/v1/message-adoption", params={"since": "2025-01-01", "until": "2025-01-31"}).json()
    assert empty["share"] is None and empty["top_share"] is None and empty["staff"] == []
    backwards = api.get("/api/v1/message-adoption", params={"since": "2026-03-31", "until": "2026-03-01"})
    assert backwards.status_code == 422 and backwards.json()["error"]["field"] == "until"
    assert api.get("/api/v1/message-adoption").status_code == 200       # the last 90 days by default
    with runtime.transaction() as session:
        assert session.scalar(select(MessageVersion.id).where(MessageVersion.message_id == who)) is not None

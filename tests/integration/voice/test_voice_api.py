"""Voice of the client through the API on both databases: reviews in and out, comments with their
reading and filters, similar comments, the heatmap, themes, reading on demand, progress — and the
4xx answers and the roles' limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.runtime import Runtime
from servicescape.voice import analysis
from tests.conftest import api_as

TEXTS = ["We waited three weeks for a reply to our e-mail.", "Nobody answers the phone; we called four times.",
         "The invoice was far higher than the quote.", "Hidden charges on every bill.",
         "Very knowledgeable lawyer, we felt in safe hands.", "A számla sokkal magasabb volt, mint az árajánlat.",
         "师傅很专业，修好后还教我们怎么保养。"]


def _client(runtime: Runtime) -> int:
    with runtime.transaction() as session:
        return clients.clients.create(session, {"name": "Syarikat Maju Jaya", "tier": "growth"}, by=SYSTEM).id


def test_reviews_comments_and_what_they_say(api: TestClient, runtime: Runtime) -> None:
    client_id = _client(runtime)
    said = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    made = [api.post("/api/v1/voice/reviews", json={"text": text, "client_id": client_id, "said_at": said,
                                                    "channel": "Google", "rating": 2}) for text in TEXTS]
    assert all(r.status_code == 201 for r in made), made[0].text
    review = made[0].json()
    assert review["channel"] == "Google" and review["rating"] == 2
    assert api.get(f"/api/v1/voice/reviews/{review['id']}").json()["text"] == TEXTS[0]

    waiting = api.get("/api/v1/voice/progress").json()
    assert waiting == {"total": 0, "analysed": 0, "waiting": 0}    # not collected until the job runs
    analysis.work_off(runtime)
    assert api.get("/api/v1/voice/progress").json() == {"total": 7, "analysed": 7, "waiting": 0}

    page = api.get("/api/v1/voice/comments", params={"per_page": 5}).json()
    assert page["total"] == 7 and page["pages"] == 2 and len(page["items"]) == 5
    first = page["items"][0]
    assert first["source"] == "review" and first["sentiment"] in ("negative", "neutral", "positive")
    assert first["dimensions"][0] == first["primary_dimension"] and first["analysed_at"]
    assert api.get("/api/v1/voice/comments", params={"language": "zh-Hans"}).json()["total"] == 1
    assert api.get("/api/v1/voice/comments", params={"tier": "key"}).json()["total"] == 0
    negative = api.get("/api/v1/voice/comments", params={"sentiment": "negative", "client_id": client_id}).json()
    assert 3 <= negative["total"] <= 6
    one = api.get(f"/api/v1/voice/comments/{first['id']}").json()
    assert one["text"] == first["text"]
    alike = api.get(f"/api/v1/voice/comments/{first['id']}/similar", params={"limit": 3}).json()
    assert len(alike) == 3 and alike[0]["similarity"] >= alike[2]["similarity"]

    heat = api.get("/api/v1/voice/heatmap").json()
    assert heat["total"] == 7 and sum(c["comments"] for c in heat["cells"]) == 7
    themes = api.get("/api/v1/voice/themes", params={"count": 2}).json()
    assert themes["comments"] == 7 and sum(t["comments"] for t in themes["themes"]) == 7

    assert api.delete(f"/api/v1/voice/reviews/{review['id']}").status_code == 204
    assert api.get(f"/api/v1/voice/reviews/{review['id']}").status_code == 404
    assert api.get(f"/api/v1/voice/comments/{first['id'] + 1000}").status_code == 404


def test_reading_on_demand_stores_nothing(api: TestClient) -> None:
    answer = api.post("/api/v1/voice/classify", json={"texts": ["Terrible, the engineer never came.",
                                                                "Gyorsan válaszoltak, köszönjük!"]})
    assert answer.status_code == 200, answer.text
    readings = answer.json()["readings"]
    assert [r["language"] for r in readings] == ["en", "hu"] and readings[0]["sentiment"] == "negative"
    assert api.get("/api/v1/voice/comments").json()["total"] == 0
    for body, field in (({"texts": []}, "texts"), ({"texts": ["   "]}, "texts.0"), ({"texts": ["x"] * 101}, "texts")):
        refused = api.post("/api/v1/voice/classify", json=body)
        assert refused.status_code == 422, refused.text
        assert field in refused.text


def test_bad_input_is_refused_naming_the_field(api: TestClient) -> None:
    for params, field in (({"sentiment": "angry"}, "sentiment"), ({"language": "xx"}, "language"),
                          ({"dimension": "speed"}, "dimension"), ({"said_from": "2026-13-01"}, "said_from"),
                          ({"source": "fax"}, "source"), ({"segment": "\x00"}, "segment"),
                          ({"said_from": "0001-01-01"}, "said_from"), ({"said_to": "9999-12-31"}, "said_to")):
        answer = api.get("/api/v1/voice/comments", params=params)
        assert answer.status_code == 422 and field in answer.text, answer.text
    period = api.get("/api/v1/voice/heatmap", params={"said_from": "2026-05-01", "said_to": "2026-04-01"})
    assert period.status_code == 422 and "said_to" in period.text
    for body, field in (({"text": "   "}, "text"), ({"text": "ok", "rating": 6}, "rating"),
                        ({"text": "ok", "client_id": 999999}, "client_id"),
                        ({"text": "ok", "said_at": "2026-01-01T10:00:00"}, "said_at"),
                        ({"text": "ok", "said_at": (datetime.now(UTC) + timedelta(days=2)).isoformat()}, "said_at")):
        answer = api.post("/api/v1/voice/reviews", json=body)
        assert answer.status_code == 422 and field in answer.text, answer.text
    first = api.post("/api/v1/voice/reviews", json={"text": "ok", "external_id": "G-1", "author": "A" * 300,
                                                    "channel": "C" * 300})
    assert first.status_code == 201, first.text
    again = api.post("/api/v1/voice/reviews", json={"text": "ok", "external_id": "G-1"})
    assert again.status_code == 409 and "external_id" in again.text


def test_roles(app, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    viewer, staff, manager = (api_as(app, runtime, role) for role in (Role.viewer, Role.staff, Role.manager))
    assert viewer.get("/api/v1/voice/comments").status_code == 200
    assert viewer.post("/api/v1/voice/reviews", json={"text": "x"}).status_code == 403
    made = staff.post("/api/v1/voice/reviews", json={"text": "Good work."})
    assert made.status_code == 201
    assert staff.delete(f"/api/v1/voice/reviews/{made.json()['id']}").status_code == 403
    assert manager.delete(f"/api/v1/voice/reviews/{made.json()['id']}").status_code == 204

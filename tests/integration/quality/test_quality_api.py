"""Service quality through the API on both databases: build and activate a survey, type in
responses with known values, read the gaps back (checked against figures computed here by hand),
the splits and the NPS trend; the firm's own questions; campaigns and their mail-merge links; and
the 4xx answers that name the field and save nothing."""

from __future__ import annotations

import csv
import io
import math
import statistics
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.clients.models import Client
from servicescape.config import LANGUAGES
from servicescape.promises.capability import RECOVERY
from servicescape.quality.instrument import DIMENSIONS, STATEMENTS
from servicescape.runtime import Runtime
from servicescape.tasks.models import Task, TaskStatus
from tests.conftest import api_as

T_975_DF2 = 4.302653   # Student's t, 0.975, 2 degrees of freedom (three respondents)
IMPORTANCE = {"tangibles": 10, "reliability": 30, "responsiveness": 20, "assurance": 20, "empathy": 20}


def _clients(runtime: Runtime, owner: Staff) -> list[int]:
    with runtime.transaction() as session:
        return [clients.clients.create(session, {"name": name, "tier": tier, "segment": segment, "language": "hu",
                                                 "owner_id": owner.id, "email": f"{n}@client.example"}, by=SYSTEM).id
                for n, (name, tier, segment) in enumerate((("Hegyvidék Szerviz Kft.", "key", "Retail"),
                                                           ("Duna Kert Bt.", "growth", "Retail"),
                                                           ("Tisza Tech Zrt.", "key", "Industry")))]


def _answers(expected: dict[str, int], perceived: dict[str, int], nps: int) -> dict[str, Any]:
    """Every statement of a dimension answered alike: ``expected[d]`` and ``perceived[d]``."""
    values: dict[str, Any] = {}
    for statement in STATEMENTS:
        values[f"{statement.code}_e"] = expected[statement.dimension]
        values[f"{statement.code}_p"] = perceived[statement.dimension]
    values.update({f"importance_{d}": points for d, points in IMPORTANCE.items()})
    values["nps"] = nps
    return values


def _alike(value: int, tangibles: int | None = None) -> dict[str, int]:
    return {d: tangibles if d == "tangibles" and tangibles is not None else value for d in DIMENSIONS}


#: three respondents: their own gap (P − E) in tangibles and in every other dimension, and their NPS
RESPONDENTS = (
    (_alike(7), _alike(5), 9),                       # −2 everywhere, a promoter
    (_alike(6), _alike(6), 6),                       # 0 everywhere, a detractor
    (_alike(7, tangibles=5), _alike(4, tangibles=6), 10),   # +1 tangibles, −3 elsewhere, a promoter
)


def _by_hand(gaps: list[float]) -> tuple[float, float, float]:
    mean = statistics.fmean(gaps)
    half = T_975_DF2 * statistics.stdev(gaps) / math.sqrt(len(gaps))
    return mean, mean - half, mean + half


def _servqual_survey(api: TestClient) -> dict[str, Any]:
    made = api.post("/api/v1/quality/surveys", json={"name": "SERVQUAL 2026 tavasz", "kind": "servqual"})
    assert made.status_code == 201, made.text
    assert made.headers["Location"] == f"/api/v1/quality/surveys/{made.json()['id']}"
    activated = api.post(f"/api/v1/quality/surveys/{made.json()['id']}/activate")
    assert activated.status_code == 200, activated.text
    return activated.json()  # type: ignore[no-any-return]


def test_responses_typed_in_give_the_gaps_computed_by_hand(api: TestClient, runtime: Runtime, owner: Staff) -> None:
    client_ids = _clients(runtime, owner)
    survey = _servqual_survey(api)
    assert survey["status"] == "active" and survey["language"] == "en"
    codes = [item["code"] for item in survey["items"]]
    assert codes[:22] == [f"servqual_{n}" for n in range(1, 23)] and "nps" in codes
    fifth = survey["items"][4]
    assert fifth["text"] == "When we promise to do something by a certain time, we do so."
    assert fifth["expected_text"].startswith("When excellent firms promise") and fifth["built_in"]
    hungarian = api.get(f"/api/v1/quality/surveys/{survey['id']}", params={"language": "hu"}).json()
    reliability = next(item for item in hungarian["items"] if item["code"] == "importance_reliability")
    assert hungarian["language"] == "hu" and reliability["text"] == "Megbízhatóság"

    for client_id, (expected, perceived, nps) in zip(client_ids, RESPONDENTS, strict=True):
        made = api.post("/api/v1/quality/responses", json={
            "survey_id": survey["id"], "client_id": client_id, "answers": _answers(expected, perceived, nps)})
        assert made.status_code == 201, made.text
    one = api.get(made.headers["Location"]).json()
    assert (one["client_name"], one["survey_name"], one["nps"], one["source"]) == (
        "Tisza Tech Zrt.", "SERVQUAL 2026 tavasz", 10, "staff")
    first = next(a for a in one["answers"] if a["code"] == "servqual_1")
    assert (first["expected"], first["perceived"], first["dimension"]) == (5, 6, "tangibles")
    assert len(one["tasks"]) == 1   # a promoter: ask for a testimonial

    found = api.get("/api/v1/quality/results", params={"survey_id": survey["id"]})
    assert found.status_code == 200, found.text
    result = found.json()
    servqual = result["servqual"]
    assert servqual["respondents"] == 3 and servqual["equal_weights"] is False
    own_gaps = {"tangibles": [-2.0, 0.0, 1.0], **{d: [-2.0, 0.0, -3.0] for d in DIMENSIONS[1:]}}
    for dimension in DIMENSIONS:
        mean, low, high = _by_hand(own_gaps[dimension])
        got = servqual["dimensions"][dimension]
        assert got["n"] == 3 and got["importance"] == IMPORTANCE[dimension]
        assert got["gap"] == pytest.approx(mean, abs=1e-4)
        assert (got["ci_low"], got["ci_high"]) == (pytest.approx(low, abs=1e-4), pytest.approx(high, abs=1e-4))
    weighted = {d: statistics.fmean(own_gaps[d]) * IMPORTANCE[d] / 100 for d in DIMENSIONS}
    assert servqual["weighted_score"] == pytest.approx(sum(weighted.values()), abs=1e-4)   # −1.5333
    assert servqual["fix_first"] == ["reliability", "responsiveness", "assurance", "empathy", "tangibles"]
    item_five = next(item for item in servqual["items"] if item["number"] == 5)
    assert (item_five["expected"], item_five["perceived"]) == (pytest.approx(20 / 3, abs=1e-4),
                                                               pytest.approx(5.0, abs=1e-4))
    nps = result["nps"]
    assert (nps["n"], nps["promoters"], nps["detractors"]) == (3, 2, 1)
    assert nps["score"] == pytest.approx(100 / 3, abs=0.01)
    half = 1.96 * math.sqrt((1 - (1 / 3) ** 2) * 100 ** 2 / 3)
    assert (nps["ci_low"], nps["ci_high"]) == (pytest.approx(100 / 3 - half, abs=0.01), 100.0)
    assert result["csat"]["n"] == 0 and result["response_rates"] == []

    by_tier = api.get("/api/v1/quality/results/by/tier", params={"survey_id": survey["id"]}).json()
    assert [(row["key"], row["n"]) for row in by_tier] == [("key", 2), ("growth", 1)]
    key = next(row for row in by_tier if row["key"] == "key")
    assert key["dimensions"]["reliability"]["gap"] == pytest.approx(-2.5, abs=1e-4)
    by_segment = api.get("/api/v1/quality/results/by/segment").json()
    assert {row["label"]: row["n"] for row in by_segment} == {"Industry": 1, "Retail": 2}
    for group in ("owner", "package", "period"):
        split = api.get(f"/api/v1/quality/results/by/{group}", params={"survey_id": survey["id"]})
        assert split.status_code == 200 and sum(row["n"] for row in split.json()) == 3, (group, split.text)
    trend = api.get("/api/v1/quality/nps/trend", params={"months": 3}).json()
    assert len(trend) == 3 and trend[-1]["n"] == 3 and trend[0]["n"] == 0
    assert trend[-1]["score"] == pytest.approx(100 / 3, abs=0.01)

    listed = api.get("/api/v1/quality/responses", params={"survey_id": survey["id"], "nps": "detractors"}).json()
    assert listed["total"] == 1 and listed["items"][0]["client_name"] == "Duna Kert Bt."
    assert api.get("/api/v1/quality/responses", params={"client_id": client_ids[0]}).json()["total"] == 1
    surveys_listed = api.get("/api/v1/quality/surveys").json()
    assert [(s["id"], s["responses"]) for s in surveys_listed] == [(survey["id"], 3)]
    answered = api.delete(f"/api/v1/quality/surveys/{survey['id']}")
    assert answered.status_code == 409 and answered.json()["error"]["field"] == "survey"
    closed = api.post(f"/api/v1/quality/surveys/{survey['id']}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_bad_answers_name_the_field_and_save_nothing(app: Any, api: TestClient, runtime: Runtime,
                                                     owner: Staff) -> None:
    client_id = _clients(runtime, owner)[0]
    survey = _servqual_survey(api)
    good = _answers(_alike(7), _alike(5), 9)

    def record(answers: dict[str, Any], **more: Any) -> Any:
        return api.post("/api/v1/quality/responses", json={"survey_id": survey["id"], "client_id": client_id,
                                                           "answers": answers, **more})

    out_of_range = record({**good, "servqual_3_e": 8})
    assert out_of_range.status_code == 422
    assert out_of_range.json()["error"]["field"] == "servqual_3_e"
    nps_too_high = record({**good, "nps": 11})
    assert nps_too_high.status_code == 422 and nps_too_high.json()["error"]["field"] == "nps"
    missing = record({key: value for key, value in good.items() if key != "nps"})
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "nps"
    half = record({key: value for key, value in good.items() if key != "servqual_7_p"})
    assert half.status_code == 422 and half.json()["error"]["field"] == "servqual_7_p"
    points = record({**good, "importance_empathy": 25})
    assert points.status_code == 422 and points.json()["error"]["field"] == "importance_tangibles"
    a_bool = record({**good, "nps": True})
    assert a_bool.status_code == 422 and "nps" in a_bool.json()["error"]["field"]
    naive = record(good, submitted_at="2026-03-01T10:00:00")
    assert naive.status_code == 422 and naive.json()["error"]["field"] == "submitted_at"
    assert record(good, language="fr").json()["error"]["field"] == "language"
    unknown_client = record(good, client_id=999_999)
    assert unknown_client.status_code == 422 and unknown_client.json()["error"]["field"] == "client_id"
    unknown_survey = api.post("/api/v1/quality/responses", json={"survey_id": 999_999, "client_id": client_id,
                                                                 "answers": good})
    assert unknown_survey.status_code == 422 and unknown_survey.json()["error"]["field"] == "survey_id"
    assert api.get("/api/v1/quality/responses").json()["total"] == 0      # nothing half-saved
    assert api.get("/api/v1/quality/results").json()["servqual"]["respondents"] == 0

    viewer = api_as(app, runtime, Role.viewer)
    refused = viewer.post("/api/v1/quality/responses", json={"survey_id": survey["id"], "client_id": client_id,
                                                             "answers": good})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    assert viewer.get("/api/v1/quality/results").status_code == 200
    assert viewer.post("/api/v1/quality/surveys", json={"name": "Mine", "kind": "nps"}).status_code == 403
    staff = api_as(app, runtime, Role.staff)
    typed = staff.post("/api/v1/quality/responses", json={"survey_id": survey["id"], "client_id": client_id,
                                                          "answers": good})
    assert typed.status_code == 201, typed.text
    assert api.get("/api/v1/quality/responses/999999").status_code == 404
    assert api.get("/api/v1/quality/surveys/999999").status_code == 404
    assert api.get("/api/v1/quality/results", params={"from": "2026-05-02", "to": "2026-05-01"}).json()[
        "error"]["field"] == "to"
    assert api.get("/api/v1/quality/results/by/weekday").status_code == 422
    assert api.get(f"/api/v1/quality/surveys/{survey['id']}", params={"language": "fr"}).status_code == 422


def test_the_firms_own_questions(api: TestClient) -> None:
    made = api.post("/api/v1/quality/surveys", json={"name": "Onboarding", "kind": "custom"})
    assert made.status_code == 201 and made.json()["items"] == []
    survey_id = made.json()["id"]
    empty = api.post(f"/api/v1/quality/surveys/{survey_id}/activate")
    assert empty.status_code == 422 and empty.json()["error"]["field"] == "items"
    too_few = api.post(f"/api/v1/quality/surveys/{survey_id}/items", json={
        "kind": "single", "texts": {"en": "Which office?"}, "choices": [{"en": "Kuala Lumpur"}]})
    assert too_few.status_code == 422 and too_few.json()["error"]["field"] == "choices"
    bad_scale = api.post(f"/api/v1/quality/surveys/{survey_id}/items", json={
        "kind": "scale", "texts": {"en": "How easy?"}, "scale_min": 5, "scale_max": 3})
    assert bad_scale.status_code == 422 and bad_scale.json()["error"]["field"] == "scale_max"
    office = api.post(f"/api/v1/quality/surveys/{survey_id}/items", json={
        "kind": "single", "texts": {"en": "Which office?"}, "choices": [{"en": "Kuala Lumpur"}, {"en": "Sofia"}]})
    assert office.status_code == 201, office.text
    assert (office.json()["code"], office.json()["choices"], office.json()["built_in"]) == (
        "q1", ["Kuala Lumpur", "Sofia"], False)
    incomplete = api.post(f"/api/v1/quality/surveys/{survey_id}/activate")
    assert incomplete.status_code == 422 and incomplete.json()["error"]["field"] == "texts"
    assert {"item": "q1", "language": "hu"} in incomplete.json()["error"]["details"]
    everywhere = {language: f"How easy was it? ({language})" for language in LANGUAGES}
    scale = api.post(f"/api/v1/quality/surveys/{survey_id}/items", params={"language": "bg"}, json={
        "kind": "scale", "texts": everywhere, "scale_min": 1, "scale_max": 7})
    assert scale.status_code == 201 and scale.json()["text"] == "How easy was it? (bg)"
    removed = api.delete(f"/api/v1/quality/surveys/{survey_id}/items/{office.json()['id']}")
    assert removed.status_code == 204
    detail = api.get(f"/api/v1/quality/surveys/{survey_id}").json()
    assert [item["code"] for item in detail["items"]] == ["q2"] and detail["missing_texts"] == []
    assert api.post(f"/api/v1/quality/surveys/{survey_id}/activate").json()["status"] == "active"
    fixed = api.post(f"/api/v1/quality/surveys/{survey_id}/items", json={"kind": "text", "texts": {"en": "More?"}})
    assert fixed.status_code == 409
    nps = api.post("/api/v1/quality/surveys", json={"name": "NPS", "kind": "nps"}).json()
    built_in = next(item for item in nps["items"] if item["code"] == "nps")
    kept = api.delete(f"/api/v1/quality/surveys/{nps['id']}/items/{built_in['id']}")
    assert kept.status_code == 409 and kept.json()["error"]["field"] == "item"
    assert api.delete(f"/api/v1/quality/surveys/{nps['id']}").status_code == 204
    assert api.get(f"/api/v1/quality/surveys/{nps['id']}").status_code == 404
    unknown_kind = api.post("/api/v1/quality/surveys", json={"name": "X", "kind": "delphi"})
    assert unknown_kind.status_code == 422 and unknown_kind.json()["error"]["field"] == "kind"
    extra = api.post("/api/v1/quality/surveys", json={"name": "X", "kind": "nps", "colour": "red"})
    assert extra.status_code == 422


def test_a_campaign_from_preview_to_links(app: Any, api: TestClient, runtime: Runtime, owner: Staff) -> None:
    _clients(runtime, owner)
    draft = api.post("/api/v1/quality/surveys", json={"name": "NPS", "kind": "nps"}).json()
    too_soon = api.post("/api/v1/quality/campaigns", json={"survey_id": draft["id"], "name": "Spring"})
    assert too_soon.status_code == 409 and too_soon.json()["error"]["field"] == "survey"
    api.post(f"/api/v1/quality/surveys/{draft['id']}/activate")
    preview = api.post("/api/v1/quality/campaigns/preview", json={"tiers": ["key"], "segments": ["Retail"]})
    assert preview.status_code == 200, preview.text
    assert preview.json()["recipients"] == 1
    assert [r["client_name"] for r in preview.json()["sample"]] == ["Hegyvidék Szerviz Kft."]
    bad_tier = api.post("/api/v1/quality/campaigns/preview", json={"tiers": ["gold"]})
    assert bad_tier.status_code == 422 and bad_tier.json()["error"]["field"].startswith("tiers")
    nobody = api.post("/api/v1/quality/campaigns", json={"survey_id": draft["id"], "name": "Nobody",
                                                         "audience": {"segments": ["Farming"]}})
    assert nobody.status_code == 422 and nobody.json()["error"]["field"] == "audience"
    made = api.post("/api/v1/quality/campaigns", json={"survey_id": draft["id"], "name": "Key accounts",
                                                       "audience": {"tiers": ["key"]}, "expires_in_days": 10})
    assert made.status_code == 201, made.text
    campaign = made.json()
    assert (campaign["status"], campaign["invited"], campaign["mailed"], campaign["response_rate"]) == (
        "draft", 2, 0, 0.0)
    assert api.get(made.headers["Location"]).json()["name"] == "Key accounts"
    sent = api.post(f"/api/v1/quality/campaigns/{campaign['id']}/send")
    assert sent.status_code == 200, sent.text
    assert (sent.json()["invited"], sent.json()["campaign"]["status"], sent.json()["campaign"]["mailed"]) == (
        2, "open", 2)
    again = api.post(f"/api/v1/quality/campaigns/{campaign['id']}/send").json()
    assert again["invited"] == 0    # nobody gets a second invitation
    links = api.get(f"/api/v1/quality/campaigns/{campaign['id']}/links.csv")
    assert links.status_code == 200 and links.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(links.text)))
    assert sorted(row["client_name"] for row in rows) == ["Hegyvidék Szerviz Kft.", "Tisza Tech Zrt."]
    assert all("/s/" in row["link"] for row in rows)
    viewer = api_as(app, runtime, Role.viewer)
    assert viewer.get(f"/api/v1/quality/campaigns/{campaign['id']}/links.csv").status_code == 403
    assert viewer.get(f"/api/v1/quality/campaigns/{campaign['id']}").status_code == 200
    assert api.get("/api/v1/quality/campaigns/999999/links.csv").status_code == 404
    listed = api.get("/api/v1/quality/campaigns", params={"survey_id": draft["id"]}).json()
    assert [c["id"] for c in listed] == [campaign["id"]]
    rates = api.get("/api/v1/quality/results", params={"campaign_id": campaign["id"]}).json()["response_rates"]
    assert [(r["invited"], r["mailed"], r["answered"]) for r in rates] == [(2, 2, 0)]
    still_open = api.delete(f"/api/v1/quality/campaigns/{campaign['id']}")
    assert still_open.status_code == 409
    closed = api.post(f"/api/v1/quality/campaigns/{campaign['id']}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert api.post(f"/api/v1/quality/campaigns/{campaign['id']}/send").status_code == 409
    assert api.delete(f"/api/v1/quality/campaigns/{campaign['id']}").status_code == 204
    assert api.get(f"/api/v1/quality/campaigns/{campaign['id']}").status_code == 404

    # the CSAT after a recovery: the clients whose service recovery closed (done) in a period
    with runtime.transaction() as session:
        duna = session.scalars(select(Client.id).where(Client.name == "Duna Kert Bt.")).one()
        session.add(Task(kind=RECOVERY, title="Put it right", client_id=duna, status=TaskStatus.done,
                         closed_at=datetime(2026, 3, 12, 3, tzinfo=UTC), outcome="Refunded"))
    march = {"recovered_from": "2026-03-01", "recovered_to": "2026-03-31"}
    recovered = api.post("/api/v1/quality/campaigns/preview", json=march)
    assert recovered.status_code == 200, recovered.text
    assert [r["client_name"] for r in recovered.json()["sample"]] == ["Duna Kert Bt."]
    backwards = api.post("/api/v1/quality/campaigns/preview", json={"recovered_from": "2026-03-31",
                                                                   "recovered_to": "2026-03-01"})
    assert backwards.status_code == 422 and backwards.json()["error"]["field"] == "recovered_to"
    after = api.post("/api/v1/quality/campaigns", json={"survey_id": draft["id"], "name": "After recovery",
                                                        "audience": march})
    assert after.status_code == 201, after.text
    assert after.json()["invited"] == 1 and after.json()["audience"]["recovered_to"] == "2026-03-31"


def test_changing_one_of_our_own_questions(app: Any, api: TestClient, runtime: Runtime) -> None:
    survey_id = api.post("/api/v1/quality/surveys", json={"name": "Onboarding", "kind": "custom"}).json()["id"]
    five = {language: f"Was it easy? ({language})" for language in LANGUAGES if language != "hu"}
    item = api.post(f"/api/v1/quality/surveys/{survey_id}/items", json={"kind": "text", "texts": five}).json()
    url = f"/api/v1/quality/surveys/{survey_id}/items/{item['id']}"
    refused = api.post(f"/api/v1/quality/surveys/{survey_id}/activate")
    assert refused.status_code == 422 and refused.json()["error"]["details"] == [{"item": "q1", "language": "hu"}]
    for role in (Role.viewer, Role.staff):
        assert api_as(app, runtime, role).patch(url, json={"texts": {"hu": "Könnyű volt?"}}).status_code == 403
    for body, field in (({"texts": {}}, "texts"), ({"texts": {"xx": "?"}}, "texts"),
                        ({"choices": [{"en": "A"}, {"en": "B"}]}, "choices"), ({"scale_max": "ten"}, "scale_max")):
        bad = api.patch(url, json=body)
        assert bad.status_code == 422 and bad.json()["error"]["field"] == field, (body, bad.text)
    assert api.patch(url, json={"kind": "scale"}).status_code == 422          # the kind stays
    assert api.get(f"/api/v1/quality/surveys/{survey_id}").json()["items"][0]["texts"] == five   # nothing changed
    filled = api.patch(url, params={"language": "hu"}, json={"texts": {**five, "hu": "Könnyű volt?"}})
    assert filled.status_code == 200, filled.text
    assert (filled.json()["text"], filled.json()["code"], filled.json()["required"]) == ("Könnyű volt?", "q1", True)
    optional = api.patch(url, json={"required": False})      # what is left out stays
    assert optional.json()["required"] is False and optional.json()["texts"] == {**five, "hu": "Könnyű volt?"}
    assert api.post(f"/api/v1/quality/surveys/{survey_id}/activate").json()["status"] == "active"
    fixed = api.patch(url, json={"required": True})
    assert fixed.status_code == 409 and fixed.json()["error"]["field"] == "status"
    nps = api.post("/api/v1/quality/surveys", json={"name": "NPS", "kind": "nps"}).json()
    built_in = next(found for found in nps["items"] if found["code"] == "nps")
    kept = api.patch(f"/api/v1/quality/surveys/{nps['id']}/items/{built_in['id']}", json={"texts": {"en": "?"}})
    assert kept.status_code == 409 and kept.json()["error"]["field"] == "item"
    assert api.patch(f"/api/v1/quality/surveys/{nps['id']}/items/999999", json={"required": False}).status_code == 404

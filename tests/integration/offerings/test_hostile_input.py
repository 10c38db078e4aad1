"""What a client can send that the product cannot keep is a 4xx naming the field, never a 500: amounts
with more than four decimals or too large, ids past the largest, days at the calendar's edge, a price
study changed under its answers, an answer repeated."""

from __future__ import annotations

from fastapi.testclient import TestClient

from servicescape.runtime import Runtime
from tests.integration.offerings.conftest import build_catalogue


def field_of(answer: object) -> str:
    assert answer.status_code == 422, answer.text  # type: ignore[attr-defined]
    return str(answer.json()["error"]["field"])  # type: ignore[attr-defined]


def test_amounts_ids_and_days_that_cannot_be_kept(api: TestClient, runtime: Runtime) -> None:
    build_catalogue(runtime)
    study = api.post("/api/v1/price-studies", json={"name": "Wave", "method": "van_westendorp", "currency": "EUR",
                                                    "minimum_sample": 1}).json()
    answer = {"too_cheap": 1.23456, "cheap": 2, "expensive": 3, "too_expensive": 4}
    assert field_of(api.post(f"/api/v1/price-studies/{study['id']}/answers",
                             json={"van_westendorp": [answer]})) == "van_westendorp[0].too_cheap"
    assert field_of(api.post("/api/v1/price-studies", json={
        "name": "GG", "method": "gabor_granger", "currency": "EUR", "grid": ["1.123456"]})).startswith("grid")
    assert field_of(api.get("/api/v1/capacity/heatmap", params={"first": "9999-12-20"})) == "first"
    assert field_of(api.get("/api/v1/capacity/heatmap", params={"first": "0001-01-01"})) == "first"
    assert field_of(api.get("/api/v1/capacity/performance", params={"last": "0001-01-01"})) == "last"
    assert field_of(api.get("/api/v1/capacity/performance", params={"first": "1900-01-01",
                                                                      "last": "2999-12-31"})) == "last"


def test_a_study_changed_under_its_answers_and_an_answer_repeated(api: TestClient) -> None:
    study = api.post("/api/v1/price-studies", json={"name": "GG", "method": "gabor_granger", "currency": "EUR",
                                                    "grid": ["100", "200"], "minimum_sample": 1}).json()
    url = f"/api/v1/price-studies/{study['id']}"
    choice = {"respondent": "a", "price": 100, "buys": True}
    assert api.post(f"{url}/answers", json={"gabor_granger": [choice]}).status_code == 201
    assert field_of(api.post(f"{url}/answers", json={"gabor_granger": [choice]})) == "gabor_granger"
    changed = api.patch(url, json={"grid": ["100", "300"]})
    assert changed.status_code == 409 and changed.json()["error"]["field"] == "grid"
    other = api.patch(url, json={"method": "van_westendorp"})
    assert other.status_code == 409 and other.json()["error"]["field"] == "method"
    assert api.get(f"{url}/analysis").status_code == 200


def test_likelihoods_given_by_some_answers_only(api: TestClient) -> None:
    study = api.post("/api/v1/price-studies", json={"name": "Wave", "method": "van_westendorp", "currency": "EUR",
                                                    "minimum_sample": 1}).json()
    answers = [{"too_cheap": 10, "cheap": 20, "expensive": 30, "too_expensive": 40, "likely_cheap": 5,
                "likely_expensive": 2},
               {"too_cheap": 15, "cheap": 25, "expensive": 35, "too_expensive": 50}]
    assert api.post(f"/api/v1/price-studies/{study['id']}/answers", json={"van_westendorp": answers}).status_code == 201
    whole = api.get(f"/api/v1/price-studies/{study['id']}/analysis").json()["analysis"]["whole"]
    assert whole["valid"] == 2 and whole["nms"]["respondents"] == 1

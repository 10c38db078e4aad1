"""Every declared entity is documented in the OpenAPI schema the same way: its five routes, its
create/patch/out shapes, the Location of a new record, and the one error body for every 4xx."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.contract.entities import Entity

ERROR = {"$ref": "#/components/schemas/ErrorOut"}


@pytest.fixture(scope="module")
def schema(shared_app: FastAPI) -> dict[str, Any]:
    with TestClient(shared_app) as client:
        return client.get("/api/v1/openapi.json").json()  # type: ignore[no-any-return]


def test_the_entity_is_documented_like_every_other(schema: dict[str, Any], entity: Entity) -> None:
    paths, resource = schema["paths"], entity.resource
    collection, one = paths[entity.url], paths[f"{entity.url}/{{id}}"]
    assert {"get", "post"} <= set(collection) and {"get", "patch", "delete"} <= set(one)
    body = collection["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": f"#/components/schemas/{resource.create.__name__}"}
    patch = one["patch"]["requestBody"]["content"]["application/json"]["schema"]
    assert patch == {"$ref": f"#/components/schemas/{resource.patch.__name__}"}
    made = collection["post"]["responses"]["201"]
    assert "Location" in made["headers"]
    assert made["content"]["application/json"]["schema"] == {"$ref": f"#/components/schemas/{resource.out.__name__}"}
    assert "204" in one["delete"]["responses"]
    for operation in (collection["get"], collection["post"], one["get"], one["patch"], one["delete"]):
        errors = {code: answer for code, answer in operation["responses"].items() if code.startswith("4")}
        assert {"401", "403", "422"} <= set(errors), operation["operationId"]
        for answer in errors.values():
            assert answer["content"]["application/json"]["schema"] == ERROR, operation["operationId"]
    for operation in (one["get"], one["patch"], one["delete"]):
        assert "404" in operation["responses"], operation["operationId"]
    assert entity.path in collection["post"]["tags"]

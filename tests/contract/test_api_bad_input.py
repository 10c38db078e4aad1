"""What every entity's routes answer to input they cannot use: a bad id is 422 naming ``id``, an
id that does not exist is 404, and a bad body is 422 naming the field — in the one error shape,
and without changing anything."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from servicescape.schemas import MAX_ID
from tests.contract.conftest import Contract
from tests.contract.shape import assert_error

BAD_IDS = ("0", "-1", "abc", "1.5", str(MAX_ID + 1))
#: values tried in turn until the schema refuses one: a wrong type for any scalar field, then
#: for fields that take objects
WRONG_VALUES: tuple[Any, ...] = ({"wrong": ["type"]}, [1, 2], "\x00not valid\x00", 10**40)
UNKNOWN = "no_such_field"


def wrong_value(schema: type[BaseModel], body: dict[str, Any], name: str) -> Any:
    """A value of the wrong type for ``name`` that ``schema`` refuses (the rest of ``body`` valid)."""
    for value in WRONG_VALUES:
        try:
            schema.model_validate({**body, name: value})
        except ValidationError as problem:
            if any(error["loc"][:1] == (name,) for error in problem.errors()):
                return value
    pytest.fail(f"{schema.__name__}.{name} accepts every value tried ({WRONG_VALUES}); give it a type")


def test_bad_and_missing_ids(contract: Contract) -> None:
    entity, api = contract.entity, contract.owner
    record = contract.stored()
    before = contract.snapshot(record)
    for bad in BAD_IDS:
        url = f"{entity.url}/{bad}"
        for response in (api.get(url), api.patch(url, json={}), api.delete(url)):
            assert_error(response, 422, "validation_failed", field="id")
    for missing in (MAX_ID, record + 1000):
        url = f"{entity.url}/{missing}"
        for response in (api.get(url), api.patch(url, json={}), api.delete(url)):
            assert_error(response, 404, "not_found")
            assert response.json() == {"error": {  # the whole body, pinned
                "code": "not_found", "message": f"{entity.resource.service.label} {missing} does not exist."}}
    assert contract.snapshot(record) == before


def test_bad_bodies_are_refused_naming_the_field(contract: Contract) -> None:
    entity, api = contract.entity, contract.owner
    resource = entity.resource
    body = contract.body()
    record = contract.stored()
    before, count = contract.snapshot(record), contract.count()
    url = f"{entity.url}/{record}"

    for name in resource.create.model_fields:
        value = wrong_value(resource.create, body, name)
        assert_error(api.post(entity.url, json={**body, name: value}), 422, "validation_failed", field=name)
        assert_error(api.patch(url, json={name: wrong_value(resource.patch, {}, name)}), 422,
                     "validation_failed", field=name)
    required = [name for name, spec in resource.create.model_fields.items() if spec.is_required()]
    for name in required:
        missing = {key: value for key, value in body.items() if key != name}
        assert_error(api.post(entity.url, json=missing), 422, "validation_failed", field=name)
        # a PATCH may leave a field out, but cannot empty one that must have a value
        assert_error(api.patch(url, json={name: None}), 422, "validation_failed", field=name)
    assert_error(api.post(entity.url, json={**body, UNKNOWN: 1}), 422, "validation_failed", field=UNKNOWN)
    assert_error(api.patch(url, json={UNKNOWN: 1}), 422, "validation_failed", field=UNKNOWN)
    for not_an_object in ([body], "text", None):
        assert_error(api.post(entity.url, json=not_an_object), 422, "validation_failed")
        assert_error(api.patch(url, json=not_an_object), 422, "validation_failed")
    assert_error(api.post(entity.url, content=b'{"truncated": ', headers={"content-type": "application/json"}),
                 422, "validation_failed")

    assert contract.count() == count and contract.snapshot(record) == before

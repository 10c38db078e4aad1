"""Every entity the registry declares is listed, read, created, changed and deleted through
/api/v1 the same way, by the owner (who may do everything)."""

from __future__ import annotations

from tests.contract.conftest import Contract
from tests.contract.entities import same_values
from tests.contract.shape import assert_error, assert_secure


def test_create_read_list_change_and_delete(contract: Contract) -> None:
    entity, api = contract.entity, contract.owner
    resource = entity.resource

    body = contract.body()
    before = contract.count()
    response = api.post(entity.url, json=body)
    assert response.status_code == 201, response.text
    assert_secure(response)
    made = response.json()
    assert response.headers["location"] == f"{entity.url}/{made['id']}"
    assert same_values(resource.create, body, resource.out, made) == {}
    assert contract.count() == before + 1
    assert contract.snapshot(made["id"]) == resource.out.model_validate(made).model_dump()

    read = api.get(f"{entity.url}/{made['id']}")
    assert read.status_code == 200 and read.json() == made

    listed = api.get(entity.url, params={"per_page": 100})
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert set(page) == {"items", "total", "page", "per_page", "pages"}
    assert page["total"] == len(page["items"]) == contract.count() and page["page"] == 1
    assert made in page["items"]

    change = contract.body()
    changed = api.patch(f"{entity.url}/{made['id']}", json=change)
    assert changed.status_code == 200, changed.text
    assert same_values(resource.patch, change, resource.out, changed.json()) == {}
    assert changed.json()["id"] == made["id"]
    assert api.get(f"{entity.url}/{made['id']}").json() == changed.json()

    untouched = api.patch(f"{entity.url}/{made['id']}", json={})
    assert untouched.status_code == 200 and untouched.json() == changed.json()

    gone = api.delete(f"{entity.url}/{made['id']}")
    assert gone.status_code == 204 and gone.content == b""
    assert contract.snapshot(made["id"]) is None
    assert_error(api.get(f"{entity.url}/{made['id']}"), 404, "not_found")
    assert_error(api.delete(f"{entity.url}/{made['id']}"), 404, "not_found")
    assert made not in api.get(entity.url, params={"per_page": 100}).json()["items"]


def test_the_list_pages(contract: Contract) -> None:
    entity, api = contract.entity, contract.owner
    ids = {contract.stored() for _ in range(3)}
    total = contract.count()
    seen: list[int] = []
    pages = [api.get(entity.url, params={"per_page": 2, "page": page}).json() for page in range(1, total // 2 + 2)]
    for number, page in enumerate(pages, start=1):
        assert (page["page"], page["per_page"], page["total"], page["pages"]) == (number, 2, total, (total + 1) // 2)
        seen += [item["id"] for item in page["items"]]
    assert len(seen) == len(set(seen)) == total and ids <= set(seen)
    assert pages[-1]["items"] == [] or total % 2 == 1
    for bad in ({"page": 0}, {"per_page": 0}, {"page": "x"}, {"per_page": 10**6}):
        name = next(iter(bad))
        assert_error(api.get(entity.url, params=bad), 422, "validation_failed", field=name)

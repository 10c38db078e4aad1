"""Who may do what to every entity through /api/v1, as the registry says and nothing else.

The expected answer for each caller (signed out, and every role) and each action is computed
from the registry's declarations (``PermissionSpec.roles``) and the permissions the entity's
service asks for (``read_permission``, ``write_permission``, ``delete_permission``): a role that
gets what the registry does not grant it fails the test, and so does a role refused what it
grants. A refused call changes nothing.
"""

from __future__ import annotations

from typing import Any

from tests.contract.conftest import Contract
from tests.contract.entities import ACTIONS, ANONYMOUS, CALLERS, expected_outcome, same_values
from tests.contract.shape import assert_error, assert_secure

SUCCESS = {"list": 200, "get": 200, "create": 201, "update": 200, "delete": 204}


def call(contract: Contract, caller: str, action: str) -> tuple[str, Any]:
    """Do ``action`` as ``caller`` on a record of its own; the outcome, and what it changed."""
    entity, api = contract.entity, contract.callers[caller]
    record = contract.stored() if action in ("get", "update", "delete") else None
    url = f"{entity.url}/{record}"
    before = contract.snapshot(record) if record else contract.count()
    body = contract.body() if action in ("create", "update") else None
    response = {
        "list": lambda: api.get(entity.url),
        "get": lambda: api.get(url),
        "create": lambda: api.post(entity.url, json=body),
        "update": lambda: api.patch(url, json=body),
        "delete": lambda: api.delete(url),
    }[action]()
    assert_secure(response)
    if response.status_code == 401:
        assert_error(response, 401, "authentication_required")
        outcome = "signed out"
    elif response.status_code == 403:
        assert_error(response, 403, "permission_denied")
        outcome = "refused"
    elif response.status_code == SUCCESS[action]:
        outcome = "allowed"
    else:
        return f"answered {response.status_code}: {response.text[:200]}", None
    after = contract.snapshot(record) if record else contract.count()
    if outcome != "allowed":
        assert after == before, f"{caller} was {outcome} to {action} a {entity.path} but it changed: {after}"
    elif action == "create":
        assert after == before + 1 and same_values(entity.resource.create, body, entity.resource.out,
                                                   response.json()) == {}
    elif action == "update":
        assert after != before and same_values(entity.resource.patch, body, entity.resource.out,
                                               response.json()) == {}
    elif action == "delete":
        assert after is None
    elif action == "get":
        assert response.json() == contract.entity.resource.out.model_validate(before).model_dump(mode="json")
    return outcome, response


def test_every_role_gets_what_the_registry_grants_and_nothing_else(contract: Contract) -> None:
    expected = {(caller, action): expected_outcome(contract.entity, caller, action)
                for caller in CALLERS for action in ACTIONS}
    actual = {(caller, action): call(contract, caller, action)[0] for caller in CALLERS for action in ACTIONS}
    assert expected[(ANONYMOUS, "list")] == "signed out"
    wrong = [f"  {caller:9} {action:6}: expected {expected[caller, action]}, got {got}"
             for (caller, action), got in actual.items() if got != expected[caller, action]]
    needs = {action: sorted(contract.entity.needs(action)) for action in ACTIONS}
    assert not wrong, (f"{contract.entity.path} ({contract.entity.declared}), which needs {needs}:\n"
                       + "\n".join(wrong))

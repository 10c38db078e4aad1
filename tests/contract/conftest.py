"""Fixtures of the contract tests: one entity of the registry per test, a caller per role."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servicescape.auth import service as auth
from servicescape.auth.permissions import SYSTEM
from servicescape.auth.roles import Role
from servicescape.runtime import Runtime
from tests.contract.entities import ANONYMOUS, Entity, entities


@pytest.fixture(params=entities(), ids=lambda entity: entity.path)
def entity(request: pytest.FixtureRequest) -> Entity:
    return request.param  # type: ignore[no-any-return]


@dataclass
class Contract:
    """One entity on a fresh database, with an API client for every caller."""

    runtime: Runtime
    entity: Entity
    callers: dict[str, TestClient]
    numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def owner(self) -> TestClient:
        return self.callers[Role.owner.value]

    def body(self) -> dict[str, Any]:
        """A new valid create body (its parents stored)."""
        with self.runtime.transaction() as session:
            return self.entity.body(session, next(self.numbers))

    def stored(self) -> int:
        """A new record, added by the system; its id."""
        with self.runtime.transaction() as session:
            return self.entity.store(session, self.entity.body(session, next(self.numbers)))

    def snapshot(self, record_id: int) -> dict[str, Any] | None:
        with self.runtime.transaction() as session:
            return self.entity.snapshot(session, record_id)

    def count(self) -> int:
        with self.runtime.transaction() as session:
            return self.entity.count(session)


@pytest.fixture
def contract(app, runtime: Runtime, entity: Entity) -> Iterator[Contract]:  # type: ignore[no-untyped-def]
    with ExitStack() as stack:
        callers = {ANONYMOUS: stack.enter_context(TestClient(app, base_url="http://127.0.0.1"))}
        with runtime.transaction() as session:
            for role in Role:
                staff = auth.create_staff(session, name=f"{role.value.title()} Caller",
                                          email=f"{role.value}@contract.test", role=role, by=SYSTEM)
                client = stack.enter_context(TestClient(app, base_url="http://127.0.0.1"))
                client.headers["Authorization"] = f"Bearer {auth.issue_token(session, staff, by=SYSTEM).token}"
                callers[role.value] = client
        yield Contract(runtime, entity, callers)

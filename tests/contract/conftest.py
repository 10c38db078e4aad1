"""Fixtures of the contract tests: one entity of the registry per test, a caller per role.

``create_app`` costs about half a second of CPU (FastAPI prepares every route), more than the rest
of a contract test; so the contract tests share one app, pointed at each test's own database
(``app.state.runtime``, which is all a request reads). Its scheduler is off.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from servicescape.auth import service as auth
from servicescape.auth.permissions import SYSTEM
from servicescape.auth.roles import Role
from servicescape.config import Settings
from servicescape.runtime import Runtime, open_runtime
from servicescape.web.app import create_app
from tests.contract.entities import ANONYMOUS, Entity, entities


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    settings = Settings(mode="dev", database_url="sqlite://", data_dir=tmp_path_factory.mktemp("contract"),
                        run_jobs=False)
    app = create_app(runtime=open_runtime(settings, upgrade=False))
    yield app
    app.state.runtime.close()


@pytest.fixture
def app(shared_app: FastAPI, runtime: Runtime) -> Iterator[FastAPI]:
    """The shared app, serving this test's database."""
    unused = shared_app.state.runtime
    shared_app.state.runtime = runtime
    yield shared_app
    shared_app.state.runtime = unused


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
def contract(app: FastAPI, runtime: Runtime, entity: Entity) -> Iterator[Contract]:
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

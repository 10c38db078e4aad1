"""Property-based run of the whole /api/v1 against its own OpenAPI schema (schemathesis).

Each operation is its own test (per backend, on a fresh database) with generated requests, valid
and invalid, sent as the owner (who may do everything, so writes are exercised too). Each
response must not be a 5xx and must have a documented status code, content type and body.

The schema is read once, at collection, from an app whose database is never opened (building the
OpenAPI document needs none); each test then calls the app of its own database. Loading the
schema from a fixture (``schemathesis.pytest.from_fixture``) would be the obvious way, but its
loader uses ``Node._nodeid``, which pytest 9 no longer has.
"""

from __future__ import annotations

import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.clients.service import clients, contacts, engagements, interactions, invoices
from servicescape.config import Settings
from servicescape.offerings.service import packages
from servicescape.runtime import Runtime, open_runtime
from servicescape.web.app import create_app
from tests.conftest import make_staff, token_for

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance,
          content_type_conformance]


def _schema_only_app() -> Any:
    unopened = Settings(mode="dev", database_url="sqlite://", data_dir=Path(tempfile.gettempdir()))
    return create_app(runtime=open_runtime(unopened, upgrade=False))


schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _schema_only_app())


@pytest.fixture
def owner_headers(runtime: Runtime, owner: Staff) -> dict[str, str]:
    """The owner (staff id 1), with a record of every kind numbered 1 (and a client 2, a staff
    member 2), so that generated ids, which are often small, find something to read and change."""
    with runtime.transaction() as session:
        package = packages.create(session, {"name": "Audit"}, by=SYSTEM)
        first = clients.create(session, {"name": "Acme", "owner_id": owner.id}, by=SYSTEM)
        clients.create(session, {"name": "Beta"}, by=SYSTEM)
        contacts.create(session, {"client_id": first.id, "name": "Ann"}, by=SYSTEM)
        engagement = engagements.create(session, {"client_id": first.id, "package_id": package.id},
                                        by=SYSTEM)
        invoices.create(session, {"client_id": first.id, "engagement_id": engagement.id,
                                  "issued_on": date(2025, 1, 31), "amount": Decimal("100.50"),
                                  "currency": "EUR"}, by=SYSTEM)
        interactions.create(session, {"client_id": first.id, "summary": "Call"}, by=SYSTEM)
    make_staff(runtime, Role.viewer)
    return {"Authorization": f"Bearer {token_for(runtime, owner)}"}


@schema.parametrize()
@settings(max_examples=20, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_matches_its_schema(case: Any, app: Any, owner_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=owner_headers, checks=CHECKS, app=app)

"""Property-based run of the whole /api/v1 against its own OpenAPI schema (schemathesis), in groups.

Each operation is its own test (per backend, on a fresh database) with generated requests, valid
and invalid, sent as the owner (who may do everything, so writes are exercised too). Each
response must not be a 5xx and must have a documented status code, content type and body.

The operations are split into groups of path prefixes (``GROUPS``), one test file per group
(``test_api_schema_<group>.py``), so that pytest-xdist, which keeps a file's tests on one worker
(``--dist loadfile``), spreads them over its workers; one file for all of them was the suite's
longest pole. The group ``other`` takes every operation that no other group names, so a new
capability's routes are run before anybody thinks of them; test_api_schemathesis_groups.py checks
that the groups cover every operation exactly once, that each group has its file and that none
has grown past ``MAX_GROUP_SIZE`` (then split it: add a group and its file).

Generated requests per operation (the fuzzing phase): ``MAX_EXAMPLES``, but
``ENTITY_MAX_EXAMPLES`` for the generic routes of an entity (list, create, get, change, delete),
which tests/contract already runs for every entity with valid and invalid bodies, every role and
bad ids. The coverage phase (boundary and invalid values of each parameter, not bounded by
max_examples) comes on top and sends about three quarters of all requests.

The schema is read once per process, at collection, from an app whose database is never opened
(building the OpenAPI document needs none); each test then calls the app of its own database.
Loading the schema from a fixture (``schemathesis.pytest.from_fixture``) would be the obvious
way, but its loader uses ``Node._nodeid``, which pytest 9 no longer has.

A group's file is three lines::

    from tests.integration.api import schemathesis_support as support

    owner_headers = support.owner_headers  # the fixture the test asks for
    test_api_matches_its_schema = support.schema_test(__name__)
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
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
from servicescape.web.app import API_PREFIX, create_app
from tests.conftest import make_staff, token_for
from tests.contract.entities import entities

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance,
          content_type_conformance]

MAX_EXAMPLES = 20
ENTITY_MAX_EXAMPLES = 12
#: operations that lay out a whole PDF (a second or more each): fewer generated requests
PDF_OPERATIONS = ("GET /api/v1/scorecard/report", "GET /api/v1/health/{client_id}/pack")
PDF_MAX_EXAMPLES = 5

#: group → the first segments of the paths (after /api/v1/) of its operations; each group is run by
#: tests/integration/api/test_api_schema_<group>.py. Keep the groups of similar cost (--durations).
GROUPS: dict[str, tuple[str, ...]] = {
    "offerings": ("packages", "package-levels", "package-addons", "package-prices", "competitor-prices",
                  "value-cases", "price-studies"),
    "clients": ("clients", "contacts", "engagements", "invoices", "interactions", "imports", "exports", "tasks"),
    "promises": ("promises",),
    "quality": ("quality", "complaints"),
    "voice_referrals": ("voice", "testimonials", "referrals", "relationships"),
    "analytics_capacity": ("analytics", "capacity", "staff-capacity", "bookings", "pipeline-estimates"),
    "portal": ("portal-users", "portal-requests", "milestones", "documents"),
    "plan_messages": ("messages", "message-versions", "message-uses", "message-adoption", "case-studies", "proposals"),
    "plan_knowledge": ("plan", "plans", "plan-targets", "environment-entries", "competitors", "competitor-observations",
                       "qualifications", "prestige-items", "empowerment"),
    "scorecard": ("scorecard", "health"),
}
#: the catch-all group: every operation whose path no group of GROUPS names (today /me, /staff, /rates)
OTHER = "other"
#: a group with more operations than this is a long pole again: split it
MAX_GROUP_SIZE = 50

FILE_PREFIX = "test_api_schema_"


def path_regex(segments: Iterable[str]) -> str:
    """The paths under /api/v1/<segment> (the segment itself, or followed by a slash)."""
    alternatives = "|".join(re.escape(segment) for segment in segments)
    return rf"^{re.escape(API_PREFIX)}/(?:{alternatives})(?:/|$)"


def entity_operations() -> list[str]:
    """The labels (``GET /api/v1/clients/{id}``) of the entities' generic routes (the contract tests')."""
    return [f"{method} {url}" for entity in entities()
            for method, url in (("GET", entity.url), ("POST", entity.url), ("GET", f"{entity.url}/{{id}}"),
                                ("PATCH", f"{entity.url}/{{id}}"), ("DELETE", f"{entity.url}/{{id}}"))]


def _config() -> SchemathesisConfig:
    return SchemathesisConfig.from_dict({
        # a slow answer is not a failure here (the CI machine is busy; e.g. the classifier on 100
        # long texts takes seconds): the default 10 s read timeout made such runs flaky
        "request-timeout": 120,
        "generation": {"max-examples": MAX_EXAMPLES},
        "operations": [{"include-name": entity_operations(), "generation": {"max-examples": ENTITY_MAX_EXAMPLES}},
                       {"include-name": list(PDF_OPERATIONS), "generation": {"max-examples": PDF_MAX_EXAMPLES}}],
    })


def _schema_only_app() -> Any:
    unopened = Settings(mode="dev", database_url="sqlite://", data_dir=Path(tempfile.gettempdir()))
    return create_app(runtime=open_runtime(unopened, upgrade=False))


#: every operation of the API (read once per process, at import)
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _schema_only_app(), config=_config())


def group_schema(group: str) -> Any:
    """The operations of one group: those GROUPS names for it, or (``other``) those it names for none.

    Selected by excluding the rest: the config's ``[[operations]]`` entry (_config) makes the schema
    include every operation already, and includes add up (a further ``include(...)`` selects nothing
    away)."""
    if group == OTHER:
        return schema.exclude(path_regex=path_regex(s for segments in GROUPS.values() for s in segments))
    if group not in GROUPS:
        raise KeyError(f"unknown schemathesis group {group!r}: add it to GROUPS in {__name__}")
    in_group = re.compile(path_regex(GROUPS[group]))

    def outside_the_group(context: Any) -> bool:
        return not in_group.search(context.operation.path)

    return schema.exclude(outside_the_group)


def labels(some_schema: Any) -> list[str]:
    """The labels (``METHOD /path``) of a schema's operations."""
    return [result.ok().label for result in some_schema.get_all_operations()]


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


def schema_test(module_name: str) -> Callable[..., None]:
    """The test of the group a test module's name (``..test_api_schema_<group>``) says."""
    group = module_name.rpartition(".")[2].removeprefix(FILE_PREFIX)

    # max_examples comes from the schema's config (_config): per operation. On PostgreSQL only: what
    # the schema checks is the same on both databases, PostgreSQL is where odd input bites (NUL bytes,
    # integer bounds), and the contract tests exercise every entity on both.
    @pytest.mark.backends("postgres")
    @group_schema(group).parametrize()
    @settings(deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.filter_too_much])
    def test_api_matches_its_schema(case: Any, app: Any, owner_headers: dict[str, str]) -> None:
        case.call_and_validate(headers=owner_headers, checks=CHECKS, app=app)

    return test_api_matches_its_schema

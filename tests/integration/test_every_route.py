"""Every route of the app — each page and each API call, of every capability the registry carries —
called as the signed-out visitor, as each role, and with hostile ids, on a demo firm.

What each caller should get is read from the route itself: the ``signed_in(permission)`` gate its
dependencies declare, and the grants the registry gives each role. So the sweep follows every
capability that lands, with nothing to add here:

* signed out: a gated page sends to the sign-in page and a gated API call answers 401; the public
  routes (sign-in, survey and price links, the portal, calendar feeds …) answer without a 5xx;
  and the whole signed-out sweep changes nothing in the database;
* each role: a route gated by a permission the role lacks answers 403 (the gate fails closed),
  and those refused calls, all of them, change nothing; a route it may call never answers 5xx,
  whatever the (empty) form or body;
* hostile ids in the path (0, -1, past a 32-bit and a 64-bit column) answer 404 or 422, never 5xx.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from starlette.routing import Mount

from servicescape.audit.models import AuditEvent
from servicescape.auth import service as auth
from servicescape.auth.permissions import SYSTEM, role_grants
from servicescape.auth.roles import Role
from servicescape.db.base import Base
from servicescape.demo import firm
from servicescape.demo.generator import DemoSpec
from servicescape.demo.load import load_demo
from servicescape.runtime import Runtime
from tests.conftest import csrf_from, make_staff, sign_in

pytestmark = pytest.mark.slow

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
#: what a sweep may change though it is refused or signed out: the counters of the rate limits and
#: of failed sign-ins, and the versions the audit trail keeps (its events are compared one by one)
BOOKKEEPING = {"rate_window", "sign_in_limit", "data_version", "data_version_entity", "audit_event"}
#: what refused and signed-out calls may write to the audit trail: a failed sign-in, and when an
#: API token was last used
TOLERATED = frozenset({("sign_in_failed", "staff"), ("update", "api_token")})
#: routes that end the caller's own session (called last, or not at all, by a signed-in sweep)
SIGN_OUT = {"/signout", "/portal/signout"}
#: ids no table holds, and ids past what a column can hold
HOSTILE_IDS = ("0", "-1", str(2**31), str(2**63))


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    api: bool
    gated: bool                 # behind signed_in(...)
    permission: str | None      # the permission the gate asks for
    params: dict[str, Any]      # path parameter → its annotation

    def url(self, fill: Callable[[str, Any], str]) -> str:
        url = self.path
        for name, annotation in self.params.items():
            url = url.replace("{" + name + "}", fill(name, annotation))
        return url

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _gate(route: APIRoute) -> tuple[bool, str | None]:
    """Whether ``signed_in(...)`` guards the route, and the permission it asks for."""
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        call: Any = dependency.call
        if getattr(call, "__qualname__", "") == "signed_in.<locals>.dependency":
            cells = dict(zip(call.__code__.co_freevars, call.__closure__ or (), strict=True))
            return True, cells["permission"].cell_contents
        pending.extend(dependency.dependencies)
    return False, None


def routes(app: FastAPI) -> list[Route]:
    framework = {app.openapi_url, app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url}
    found: list[Route] = []
    for context in iter_route_contexts(app.routes):
        route = context.route
        if isinstance(context.original_route, Mount) or not isinstance(route, APIRoute):
            continue
        path = str(context.path_format)
        if path in framework:
            continue
        gated, permission = _gate(route)
        params = {param.name: param.field_info.annotation for param in route.dependant.path_params}
        for method in sorted(set(route.methods or ()) - {"HEAD"}):
            found.append(Route(method, path, path.startswith("/api/"), gated, permission, params))
    return sorted(found, key=lambda r: (r.path, r.method))


def plausible(name: str, annotation: Any) -> str:
    """A value of the right shape for a path parameter: id 1 (the demo holds one of most things)."""
    if annotation is int:
        return "1"
    if annotation is date:
        return "2026-12-25"
    if name == "token":
        return secrets.token_urlsafe(32)
    return {"language": "ms", "tier": "key", "name": "promises.sweep", "key": "promises"}.get(name, "x")


def snapshot(runtime: Runtime) -> tuple[dict[str, int], int]:
    """Rows per table (the bookkeeping tables left out), and the last audit event's id."""
    with runtime.transaction() as session:
        return ({table.name: session.scalar(select(func.count()).select_from(table)) or 0
                 for table in Base.metadata.sorted_tables if table.name not in BOOKKEEPING},
                session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0))) or 0)


def changed(runtime: Runtime, before: tuple[dict[str, int], int]) -> list[str]:
    """What changed since ``before``: tables whose row count moved, and the audit events written
    (but the ``TOLERATED`` ones)."""
    (rows, last), (after, _) = before, snapshot(runtime)
    found = [f"{name}: {rows[name]} → {after[name]} rows" for name in after if after[name] != rows[name]]
    with runtime.transaction() as session:
        written = session.execute(select(AuditEvent.actor, AuditEvent.action, AuditEvent.entity)
                                  .where(AuditEvent.id > last).order_by(AuditEvent.id)).all()
    return found + [f"audit: {actor} {action} {entity}" for actor, action, entity in written
                    if (action, entity) not in TOLERATED]


class Caller:
    """A client of the app: signed out, or signed in as one role (a session for pages, a bearer
    token for the API), sending every state-changing call with its CSRF token."""

    def __init__(self, app: FastAPI, runtime: Runtime, role: Role | None) -> None:
        self.role = role
        self.web = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)
        self.web.__enter__()
        self.api = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)  # no cookies
        self.token: str | None = None
        if role is not None:
            staff = make_staff(runtime, role, email=f"sweep.{role.value}@firm.test")
            with runtime.transaction() as session:
                self.token = auth.issue_token(session, staff, name="sweep", by=SYSTEM).token
            sign_in(self.web, staff.email)
        self.csrf = csrf_from(self.web.get("/signin" if role is None else "/account/password").text)

    def call(self, route: Route, url: str) -> Any:
        headers = {"X-CSRF-Token": self.csrf}
        writes = route.method in ("POST", "PUT", "PATCH")
        if route.api:
            body: dict[str, Any] | None = {} if writes else None
            if self.token is None:
                return self.web.request(route.method, url, headers=headers, json=body)
            return self.api.request(route.method, url, headers={"Authorization": f"Bearer {self.token}"}, json=body)
        form = {"csrf_token": self.csrf} if writes else None
        return self.web.request(route.method, url, headers=headers, data=form, follow_redirects=False)

    def close(self) -> None:
        self.web.__exit__(None, None, None)
        self.api.close()


@pytest.fixture
def sweep(runtime: Runtime, app: FastAPI) -> Iterator[tuple[list[Route], Callable[[Role | None], Caller]]]:
    load_demo(runtime, DemoSpec(clients=20, seed=firm.DEMO_SEED, today=NOW.date()), batch_clients=20)
    callers: list[Caller] = []

    def caller(role: Role | None) -> Caller:
        callers.append(Caller(app, runtime, role))
        return callers[-1]

    yield routes(app), caller
    for made in callers:
        made.close()


def _said(response: Any) -> str:
    """The status and, for the API's error shape, its code; a page's heading otherwise."""
    if response.headers.get("content-type", "").startswith("application/json"):
        return f"{response.status_code} {response.json().get('error', {}).get('code', '')}"
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", response.text, re.S)
    return f"{response.status_code} {heading.group(1).strip() if heading else response.text[:120]}"


def _failures(found: list[str]) -> str:
    return f"{len(found)} route(s):\n" + "\n".join(found)


def test_the_sweep_reads_the_gates_of_the_app(app: FastAPI) -> None:
    """The reading of the routes the sweeps rely on: most routes are gated, a few public, and a
    permission the registry does not declare would be a route no role could ever call."""
    found = routes(app)
    assert len(found) > 500
    gated = [route for route in found if route.gated]
    assert len(gated) > 0.9 * len(found)
    assert {"GET /signin", "GET /s/{token}", "GET /healthz", "GET /calendar/{token}.ics"} <= \
        {str(route) for route in found if not route.gated}
    assert next(r for r in found if str(r) == "POST /privacy/erase").permission == "privacy.erase"
    grants = set().union(*role_grants().values())
    assert [str(r) for r in gated if r.permission is not None and r.permission not in grants] == []


def test_signed_out_every_gated_route_sends_to_sign_in_and_nothing_changes(runtime: Runtime, sweep: Any) -> None:
    found, caller = sweep
    visitor = caller(None)
    before = snapshot(runtime)
    wrong: list[str] = []
    for route in found:
        response = visitor.call(route, route.url(plausible))
        status = response.status_code
        if status >= 500:
            wrong.append(f"{route}: {_said(response)}")
        elif route.gated and route.api and status != 401:
            wrong.append(f"{route}: {status}, not 401")
        elif route.gated and not route.api and not (
                (status == 303 and response.headers["location"].startswith("/signin"))
                or (route.method == "POST" and status in (401, 403))):
            wrong.append(f"{route}: {status} {response.headers.get('location', '')}, not the sign-in page")
    assert wrong == [], _failures(wrong)
    writes = changed(runtime, before)
    assert writes == [], "\n".join(writes)


@pytest.fixture
def sqlite_or_owner(request: pytest.FixtureRequest, backend: str) -> None:
    """Every role on SQLite; on the others only the owner, who may call every route (the gates do
    not depend on the database), before the demo firm is loaded for nothing."""
    if backend != "sqlite" and request.node.callspec.params["role"] is not Role.owner:
        pytest.skip("the gates do not depend on the database: only the owner calls every route here")


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_refused_what_it_is_not_granted_and_nothing_answers_5xx(sqlite_or_owner: None, runtime: Runtime,
                                                                             sweep: Any, role: Role) -> None:
    found, caller = sweep
    signed_in = caller(role)
    granted = role_grants()[role]
    refused = [route for route in found if route.gated and route.permission is not None
               and route.permission not in granted]
    allowed = [route for route in found if route not in refused and route.path not in SIGN_OUT]
    before = snapshot(runtime)
    wrong: list[str] = []
    for route in refused:
        response = signed_in.call(route, route.url(plausible))
        if response.status_code != 403:
            wrong.append(f"{route}: {response.status_code}, not 403 for lacking {route.permission}")
    writes = changed(runtime, before)
    assert writes == [], "refused calls changed the database:\n" + "\n".join(writes)
    # reads first, then writes: what a write removes, a read after it would only miss (404)
    for route in sorted(allowed, key=lambda r: r.method != "GET"):
        response = signed_in.call(route, route.url(plausible))
        if response.status_code >= 500:
            wrong.append(f"{route}: {_said(response)}")
    assert wrong == [], _failures(wrong)


def test_hostile_ids_in_the_path_answer_404_or_422(sweep: Any) -> None:
    found, caller = sweep
    owner = caller(Role.owner)
    wrong: list[str] = []
    for route in found:
        if int not in route.params.values() or route.path in SIGN_OUT:
            continue
        for hostile in HOSTILE_IDS:
            response = owner.call(route, route.url(lambda name, annotation, value=hostile:
                                                   value if annotation is int else plausible(name, annotation)))
            if response.status_code not in (404, 422):
                wrong.append(f"{route} with {hostile}: {_said(response)}")
    assert wrong == [], _failures(wrong)

"""Zulip's rule: the suite fails when the app has a route that no test calls.

Every request any test makes — through ``TestClient``, the live server (uvicorn in a thread) or
schemathesis — passes through ``FastAPI.__call__``; the plugin wraps it for the session and
records, after Starlette has matched the request, the route (``scope["route"]``) as its full path
template (``/api/v1/tasks/{id}/close``) with the method and the status of the answer.

A route counts as tested when some test got an answer from it that is not an error (a status
below 400): a route that was only ever refused (401, 403, 404, 422) has not been shown to work.

At the end of the session the routes of ``create_app(...).routes`` (pages and API; not the
static files nor FastAPI's own OpenAPI and docs routes) are compared with what was recorded, and
the untested ones are printed. Whether a missing route fails the run is the ``--route-coverage``
switch:

* ``auto`` (the default): fail only when the whole suite ran — no file or node arguments other
  than the configured ``testpaths``, no ``-k``/``-m``, nothing deselected (``--lf``,
  ``--deselect``), every collected test ran (no ``-x`` stop, no interruption). Under pytest-xdist
  each worker sends what it recorded to the controller, which checks the union. A subset
  (``pytest tests/unit``, ``-k tasks``) cannot tell, so it only reports when asked (``on``).
* ``on``: fail whatever was selected (e.g. ``pytest tests/integration tests/contract
  --route-coverage=on`` to see what those directories leave untested).
* ``off``: record nothing, check nothing.
"""

from __future__ import annotations

import tempfile
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

CHOICES = ("auto", "on", "off")

Endpoint = tuple[str, str]  # (method, path template)
OUTPUT_KEY = "route_coverage_calls"


def addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--route-coverage", choices=CHOICES, default="auto",
        help="fail when a route of the app is called by no test: auto (only when the whole suite "
        "runs, the default), on (whatever was selected), off",
    )


def app_routes(app: FastAPI) -> dict[int, str]:
    """``id(route object)`` → its full path template, for every route object a request can match."""
    templates: dict[int, str] = {}
    for context in iter_route_contexts(app.routes):
        template = context.path_format
        if template is None:
            continue
        templates[id(context.original_route)] = template
        templates[id(context.route)] = template
    return templates


def endpoints(app: FastAPI) -> set[Endpoint]:
    """Every (method, path template) of the app that tests must call: pages and API, without
    the static files and FastAPI's own OpenAPI/docs routes (HEAD comes with GET)."""
    framework = {app.openapi_url, app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url}
    found: set[Endpoint] = set()
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, Mount) or context.path_format in framework:
            continue
        for method in context.methods or ():
            if method != "HEAD":
                found.add((method, str(context.path_format)))
    return found


def the_app() -> FastAPI:
    """The product's app as ``create_app`` builds it (its database is never opened)."""
    from servicescape.config import Settings
    from servicescape.runtime import open_runtime
    from servicescape.web.app import create_app

    settings = Settings(mode="dev", database_url="sqlite://", data_dir=Path(tempfile.gettempdir()))
    return create_app(runtime=open_runtime(settings, upgrade=False))


@dataclass(eq=False)  # a pytest plugin must be hashable
class RouteCoverage:
    """The pytest plugin: records the session's requests and checks them at its end."""

    config: pytest.Config
    #: builds the app whose routes must all be called (the product's, unless a test says otherwise)
    app_factory: Callable[[], FastAPI] = the_app
    #: (method, template) → the statuses it answered, over the whole session
    calls: dict[Endpoint, set[int]] = field(default_factory=dict)
    deselected: int = 0
    finished: int = 0
    worker_failed: bool = False
    missing: list[Endpoint] | None = None
    _templates: weakref.WeakKeyDictionary[FastAPI, dict[int, str]] = field(
        default_factory=weakref.WeakKeyDictionary)
    _original: Callable[..., Any] | None = None

    # -- recording -------------------------------------------------------------------------------

    def install(self) -> None:
        original = FastAPI.__call__
        coverage = self

        async def recording_call(app: FastAPI, scope: Any, receive: Any, send: Any) -> None:
            if scope.get("type") != "http":
                await original(app, scope, receive, send)
                return
            status: list[int] = []

            async def noting_send(message: Any) -> None:
                if message.get("type") == "http.response.start":
                    status.append(int(message["status"]))
                await send(message)

            try:
                await original(app, scope, receive, noting_send)
            finally:
                coverage.record(app, scope, status[0] if status else None)

        self._original = original
        FastAPI.__call__ = recording_call  # type: ignore[method-assign]

    def uninstall(self) -> None:
        if self._original is not None:
            FastAPI.__call__ = self._original  # type: ignore[method-assign]
            self._original = None

    def record(self, app: FastAPI, scope: Any, status: int | None) -> None:
        route = scope.get("route")
        method = scope.get("method", "")
        if route is None or method not in (getattr(route, "methods", None) or {method}):
            return  # nothing matched (404), or the wrong method (405)
        templates = self._templates.get(app)
        if templates is None:
            templates = self._templates[app] = app_routes(app)
        template = templates.get(id(route))
        if template is not None:
            self.calls.setdefault((method, template), set()).add(status if status is not None else 500)

    def tested(self) -> set[Endpoint]:
        return {endpoint for endpoint, statuses in self.calls.items() if any(s < 400 for s in statuses)}

    # -- pytest hooks ----------------------------------------------------------------------------

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    def pytest_runtest_logfinish(self) -> None:
        self.finished += 1

    def whole_suite(self, session: pytest.Session) -> bool:
        config = self.config
        if config.option.keyword or config.option.markexpr or self.deselected:
            return False
        # under pytest-xdist the controller collects nothing itself: the workers report the count
        collected = session.testscollected if getattr(config.option, "numprocesses", None) else len(session.items)
        if session.shouldstop or session.shouldfail or self.finished < collected or self.worker_failed:
            return False
        if config.args_source == pytest.Config.ArgsSource.TESTPATHS:
            return True
        whole = {(config.rootpath / p).resolve() for p in config.getini("testpaths") or ["."]}
        return {(config.invocation_params.dir / a).resolve() for a in config.args} == whole

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        choice = self.config.getoption("--route-coverage")
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:  # a pytest-xdist worker: the controller checks
            workeroutput[OUTPUT_KEY] = [[m, t, sorted(s)] for (m, t), s in self.calls.items()]
            return
        if choice == "off" or exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            return
        if choice == "auto" and not self.whole_suite(session):
            return
        app = self.app_factory()
        try:
            self.missing = sorted(endpoints(app) - self.tested(), key=lambda e: (e[1], e[0]))
        finally:
            if (runtime := getattr(app.state, "runtime", None)) is not None:
                runtime.close()
        if self.missing:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.missing is None:
            return
        if not self.missing:
            terminalreporter.write_line("route coverage: every route of the app is called by a test", green=True)
            return
        terminalreporter.section("route coverage", red=True)
        terminalreporter.write_line(
            f"{len(self.missing)} route(s) of the app answered no test without an error "
            "(tests/support/route_coverage.py):", red=True)
        for line in describe(self.missing, self.calls):
            terminalreporter.write_line(line)


class FromWorkers:
    """Under pytest-xdist: adds what each worker recorded to the controller's plugin."""

    def __init__(self, plugin: RouteCoverage) -> None:
        self.plugin = plugin

    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        output = getattr(node, "workeroutput", None) or {}
        if error is not None or OUTPUT_KEY not in output:
            self.plugin.worker_failed = True
            return
        for method, template, statuses in output[OUTPUT_KEY]:
            self.plugin.calls.setdefault((method, template), set()).update(statuses)


def describe(missing: Iterable[Endpoint], calls: dict[Endpoint, set[int]]) -> list[str]:
    lines = []
    for method, template in missing:
        statuses = calls.get((method, template))
        seen = f"  (only answered {', '.join(map(str, sorted(statuses)))})" if statuses else ""
        lines.append(f"  {method:6} {template}{seen}")
    return lines


def configure(config: pytest.Config) -> None:
    if config.getoption("--route-coverage") == "off":
        return
    plugin = RouteCoverage(config)
    plugin.install()
    config.pluginmanager.register(plugin, "route-coverage")
    if config.pluginmanager.hasplugin("xdist") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(FromWorkers(plugin), "route-coverage-from-workers")
    config.add_cleanup(plugin.uninstall)

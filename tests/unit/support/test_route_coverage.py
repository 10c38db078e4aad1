"""The route-coverage plugin (tests/support/route_coverage.py): what it records, what it asks of
the product's app, and when it fails a run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, HTTPException
from fastapi.testclient import TestClient

from tests.support.live_server import LiveServer
from tests.support.route_coverage import RouteCoverage, endpoints, the_app


def tiny_app() -> FastAPI:
    things = APIRouter(prefix="/things")

    @things.get("/{id}")
    def get_thing(id: int) -> dict[str, int]:
        if id == 403:
            raise HTTPException(403)
        return {"id": id}

    @things.delete("/{id}")
    def delete_thing(id: int) -> None:
        raise HTTPException(403)

    api = APIRouter(prefix="/api/v1")
    api.include_router(things)
    app = FastAPI()
    app.include_router(api)

    @app.post("/pages/{name}/run")
    def run(name: str) -> dict[str, str]:
        return {"ran": name}

    return app


def fake_config(choice: str = "on", **option: Any) -> Any:
    return SimpleNamespace(
        getoption=lambda name: choice, option=SimpleNamespace(keyword=option.get("keyword", ""),
                                                             markexpr=option.get("markexpr", "")),
        args_source=option.get("args_source", pytest.Config.ArgsSource.TESTPATHS), args=option.get("args", []),
        rootpath=Path("/repo"), getini=lambda name: ["tests"], invocation_params=SimpleNamespace(dir=Path("/repo")))


@pytest.fixture
def coverage() -> Iterator[RouteCoverage]:
    plugin = RouteCoverage(fake_config(), app_factory=tiny_app)
    plugin.install()
    try:
        yield plugin
    finally:
        plugin.uninstall()


def test_the_product_app_lists_pages_and_api_but_not_static_files_or_openapi() -> None:
    app = the_app()
    try:
        found = endpoints(app)
    finally:
        app.state.runtime.close()
    assert {("POST", "/api/v1/tasks/{id}/close"), ("GET", "/tasks/{task_id}"), ("PATCH", "/api/v1/clients/{id}"),
            ("GET", "/clients/{client_id}/sections/{key}"), ("GET", "/api/docs")} <= found
    assert not [endpoint for endpoint in found if endpoint[1].startswith("/static") or "openapi" in endpoint[1]]
    assert not [endpoint for endpoint in found if endpoint[0] == "HEAD"]


def test_a_call_is_recorded_by_template_method_and_status(coverage: RouteCoverage) -> None:
    with TestClient(tiny_app()) as client:
        assert client.get("/api/v1/things/7").json() == {"id": 7}
        client.get("/api/v1/things/403")
        client.delete("/api/v1/things/1")
        client.post("/pages/report/run")
        client.get("/api/v1/nothing-here")        # matches no route: not recorded
        client.put("/api/v1/things/1")            # the wrong method (405): not recorded
        client.get("/api/v1/things/abc")          # 422 before the handler: recorded as refused
    assert coverage.calls == {("GET", "/api/v1/things/{id}"): {200, 403, 422},
                              ("DELETE", "/api/v1/things/{id}"): {403}, ("POST", "/pages/{name}/run"): {200}}
    assert coverage.tested() == {("GET", "/api/v1/things/{id}"), ("POST", "/pages/{name}/run")}


def test_calls_to_the_live_server_are_recorded(coverage: RouteCoverage) -> None:
    with LiveServer(tiny_app()) as server:
        status = httpx.get(f"{server.url}/api/v1/things/5").status_code
    assert status == 200
    assert coverage.calls == {("GET", "/api/v1/things/{id}"): {200}}


def test_a_route_no_test_got_an_answer_from_fails_the_run(coverage: RouteCoverage) -> None:
    with TestClient(tiny_app()) as client:
        client.get("/api/v1/things/1")
        client.delete("/api/v1/things/1")
    session = SimpleNamespace(exitstatus=pytest.ExitCode.OK, items=[], shouldstop=False, shouldfail=False)
    coverage.pytest_sessionfinish(session, pytest.ExitCode.OK)  # type: ignore[arg-type]
    assert session.exitstatus == pytest.ExitCode.TESTS_FAILED
    assert coverage.missing == [("DELETE", "/api/v1/things/{id}"), ("POST", "/pages/{name}/run")]
    lines: list[str] = []
    reporter = SimpleNamespace(section=lambda *a, **k: None, write_line=lambda line, **k: lines.append(line))
    coverage.pytest_terminal_summary(reporter)
    assert "  DELETE /api/v1/things/{id}  (only answered 403)" in lines and "  POST   /pages/{name}/run" in lines


def test_every_route_called_passes(coverage: RouteCoverage) -> None:
    with TestClient(tiny_app()) as client:
        client.get("/api/v1/things/1")
        client.post("/pages/x/run")
    coverage.calls[("DELETE", "/api/v1/things/{id}")] = {204}
    session = SimpleNamespace(exitstatus=pytest.ExitCode.OK, items=[], shouldstop=False, shouldfail=False)
    coverage.pytest_sessionfinish(session, pytest.ExitCode.OK)  # type: ignore[arg-type]
    assert session.exitstatus == pytest.ExitCode.OK and coverage.missing == []


@pytest.mark.parametrize(("option", "deselected", "finished", "whole"), [
    ({}, 0, 3, True),
    ({"args_source": pytest.Config.ArgsSource.ARGS, "args": ["tests"]}, 0, 3, True),
    ({"args_source": pytest.Config.ArgsSource.ARGS, "args": ["tests/unit"]}, 0, 3, False),
    ({"args_source": pytest.Config.ArgsSource.ARGS, "args": ["tests/contract/test_samples.py::x"]}, 0, 3, False),
    ({"keyword": "tasks"}, 0, 3, False),
    ({"markexpr": "not browser"}, 0, 3, False),
    ({}, 2, 3, False),      # --lf, --deselect
    ({}, 0, 2, False),      # stopped early (-x, --maxfail)
])
def test_auto_checks_only_a_whole_suite_run(option: dict[str, Any], deselected: int, finished: int,
                                            whole: bool) -> None:
    plugin = RouteCoverage(fake_config("auto", **option), deselected=deselected, finished=finished)
    session = SimpleNamespace(items=[1, 2, 3], shouldstop=False, shouldfail=False)
    assert plugin.whole_suite(session) is whole  # type: ignore[arg-type]


def test_under_xdist_a_worker_hands_its_calls_to_the_controller_which_checks_the_union() -> None:
    from tests.support.route_coverage import FromWorkers

    worker_config = fake_config()
    worker_config.workeroutput = {}
    worker = RouteCoverage(worker_config, app_factory=tiny_app)
    worker.calls[("GET", "/api/v1/things/{id}")] = {200, 403}
    worker.pytest_sessionfinish(SimpleNamespace(), pytest.ExitCode.OK)  # type: ignore[arg-type]
    assert worker.missing is None  # a worker never judges

    controller = RouteCoverage(fake_config(), app_factory=tiny_app)
    controller.calls[("POST", "/pages/{name}/run")] = {200}
    merge = FromWorkers(controller)
    merge.pytest_testnodedown(SimpleNamespace(workeroutput=worker_config.workeroutput), None)
    merge.pytest_testnodedown(SimpleNamespace(workeroutput={"route_coverage_calls": [
        ["DELETE", "/api/v1/things/{id}", [403]]]}), None)
    session = SimpleNamespace(exitstatus=pytest.ExitCode.OK, items=[], shouldstop=False, shouldfail=False)
    controller.pytest_sessionfinish(session, pytest.ExitCode.OK)  # type: ignore[arg-type]
    assert controller.missing == [("DELETE", "/api/v1/things/{id}")]
    assert controller.calls[("GET", "/api/v1/things/{id}")] == {200, 403}


def test_under_xdist_a_worker_that_died_makes_the_run_not_whole() -> None:
    from tests.support.route_coverage import FromWorkers

    config = fake_config("auto")
    config.option.numprocesses = 2
    plugin = RouteCoverage(config, finished=3)
    session = SimpleNamespace(items=[], testscollected=3, shouldstop=False, shouldfail=False)
    assert plugin.whole_suite(session) is True  # type: ignore[arg-type]
    FromWorkers(plugin).pytest_testnodedown(SimpleNamespace(workeroutput={}), "crashed")
    assert plugin.whole_suite(session) is False  # type: ignore[arg-type]

"""The CLI runs unattended, prints one clear line on a user mistake, and exits non-zero then."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from servicescape.auth import service as auth
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app
from servicescape.clients import service
from servicescape.config import Settings
from servicescape.runtime import Runtime
from tests.support.postgres import free_port

runner = CliRunner()


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


def test_init_creates_the_owner_unattended(db_url: str, runtime: Runtime) -> None:
    result = run("init", "--db", db_url, "--owner-email", "Maria@Firm.test", "--owner-name", "Maria Petrova",
                 "--owner-password", "a-strong-passphrase")
    assert result.exit_code == 0, result.output
    assert "Owner account created: Maria@Firm.test" in result.output
    with runtime.transaction() as session:
        staff = auth.get_by_email(session, "maria@firm.test")
        assert staff.role.value == "owner" and staff.name == "Maria Petrova"
    again = run("init", "--db", db_url, "--owner-email", "maria@firm.test", "--owner-password", "a-strong-passphrase")
    assert again.exit_code == 0 and "already exists" in again.output


def test_init_without_a_password_on_a_pipe_fails_with_one_line(db_url: str) -> None:
    result = run("init", "--db", db_url, "--owner-email", "x@firm.test")
    assert result.exit_code == 1
    assert "--owner-password" in result.output
    assert "Traceback" not in result.output


def test_database_url_from_the_environment(db_url: str, runtime: Runtime, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SERVICESCAPE_DATABASE_URL", db_url)
    assert run("user", "add", "env@firm.test", "--name", "Env User", "--password", "another-passphrase").exit_code == 0
    with runtime.transaction() as session:
        assert auth.find_by_email(session, "env@firm.test") is not None


def test_user_lifecycle(db_url: str, runtime: Runtime) -> None:
    assert run("user", "add", "ivan@firm.test", "--name", "Иван Иванов", "--role", "manager", "--password",
               "a-strong-passphrase", "--db", db_url).exit_code == 0
    listed = run("user", "list", "--json", "--db", db_url)
    rows = json.loads(listed.output)
    assert [(r["email"], r["role"], r["active"]) for r in rows] == [("ivan@firm.test", "manager", True)]
    assert run("user", "set-role", "ivan@firm.test", "owner", "--db", db_url).exit_code == 0
    token = run("user", "token", "ivan@firm.test", "--db", db_url).output.strip()
    assert token.startswith("ssk_")
    with runtime.transaction() as session:
        assert auth.resolve_token(session, token) is not None
    run("user", "add", "second@firm.test", "--name", "Second", "--role", "owner", "--db", db_url)
    assert run("user", "deactivate", "ivan@firm.test", "--db", db_url).exit_code == 0
    with runtime.transaction() as session:
        assert auth.resolve_token(session, token) is None


def test_user_mistakes_are_one_line_errors(db_url: str) -> None:
    for args in (["user", "set-role", "nobody@firm.test", "viewer"], ["user", "token", "nobody@firm.test"],
                 ["user", "add", "not-an-email", "--name", "X", "--password", "a-strong-passphrase"],
                 ["user", "add", "weak@firm.test", "--name", "X", "--password", "password"],
                 ["clients", "show", "404"], ["clients", "list", "--sort", "colour"]):
        result = run(*args, "--db", db_url)
        assert result.exit_code == 1, (args, result.output)
        assert result.output.startswith("error:"), result.output
        assert len(result.output.strip().splitlines()) <= 2 and "Traceback" not in result.output


def test_bad_database_url_is_a_clear_error() -> None:
    result = run("user", "list", "--db", "nonsense://")
    assert result.exit_code == 1 and result.output.startswith("error:")


def test_clients_list_and_show(db_url: str, runtime: Runtime) -> None:
    with runtime.transaction() as session:
        for name, country, tier in (("Magyar Tervező Kft.", "HU", "key"), ("台北設計股份有限公司", "TW", "growth"),
                                    ("Syarikat Maju Sdn. Bhd.", "MY", "standard")):
            service.clients.create(session, {"name": name, "country": country, "tier": tier,
                                             "external_id": f"X-{country}", "custom_fields": {"VAT": country}},
                                   by=SYSTEM)
    listed = json.loads(run("clients", "list", "--json", "--db", db_url).output)
    assert [c["name"] for c in listed["items"]] == sorted(c["name"] for c in listed["items"])
    assert listed["total"] == 3
    filtered = json.loads(run("clients", "list", "--json", "--tier", "key", "--db", db_url).output)
    assert [c["name"] for c in filtered["items"]] == ["Magyar Tervező Kft."]
    shown = json.loads(run("clients", "show", "X-TW", "--json", "--db", db_url).output)
    assert shown["client"]["name"] == "台北設計股份有限公司" and shown["client"]["custom_fields"] == {"VAT": "TW"}
    table = run("clients", "list", "--db", db_url).output
    assert "Magyar Tervező Kft." in table and "3 clients" in table


def test_help_is_there_for_every_command() -> None:
    for args in ([], ["user"], ["clients"], ["init"], ["serve"]):
        result = run(*args, "--help")
        assert result.exit_code == 0 and "Usage" in result.output


def test_a_server_process_works_on_as_many_requests_at_once_as_its_threads(db_url: str) -> None:
    import anyio.to_thread
    from fastapi.testclient import TestClient

    from servicescape.web.app import create_app

    for threads in (2, 5):
        settings = Settings(mode="dev", database_url=db_url, run_jobs=False, threads=threads)
        made = create_app(settings)
        try:
            with TestClient(made) as client:   # the app's lifespan sets it
                assert client.portal is not None
                limiter = anyio.to_thread.current_default_thread_limiter
                assert client.portal.call(lambda: limiter().total_tokens) == threads
        finally:
            made.state.runtime.close()


def test_serve_with_workers_starts_them_on_one_shared_port(db_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import uvicorn

    from servicescape.web import app as web_app
    from servicescape.web import workers

    calls: list[tuple[object, dict[str, object]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append((app, options)))
    frozen: list[bool] = []  # the test process's objects stay collectable
    monkeypatch.setattr(web_app, "freeze_what_lives_forever", lambda: frozen.append(True))
    started: list[tuple[str, int, int]] = []
    monkeypatch.setattr(workers, "serve_workers", lambda host, port, count: started.append((host, port, count)) or 0)
    monkeypatch.setenv("SERVICESCAPE_MODE", "dev")
    monkeypatch.setenv("SERVICESCAPE_DATABASE_URL", "sqlite:///not-this.db")  # restored after the test
    assert run("serve", "--db", db_url, "--workers", "3", "--port", "8123").exit_code == 0
    assert started == [("127.0.0.1", 8123, 3)] and not calls
    assert os.environ["SERVICESCAPE_DATABASE_URL"] == db_url  # the workers open the same database
    single = run("serve", "--db", db_url)
    assert single.exit_code == 0 and not isinstance(calls[-1][0], str)  # one process: the app itself
    assert frozen == [True] and "1 process of 2 threads" in single.output
    monkeypatch.setenv("SERVICESCAPE_THREADS", "2")  # restored after the test
    threaded = run("serve", "--db", db_url, "--threads", "3")
    assert threaded.exit_code == 0 and "1 process of 3 threads" in threaded.output
    assert os.environ["SERVICESCAPE_THREADS"] == "3"  # and so for the workers
    refused = runner.invoke(app, ["serve", "--db", db_url, "--workers", "0"])
    assert refused.exit_code == 2 and "--workers" in refused.output


def test_serve_with_workers_says_when_the_port_is_taken(db_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SERVICESCAPE_MODE", "dev")
    monkeypatch.setenv("SERVICESCAPE_DATABASE_URL", "sqlite:///not-this.db")  # serve sets it for its workers
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = run("serve", "--db", db_url, "--workers", "2", "--port", str(port))
    assert result.exit_code == 1 and f"cannot listen on 127.0.0.1:{port}" in result.output


@pytest.mark.slow
def test_serve_with_two_workers_answers(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "SERVICESCAPE_MODE": "dev", "SERVICESCAPE_DATA_DIR": str(tmp_path),
           "SERVICESCAPE_RUN_JOBS": "false", "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    env.pop("SERVICESCAPE_DATABASE_URL", None)
    command = [sys.executable, "-c", "from servicescape.cli.main import app; app()", "serve",
               "--db", f"sqlite:///{tmp_path / 'served.db'}", "--workers", "2", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    answered = None
    try:
        deadline = time.monotonic() + 180  # two processes start, each importing the app (slow on a busy machine)
        while time.monotonic() < deadline and answered is None and server.poll() is None:
            try:
                answered = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
            except httpx.TransportError:
                time.sleep(0.5)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=60)
    assert answered is not None and answered.status_code == 200, output
    assert output.count("Started server process") == 2, output
    assert "Finished server process" in output  # stopped by SIGTERM: each worker shut down in order

"""Large imports leave room for everyone else, and a database that stays busy answers 503 with
Retry-After, never 500 (db/busy.py), on both backends.

The runtimes here let a writer wait ``WAIT`` seconds for a lock instead of ten: short enough that
an import holding the database for a whole file would make the requests below fail, and long
enough for one of its batches (clients/importing.py keeps each to a fraction of a second).
"""

from __future__ import annotations

import csv
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.clients.importing import ImportReport, import_file
from servicescape.clients.models import Client
from servicescape.config import Settings
from servicescape.db import engine
from servicescape.db.busy import RETRY_AFTER_SECONDS
from servicescape.runtime import Runtime, open_runtime
from servicescape.web.app import create_app
from tests.conftest import PASSWORD, csrf_from, make_staff, sign_in, token_for
from tests.support.live_server import LiveServer

WAIT = 2
#: rows per file: on SQLite, enough that an import holding the write lock throughout would make
#: writers wait past ``WAIT``; PostgreSQL has no such lock (what could clash there is a row)
ROWS = {"sqlite": 20_000, "postgres": 6_000}


@pytest.fixture
def impatient(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], Runtime]]:
    """Runtimes whose writers wait at most ``WAIT`` seconds for a lock."""
    monkeypatch.setattr(engine, "WAIT_SECONDS", WAIT)
    opened: list[Runtime] = []

    def make() -> Runtime:
        opened.append(open_runtime(settings, upgrade=False))
        return opened[-1]

    yield make
    for runtime in opened:
        runtime.close()


def write_clients(path: Path, prefix: str, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["External ID", "Name", "Email", "Country", "City", "Tier"])
        for n in range(rows):
            writer.writerow([f"{prefix}-{n:06d}", f"{prefix} Client {n}", f"office{n}@{prefix.lower()}.example",
                             ("MY", "BG", "HU", "CN", "TW")[n % 5], "Ipoh", ("A", "B", "C")[n % 3]])
    return path


def signed_in(base_url: str, email: str) -> int:
    """Sign in with the right password in a new browser: the status of the page it lands on."""
    with httpx.Client(base_url=base_url, timeout=60, follow_redirects=True) as browser:
        form = browser.get("/signin")
        landed = browser.post("/signin", data={"email": email, "password": PASSWORD, "next": "/clients",
                                               "csrf_token": csrf_from(form.text)})
        return landed.status_code if landed.url.path == "/clients" else 0


@pytest.mark.slow
def test_sign_ins_and_api_writes_all_succeed_while_files_are_imported(
        impatient: Callable[[], Runtime], backend: str, tmp_path: Path) -> None:
    """An import and a dry run of large files, and meanwhile, in a loop until both have finished,
    a sign-in with the right password, a new client and an interaction over the API: all succeed."""
    runtime = impatient()
    owner = make_staff(runtime, Role.owner)
    token = token_for(runtime, owner)
    rows = ROWS[backend]
    files = write_clients(tmp_path / "new.csv", "N", rows), write_clients(tmp_path / "checked.csv", "D", rows)
    answers: list[tuple[str, int]] = []
    during = 0
    with LiveServer(create_app(runtime=runtime)) as server, ThreadPoolExecutor(2) as imports, \
            httpx.Client(base_url=server.url, timeout=60, headers={"Authorization": f"Bearer {token}"}) as api:
        running = [imports.submit(import_file, runtime, "clients", files[0], by=SYSTEM),
                   imports.submit(import_file, runtime, "clients", files[1], dry_run=True, by=SYSTEM)]
        while not all(job.done() for job in running) or len(answers) < 12:
            during += not all(job.done() for job in running)
            answers.append(("sign-in", signed_in(server.url, owner.email)))
            client = api.post("/api/v1/clients", json={"name": f"Walk-in {len(answers)}", "country": "MY"})
            answers.append(("client", client.status_code))
            if client.status_code == 201:
                interaction = api.post("/api/v1/interactions", json={
                    "client_id": client.json()["id"], "channel": "call", "summary": "Asked about the audit"})
                answers.append(("interaction", interaction.status_code))
        reports: list[ImportReport] = [job.result() for job in running]
    assert [(what, status) for what, status in answers if status not in (200, 201)] == []
    assert during >= 3  # the requests above did meet the imports
    assert reports[0].to_dict() == {"read": rows, "imported": rows, "updated": 0, "rejected": 0, "warnings": 0}
    assert reports[1].read == rows and reports[1].rejected == 0
    with runtime.transaction() as session:
        walk_ins = sum(what == "client" for what, _status in answers)
        assert session.scalar(select(func.count()).select_from(Client)) == rows + walk_ins


@contextmanager
def locked(db_url: str) -> Iterator[None]:
    """Another program holds the database's write lock (SQLite) or the client table (PostgreSQL)."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        with closing(sqlite3.connect(str(url.database), isolation_level=None)) as holder:
            holder.execute("BEGIN IMMEDIATE")
            yield
        return
    other = engine.make_engine(db_url)
    try:
        with other.connect() as connection:
            connection.exec_driver_sql("LOCK TABLE client IN EXCLUSIVE MODE")
            yield
    finally:
        other.dispose()


def test_a_database_that_stays_locked_answers_503_with_retry_after(
        impatient: Callable[[], Runtime], db_url: str) -> None:
    runtime = impatient()
    owner = make_staff(runtime, Role.owner)
    app = create_app(runtime=runtime)
    with TestClient(app, base_url="http://127.0.0.1") as api, TestClient(app, base_url="http://127.0.0.1") as web:
        api.headers["Authorization"] = f"Bearer {token_for(runtime, owner)}"
        assert api.get("/api/v1/clients").status_code == 200  # the token's first use is recorded now
        sign_in(web, owner.email)
        web.cookies.set("ss_lang", "hu")  # the page speaks the reader's language
        csrf = csrf_from(web.get("/clients/new").text)
        with locked(db_url):
            started = time.monotonic()
            refused = api.post("/api/v1/clients", json={"name": "Tan Holdings"})
            page = web.post("/clients", data={"csrf_token": csrf, "name": "Tan Holdings", "kind": "organisation",
                                              "tier": "standard", "status": "active"}, follow_redirects=False)
            waited = time.monotonic() - started
    assert refused.status_code == 503, refused.text
    assert refused.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert refused.json() == {"error": {
        "code": "busy", "message": "The database is busy with other work, such as a large import. Please try "
                                   "again in a few seconds.", "details": {"retry_after_seconds": RETRY_AFTER_SECONDS}}}
    assert page.status_code == 503 and page.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert page.headers["content-type"].startswith("text/html")
    assert "Az adatbázist más munka foglalja le" in page.text and "Traceback" not in page.text
    assert waited >= 2 * WAIT  # each waited for the lock before giving up
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Client)) == 0

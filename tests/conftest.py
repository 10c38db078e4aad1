"""Fixtures shared by the whole suite. Every database test runs on SQLite and on PostgreSQL.

A migrated template database is made once per backend per session; each test gets a database in
its state: a file copy for SQLite; for PostgreSQL a copy (``CREATE DATABASE ... TEMPLATE``) put back
to the template's state after the test and handed to the next one (tests/support/pg_pool.py).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type
from fastapi.testclient import TestClient

from servicescape.auth import passwords
from servicescape.auth import service as auth
from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.config import Settings
from servicescape.db import migrate
from servicescape.db.engine import make_engine
from servicescape.runtime import Runtime, open_runtime
from tests.support import route_coverage
from tests.support.pg_pool import DatabasePool
from tests.support.postgres import PostgresCluster

#: apps made by the tests do not start the scheduler thread (tests/integration/test_jobs.py drives it)
os.environ.setdefault("SERVICESCAPE_RUN_JOBS", "false")
#: the CLI's consoles are as wide as a wide terminal (read when servicescape.cli.common is first imported):
#: under pytest-xdist the temporary paths the commands print are longer than 80 columns
os.environ.setdefault("COLUMNS", "200")

#: argon2id at its lowest cost in the tests (most make a staff member or sign one in: the product's
#: OWASP parameters cost 50-100 ms a hash); tests/integration/test_auth_service.py checks the product's
PRODUCT_HASHER = passwords.HASHER
passwords.HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)

BACKENDS = ("sqlite", "postgres")
PASSWORD = "a-long-test-passphrase"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--backends", default=",".join(BACKENDS),
                     help="comma-separated database backends to run on (sqlite,postgres)")
    route_coverage.addoption(parser)


def pytest_configure(config: pytest.Config) -> None:
    route_coverage.configure(config)  # every route of the app must be called by a test


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        chosen = [b for b in metafunc.config.getoption("--backends").split(",") if b]
        unknown = set(chosen) - set(BACKENDS)
        if unknown:
            raise pytest.UsageError(f"unknown backend(s): {', '.join(sorted(unknown))}")
        only = metafunc.definition.get_closest_marker("backends")   # @pytest.mark.backends("postgres")
        if only is not None:
            chosen = [b for b in chosen if b in only.args]
        metafunc.parametrize("backend", chosen, scope="session")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    with PostgresCluster() as cluster:
        yield cluster


@pytest.fixture(scope="session")
def pg_pool(pg_cluster: PostgresCluster, template_db: str) -> DatabasePool:
    return DatabasePool(pg_cluster, template_db)


@pytest.fixture(scope="session")
def template_db(request: pytest.FixtureRequest, backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database to copy from: a SQLite file path, or a PostgreSQL database name."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        migrate.upgrade(engine)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        return str(path)
    cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
    engine = make_engine(cluster.create_database("servicescape_template"))
    migrate.upgrade(engine)
    engine.dispose()
    return "servicescape_template"


@pytest.fixture
def db_url(request: pytest.FixtureRequest, backend: str, template_db: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        target = tmp_path / "servicescape.db"
        shutil.copyfile(template_db, target)
        return f"sqlite:///{target}"
    pool: DatabasePool = request.getfixturevalue("pg_pool")
    url = pool.take()
    request.addfinalizer(lambda: pool.give_back(url))
    return url


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(mode="dev", database_url=db_url, data_dir=tmp_path, timezone="Asia/Kuala_Lumpur")


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    rt = open_runtime(settings, upgrade=False)
    yield rt
    rt.close()


def make_staff(runtime: Runtime, role: Role, email: str | None = None, name: str | None = None) -> Staff:
    with runtime.transaction() as session:
        return auth.create_staff(session, name=name or f"{role.value.title()} Person",
                                 email=email or f"{role.value}@firm.test", role=role, password=PASSWORD, by=SYSTEM)


@pytest.fixture
def owner(runtime: Runtime) -> Staff:
    return make_staff(runtime, Role.owner)


@pytest.fixture
def app(runtime: Runtime):  # type: ignore[no-untyped-def]
    from servicescape.web.app import create_app
    return create_app(runtime=runtime)


@pytest.fixture
def web(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A browser-like client (cookies, no token), not signed in."""
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


def token_for(runtime: Runtime, staff: Staff) -> str:
    with runtime.transaction() as session:
        return auth.issue_token(session, session.merge(staff), by=SYSTEM).token


@pytest.fixture
def api(app, runtime: Runtime, owner: Staff) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """An API client authenticated with the owner's bearer token."""
    with TestClient(app, base_url="http://127.0.0.1") as client:
        client.headers["Authorization"] = f"Bearer {token_for(runtime, owner)}"
        yield client


def api_as(app, runtime: Runtime, role: Role) -> TestClient:  # type: ignore[no-untyped-def]
    staff = make_staff(runtime, role)
    client = TestClient(app, base_url="http://127.0.0.1")
    client.headers["Authorization"] = f"Bearer {token_for(runtime, staff)}"
    return client


def csrf_from(html: str) -> str:
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    page = client.get("/signin")
    response = client.post("/signin", data={"email": email, "password": password,
                                            "csrf_token": csrf_from(page.text), "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text

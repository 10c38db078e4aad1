"""The throw-away PostgreSQL cluster really starts, serves and cleans up."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support.postgres import (
    URL_ENV,
    PostgresCluster,
    PostgresNotAvailable,
    find_bindir,
    free_port,
)


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    with PostgresCluster() as started:
        yield started


def test_url_points_at_loopback_maintenance_database(cluster: PostgresCluster) -> None:
    url = make_url(cluster.url)
    assert url.drivername == "postgresql+psycopg"
    assert url.username == "postgres"
    assert url.host == "127.0.0.1"
    assert url.database == "postgres"
    assert url.port is not None


def test_server_answers_and_runs_without_durability(cluster: PostgresCluster) -> None:
    with psycopg.connect(libpq(cluster.url)) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert conn.execute("SHOW fsync").fetchone() == ("off",)
        assert conn.execute("SHOW server_encoding").fetchone() == ("UTF8",)


def test_create_database_gives_an_empty_database(cluster: PostgresCluster) -> None:
    url = cluster.create_database("support_check")
    assert make_url(url).database == "support_check"
    with psycopg.connect(libpq(url)) as conn:
        conn.execute("CREATE TABLE note (body text)")
        conn.execute("INSERT INTO note VALUES ('你好, straße')")
        conn.commit()
        assert conn.execute("SELECT body FROM note").fetchone() == ("你好, straße",)

    # Re-creating drops the old contents, even with a connection still open.
    engine = create_engine(url)
    try:
        with engine.connect() as held:
            cluster.create_database("support_check")
            del held
    finally:
        engine.dispose()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT to_regclass('note')")).scalar() is None
    finally:
        engine.dispose()


def test_create_database_from_a_template(cluster: PostgresCluster) -> None:
    template = cluster.create_database("support_template")
    with psycopg.connect(libpq(template)) as conn:
        conn.execute("CREATE TABLE migrated (id int)")
    clone = cluster.create_database("support_clone", template="support_template")
    with psycopg.connect(libpq(clone)) as conn:
        assert conn.execute("SELECT to_regclass('migrated')::text").fetchone() == ("migrated",)


def test_database_names_are_checked(cluster: PostgresCluster) -> None:
    with pytest.raises(ValueError, match="database name"):
        cluster.create_database('x"; DROP DATABASE postgres; --')


def test_stop_removes_everything() -> None:
    cluster = PostgresCluster().start()
    data_dir = cluster.data_dir
    port = make_url(cluster.url).port
    assert data_dir is not None and (data_dir / "PG_VERSION").exists()

    cluster.stop()
    cluster.stop()  # idempotent

    assert not data_dir.parent.exists()
    with pytest.raises(RuntimeError, match="not started"):
        _ = cluster.url
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0


def test_external_server_from_environment(cluster: PostgresCluster, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(URL_ENV, cluster.url)
    with PostgresCluster() as external:
        assert external.external
        assert external.url == cluster.url
        assert external.data_dir is None  # nothing of its own was started
        url = external.create_database("support_external")
        with psycopg.connect(libpq(url)) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == ("support_external",)
    # Leaving the block does not stop the shared server.
    with psycopg.connect(libpq(cluster.url)) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_missing_binaries_raise_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PostgresNotAvailable, match="scripts/test"):
        find_bindir(str(tmp_path / "*" / "bin"))


def test_find_bindir_prefers_the_newest_version(tmp_path: Path) -> None:
    for version in ("9.6", "15", "16"):
        bindir = tmp_path / version / "bin"
        bindir.mkdir(parents=True)
        (bindir / "initdb").touch()
        (bindir / "pg_ctl").touch()
    assert find_bindir(str(tmp_path / "*" / "bin")) == tmp_path / "16" / "bin"


def test_free_port_can_be_bound() -> None:
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))

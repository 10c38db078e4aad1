"""The PostgreSQL databases the tests share (tests/support/pg_pool.py): a database handed back is in
the template's state for the next test, and one whose schema a test changed is not handed out again."""

from __future__ import annotations

import psycopg
import pytest

from tests.support.pg_pool import DatabasePool
from tests.support.postgres import PostgresCluster, _libpq_url

pytestmark = pytest.mark.backends("postgres")


NEW_CLIENT = ("INSERT INTO client (name, kind, tier, status, custom_fields, created_at, updated_at) "
              "VALUES ('Tan Holdings', 'organisation', 'key', 'active', '{}', now(), now()) RETURNING id")


def rows(url: str, statement: str) -> list[tuple[object, ...]]:
    with psycopg.connect(_libpq_url(url), autocommit=True) as conn:
        cursor = conn.execute(statement)
        return cursor.fetchall() if cursor.description else []


def test_a_database_comes_back_as_the_template_left_it(backend: str, pg_cluster: PostgresCluster,
                                                       template_db: str) -> None:
    pool = DatabasePool(pg_cluster, template_db)
    url = pool.take()
    template_version = rows(url, "SELECT version_num FROM alembic_version")
    first_id = rows(url, NEW_CLIENT)
    rows(url, NEW_CLIENT)
    rows(url, "DELETE FROM alembic_version")
    lingering = psycopg.connect(_libpq_url(url), autocommit=True)   # a connection the test forgot
    pool.give_back(url)
    with pytest.raises(psycopg.OperationalError):
        lingering.execute("SELECT 1")
    again = pool.take()
    assert again == url     # the same database, emptied
    assert rows(again, "SELECT count(*) FROM client") == [(0,)]
    assert rows(again, "SELECT version_num FROM alembic_version") == template_version
    assert rows(again, NEW_CLIENT) == first_id
    pool.give_back(again)


def test_a_database_whose_schema_changed_is_dropped(backend: str, pg_cluster: PostgresCluster,
                                                    template_db: str) -> None:
    pool = DatabasePool(pg_cluster, template_db)
    url = pool.take()
    rows(url, "CREATE INDEX ix_test_pool ON client (name)")
    pool.give_back(url)
    fresh = pool.take()
    assert fresh != url and rows(fresh, "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_test_pool'") == [(0,)]
    assert rows(pg_cluster.url, f"SELECT count(*) FROM pg_database WHERE datname = '{url.rsplit('/', 1)[1]}'") \
        == [(0,)]
    pool.give_back(fresh)

"""An upgraded database keeps what its packages said: the old level and list price become the
package's one level with that price, and its engagements are sold at that level (and still from
that package: on SQLite a copied table would have set them to NULL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import JSON, Engine, column, insert, select, table

from servicescape.db import migrate
from servicescape.db.engine import make_engine
from tests.support.postgres import PostgresCluster


@pytest.fixture
def at_0011(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A new database migrated to 0011 (before the levels)."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
        cluster.drop_database("before_0012")
        url = cluster.create_database("before_0012")
    engine = make_engine(url)
    migrate.upgrade(engine, "0011")
    yield engine
    engine.dispose()
    if backend != "sqlite":
        request.getfixturevalue("pg_cluster").drop_database("before_0012")


def test_old_levels_and_list_prices_are_kept(at_0011: Engine) -> None:
    when = datetime(2024, 5, 6, 9, tzinfo=UTC)
    package = table("service_package", *(column(n) for n in ("id", "name", "level", "list_price", "currency",
                                                              "active", "created_at", "updated_at")))
    client = table("client", column("custom_fields", JSON),
                   *(column(n) for n in ("id", "name", "kind", "tier", "status", "created_at", "updated_at")))
    engagement = table("engagement", *(column(n) for n in ("id", "client_id", "package_id", "status", "created_at",
                                                           "updated_at")))
    with at_0011.begin() as connection:
        connection.execute(insert(package), [
            {"id": 1, "name": "Retainer Gold", "level": "Gold", "list_price": 2_500_0000, "currency": "MYR",
             "active": True, "created_at": when, "updated_at": when},
            {"id": 2, "name": "Audit", "level": None, "list_price": None, "currency": "EUR", "active": True,
             "created_at": when, "updated_at": when}])
        connection.execute(insert(client).values(id=1, name="Kedai Maju", kind="organisation", tier="standard",
                                                 status="active", custom_fields={}, created_at=when, updated_at=when))
        connection.execute(insert(engagement), [
            {"id": 1, "client_id": 1, "package_id": 1, "status": "active", "created_at": when, "updated_at": when},
            {"id": 2, "client_id": 1, "package_id": 2, "status": "active", "created_at": when, "updated_at": when}])
    migrate.upgrade(at_0011)
    with at_0011.connect() as connection:
        levels = connection.execute(select(column("id"), column("package_id"), column("name"))
                                    .select_from(table("package_level"))).all()
        prices = connection.execute(select(column("level_id"), column("currency"), column("amount"),
                                           column("valid_from")).select_from(table("package_price"))).all()
        sold = connection.execute(select(column("engagement_id"), column("level_id"))
                                  .select_from(table("engagement_level"))).all()
        packages_sold = connection.execute(select(column("id"), column("package_id")).select_from(table("engagement"))
                                           .order_by(column("id"))).all()
    assert [(package_id, name) for _id, package_id, name in levels] == [(1, "Gold")]
    level_id = levels[0][0]
    assert [(lv, cur, amount, str(day)) for lv, cur, amount, day in prices] == [(level_id, "MYR", 2_500_0000,
                                                                                  "2024-05-06")]
    assert sold == [(1, level_id)]
    assert packages_sold == [(1, 1), (2, 2)]     # the package table was altered in place, not copied

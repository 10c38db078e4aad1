"""Alembic environment: runs on the connection handed in by servicescape.db.migrate."""

from __future__ import annotations

from alembic import context

from servicescape.db.migrate import modelled
from servicescape.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=modelled,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - offline SQL generation is not offered
    raise SystemExit("offline migrations are not supported; run `servicescape init`")
run_migrations_online()

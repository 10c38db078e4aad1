"""Schema migrations (Alembic), driven from code so that the installed wheel needs no alembic.ini."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from servicescape.db.models import Base

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
#: what migrations make for the client list's search that models cannot say: an FTS5 table (and
#: its shadow tables and triggers) and an index for one backend only on SQLite, a pg_trgm index on
#: PostgreSQL (migration 0005)
SEARCH_OBJECTS = "client_search"


def modelled(name: str | None, _type: str, _parents: object) -> bool:
    """Whether autogenerate compares this database object with the models (``include_name``)."""
    return not (name or "").startswith(SEARCH_OBJECTS)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` (idempotent)."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def pending_differences(engine: Engine) -> list[object]:
    """What differs between the models and the migrated database (empty when they agree)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": modelled})
        return list(compare_metadata(context, Base.metadata))


def make_revision(engine: Engine, message: str) -> None:
    """Developer tool: autogenerate a migration from the models."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)

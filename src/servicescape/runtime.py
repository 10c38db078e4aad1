"""The running product: settings, engine and sessions, shared by the CLI and the web app."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session, sessionmaker

import servicescape.audit.service  # noqa: F401 - registers the audit-trail flush listener
from servicescape.audit.service import Actor
from servicescape.config import Settings
from servicescape.db import migrate
from servicescape.db.engine import make_engine, make_session_factory, transaction


def settings_of(session: Session) -> Settings:
    """The settings of the runtime whose transaction ``session`` is (the firm's clock and
    timezone, for rules that need them)."""
    found = session.info.get("settings")
    if not isinstance(found, Settings):
        raise RuntimeError("this session was not opened by Runtime.transaction: its settings are unknown")
    return found


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def transaction(self, actor: Actor | None = None) -> Iterator[Session]:
        with transaction(self.sessions, actor) as session:
            session.info["settings"] = self.settings
            yield session

    def is_initialised(self) -> bool:
        return inspect(self.engine).has_table("alembic_version")

    def close(self) -> None:
        self.engine.dispose()


def open_runtime(settings: Settings, *, upgrade: bool = True) -> Runtime:
    """Connect to the configured database; by default bring its schema up to date and run the
    capabilities' steps that keep data in step with the settings (``Capability.on_open``)."""
    engine = make_engine(settings.effective_database_url, collation=settings.default_language)
    if upgrade:
        migrate.upgrade(engine)
        from servicescape.platform.registry import registry

        for step in registry().on_open():
            with engine.begin() as connection:
                step(connection)
    return Runtime(settings=settings, engine=engine, sessions=make_session_factory(engine))

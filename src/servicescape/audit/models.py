"""The audit trail: who changed what, when (UTC); and the data-version counters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from servicescape.db.base import Base
from servicescape.db.types import UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __audited__ = False
    __table_args__ = (Index("ix_audit_event_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(default=None)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str | None] = mapped_column(String(60), default=None)
    entity_id: Mapped[str | None] = mapped_column(String(60), default=None)
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    address: Mapped[str | None] = mapped_column(String(64), default=None)


class DataVersion(Base):
    """One row whose counter grows on every committed write: a cheap cache key for analytics."""

    __tablename__ = "data_version"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


class EntityVersion(Base):
    """A counter per kind of record (the audit trail's ``entity``: a table's name, or an import's
    kind), grown with the data version by every write that touches it — so a cache that reads only
    some tables (analytics) need not be counted again when something else changed (a sign-in)."""

    __tablename__ = "data_version_entity"
    __audited__ = False

    entity: Mapped[str] = mapped_column(String(60), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)

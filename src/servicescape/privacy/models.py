"""What data protection keeps: how long the firm keeps each kind of record an owner limited."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from servicescape.db.base import Base, Timestamped


class RetentionSetting(Timestamped, Base):
    """An owner's limit for a kind of record (a ``Retention`` key): kept this many months, then erased
    by the ``privacy.retention`` job. No row: kept. Audited like every write."""

    __tablename__ = "privacy_retention"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    months: Mapped[int] = mapped_column(Integer)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)

"""What the scorecard keeps: the weights owners gave the measures (a measure without a row weighs 1),
and the last scorecard of each period the refresh job computed (what the home page shows)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from servicescape.db.base import Base, Timestamped
from servicescape.db.types import UTCDateTime


class MeasureWeight(Timestamped, Base):
    """An owner's weight for a measure of the catalogue (0 leaves it out; audited like every write)."""

    __tablename__ = "scorecard_weight"

    measure: Mapped[str] = mapped_column(String(60), primary_key=True)
    weight: Mapped[float] = mapped_column(Float)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)


class Snapshot(Base):
    """The scorecard of a period as the job last computed it (``service.Scorecard.as_dict()``); derived
    data, not audited."""

    __tablename__ = "scorecard_snapshot"
    __audited__ = False

    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)

"""What the scorecard keeps: the weights owners gave the measures (a measure without a row weighs 1)."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from servicescape.db.base import Base, Timestamped


class MeasureWeight(Timestamped, Base):
    """An owner's weight for a measure of the catalogue (0 leaves it out; audited like every write)."""

    __tablename__ = "scorecard_weight"

    measure: Mapped[str] = mapped_column(String(60), primary_key=True)
    weight: Mapped[float] = mapped_column(Float)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)

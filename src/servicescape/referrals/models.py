"""Word of mouth: what clients say of the firm (with their consent to its use) and whom they send."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from servicescape.auth.models import Staff
from servicescape.clients.models import Client
from servicescape.db.base import Base, Timestamped
from servicescape.db.types import Money, UTCDateTime, enum_type


class TestimonialStatus(enum.StrEnum):
    draft = "draft"
    pending = "pending"      # waits for a manager's approval
    approved = "approved"
    rejected = "rejected"


class ConsentUse(enum.StrEnum):
    """Where the client agreed the testimonial may be shown."""

    website = "website"
    proposals = "proposals"
    case_studies = "case_studies"


class Testimonial(Timestamped, Base):
    """A client's words about the firm, in one language, with who consented, when and to what."""

    __tablename__ = "testimonial"
    __test__ = False  # not a pytest test class, whatever its name
    __table_args__ = (
        Index("ix_testimonial_status_language", "status", "language"),
        Index("ix_testimonial_client_created", "client_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    author_name: Mapped[str] = mapped_column(String(200))
    author_role: Mapped[str | None] = mapped_column(String(200), default=None)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(20))
    consent_by: Mapped[str | None] = mapped_column(String(200), default=None)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    use_website: Mapped[bool] = mapped_column(Boolean, default=False)
    use_proposals: Mapped[bool] = mapped_column(Boolean, default=False)
    use_case_studies: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[TestimonialStatus] = mapped_column(enum_type(TestimonialStatus),
                                                      default=TestimonialStatus.pending)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    rejected_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    #: the survey answer it came from (the quality capability's; no foreign key on purpose)
    survey_response_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)

    client: Mapped[Client] = relationship(lazy="raise")
    approved_by: Mapped[Staff | None] = relationship(lazy="raise")

    @property
    def uses(self) -> list[ConsentUse]:
        return [use for use in ConsentUse if getattr(self, f"use_{use.value}")]

    @property
    def consent_uses(self) -> list[ConsentUse]:
        return self.uses


class ReferralStatus(enum.StrEnum):
    new = "new"
    contacted = "contacted"
    proposal = "proposal"
    won = "won"
    lost = "lost"


class Referral(Timestamped, Base):
    """A client (the referrer) sent the firm someone: another client of the book or a prospect."""

    __tablename__ = "referral"
    __table_args__ = (
        Index("ix_referral_referrer_referred_on", "referrer_client_id", "referred_on"),
        Index("ix_referral_status_referred_on", "status", "referred_on"),
        # the figures of a period: referrals per referrer and status, and the value won (no table rows read)
        Index("ix_referral_referred_on_figures", "referred_on", "referrer_client_id", "status", "currency",
              "value_won"),
        CheckConstraint("value_won IS NULL OR value_won >= 0", name="value_won_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referrer_client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    referred_client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id", ondelete="SET NULL"),
                                                           default=None, index=True)
    prospect_name: Mapped[str | None] = mapped_column(String(300), default=None)
    prospect_email: Mapped[str | None] = mapped_column(String(320), default=None)
    prospect_company: Mapped[str | None] = mapped_column(String(300), default=None)
    referred_on: Mapped[date] = mapped_column(Date)
    status: Mapped[ReferralStatus] = mapped_column(enum_type(ReferralStatus), default=ReferralStatus.new)
    value_won: Mapped[Decimal | None] = mapped_column(Money, default=None)
    currency: Mapped[str | None] = mapped_column(String(3), default=None)
    won_on: Mapped[date | None] = mapped_column(Date, default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None,
                                                 index=True)

    referrer: Mapped[Client] = relationship(foreign_keys=[referrer_client_id], lazy="raise")
    referred_client: Mapped[Client | None] = relationship(foreign_keys=[referred_client_id], lazy="raise")
    owner: Mapped[Staff | None] = relationship(lazy="raise")

"""The firm's message, knowledge and plan: the approved message library and where it was used,
case studies, proposals, the firm's articles and talks, staff qualifications, what each key
account values, competitors, the plan for a period with its targets and environment review, and
who may resolve complaints without asking."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from servicescape.db.base import Base, Timestamped
from servicescape.db.types import Money, UTCDateTime, enum_type

# --- one message to the market ------------------------------------------------------------------


class MessageKind(enum.StrEnum):
    positioning = "positioning"     # who the firm is for and why it, not another
    benefit = "benefit"             # what the client gains (benefits, not features)


class Message(Timestamped, Base):
    """A statement the whole firm repeats, for a segment (None: every client); its texts are
    versions per language."""

    __tablename__ = "market_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[MessageKind] = mapped_column(enum_type(MessageKind), default=MessageKind.benefit)
    segment: Mapped[str | None] = mapped_column(String(120), default=None, index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class VersionStatus(enum.StrEnum):
    draft = "draft"
    approved = "approved"
    superseded = "superseded"       # an approved version replaced by a newer approved one


class MessageVersion(Timestamped, Base):
    """One wording of a message in one language. Only an approved version is used; approving a new
    one supersedes the one before."""

    __tablename__ = "market_message_version"
    __table_args__ = (UniqueConstraint("message_id", "language", "version", name="uq_market_message_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("market_message.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[VersionStatus] = mapped_column(enum_type(VersionStatus), default=VersionStatus.draft)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class MessageUse(Base):
    """A message used in an interaction or a proposal (one of the two)."""

    __tablename__ = "market_message_use"
    __table_args__ = (
        CheckConstraint("(interaction_id IS NULL) <> (proposal_id IS NULL)", name="one_place"),
        Index("ix_market_message_use_message", "message_id", "used_at"),
        Index("ix_market_message_use_interaction", "interaction_id"),
        Index("ix_market_message_use_proposal", "proposal_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("market_message.id", ondelete="CASCADE"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("market_message_version.id", ondelete="SET NULL"),
                                                   default=None)
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interaction.id", ondelete="CASCADE"),
                                                       default=None)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), default=None)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), default=None,
                                                  index=True)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseStudyStatus(enum.StrEnum):
    draft = "draft"
    approved = "approved"


class CaseStudy(Timestamped, Base):
    """A client's story: the problem, what was done, the measured result; exported to the website
    only when approved."""

    __tablename__ = "case_study"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id", ondelete="SET NULL"), default=None,
                                                  index=True)
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagement.id", ondelete="SET NULL"),
                                                      default=None)
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("value_outcome.id", ondelete="SET NULL"),
                                                   default=None)
    testimonial_id: Mapped[int | None] = mapped_column(ForeignKey("testimonial.id", ondelete="SET NULL"),
                                                       default=None)
    package_id: Mapped[int | None] = mapped_column(ForeignKey("service_package.id", ondelete="SET NULL"),
                                                   default=None)
    segment: Mapped[str | None] = mapped_column(String(120), default=None)
    language: Mapped[str] = mapped_column(String(20))
    problem: Mapped[str] = mapped_column(Text)
    approach: Mapped[str] = mapped_column(Text)                  # what was done
    result: Mapped[str] = mapped_column(Text)                    # the measured result, in words
    result_figure: Mapped[str | None] = mapped_column(String(120), default=None)   # "−38% downtime"
    status: Mapped[CaseStudyStatus] = mapped_column(enum_type(CaseStudyStatus), default=CaseStudyStatus.draft)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Proposal(Timestamped, Base):
    """A proposal pack for a prospect or client: levels of a package, a value case, case studies,
    testimonials and the message it leads with, in the reader's language."""

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(20))
    package_id: Mapped[int | None] = mapped_column(ForeignKey("service_package.id", ondelete="SET NULL"),
                                                   default=None)
    value_case_id: Mapped[int | None] = mapped_column(ForeignKey("value_case.id", ondelete="SET NULL"),
                                                      default=None)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("market_message.id", ondelete="SET NULL"),
                                                   default=None)
    case_study_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    testimonial_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)
    sent_on: Mapped[date | None] = mapped_column(Date, default=None)


# --- prestige and staff knowledge ---------------------------------------------------------------


class PrestigeKind(enum.StrEnum):
    article = "article"
    talk = "talk"
    forum = "forum"


class PrestigeItem(Timestamped, Base):
    """An article the firm wrote, a talk it gave, a forum it took part in, and the enquiries it brought."""

    __tablename__ = "prestige_item"
    __table_args__ = (CheckConstraint("enquiries >= 0", name="enquiries"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PrestigeKind] = mapped_column(enum_type(PrestigeKind))
    title: Mapped[str] = mapped_column(String(300))
    happened_on: Mapped[date] = mapped_column(Date, index=True)
    audience: Mapped[str | None] = mapped_column(String(300), default=None)
    venue: Mapped[str | None] = mapped_column(String(300), default=None)     # the journal, the event
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)
    enquiries: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str | None] = mapped_column(Text, default=None)


class QualificationKind(enum.StrEnum):
    certification = "certification"
    knowledge = "knowledge"


class Qualification(Timestamped, Base):
    """A staff member's certification or area of knowledge; a renewal date opens a task ahead."""

    __tablename__ = "staff_qualification"
    __table_args__ = (Index("ix_staff_qualification_renews", "renews_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    kind: Mapped[QualificationKind] = mapped_column(enum_type(QualificationKind),
                                                    default=QualificationKind.certification)
    name: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str | None] = mapped_column(String(200), default=None)
    obtained_on: Mapped[date | None] = mapped_column(Date, default=None)
    renews_on: Mapped[date | None] = mapped_column(Date, default=None)


# --- knowledge of clients and competitors -------------------------------------------------------


class AccountProfile(Timestamped, Base):
    """What a key account values and how it chooses its providers, and its reviews."""

    __tablename__ = "account_profile"

    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), primary_key=True)
    needs: Mapped[str | None] = mapped_column(Text, default=None)
    how_they_choose: Mapped[str | None] = mapped_column(Text, default=None)
    last_review_on: Mapped[date | None] = mapped_column(Date, default=None)
    next_review_on: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)


class DecisionCriterion(Base):
    """One criterion a client weighs when choosing a provider, its weight out of 100."""

    __tablename__ = "decision_criterion"
    __table_args__ = (UniqueConstraint("client_id", "name", name="uq_decision_criterion"),
                      CheckConstraint("weight >= 0 AND weight <= 100", name="weight"))

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: "servqual" when prefilled from the client's importance split, "entered" otherwise
    source: Mapped[str] = mapped_column(String(20), default="entered")


class Positioning(enum.StrEnum):
    premium = "premium"
    parity = "parity"
    economy = "economy"


class Competitor(Timestamped, Base):
    __tablename__ = "competitor"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    segments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    positioning: Mapped[Positioning | None] = mapped_column(enum_type(Positioning), default=None)
    website: Mapped[str | None] = mapped_column(String(300), default=None)
    notes: Mapped[str | None] = mapped_column(Text, default=None)


class ObservationKind(enum.StrEnum):
    strength = "strength"
    weakness = "weakness"


class CompetitorObservation(Timestamped, Base):
    """A strength or weakness of a competitor as a client reported it."""

    __tablename__ = "competitor_observation"
    __table_args__ = (Index("ix_competitor_observation_competitor", "competitor_id", "noted_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competitor_id: Mapped[int] = mapped_column(ForeignKey("competitor.id", ondelete="CASCADE"))
    kind: Mapped[ObservationKind] = mapped_column(enum_type(ObservationKind))
    text: Mapped[str] = mapped_column(Text)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id", ondelete="SET NULL"), default=None)
    noted_on: Mapped[date] = mapped_column(Date)
    noted_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)


class CompetitorMention(Base):
    """A comment or interaction that names a competitor (found by the mentions job)."""

    __tablename__ = "competitor_mention"
    __audited__ = False
    __table_args__ = (UniqueConstraint("competitor_id", "source", "key", name="uq_competitor_mention"),
                      Index("ix_competitor_mention_said", "competitor_id", "said_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    competitor_id: Mapped[int] = mapped_column(ForeignKey("competitor.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(40))      # a text source's type: "complaint", "interaction"
    key: Mapped[str] = mapped_column(String(80))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), default=None,
                                                  index=True)
    said_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    excerpt: Mapped[str] = mapped_column(String(400))


# --- the plan -------------------------------------------------------------------------------------


class Plan(Timestamped, Base):
    """The plan for a period: targets for the scorecard's measures and the environment review."""

    __tablename__ = "firm_plan"
    __table_args__ = (CheckConstraint("starts_on <= ends_on", name="period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)


class PlanTarget(Timestamped, Base):
    """A target for one measure in a plan ("promises kept on time ≥ 95%"), with its owner."""

    __tablename__ = "plan_target"
    __table_args__ = (UniqueConstraint("plan_id", "measure", name="uq_plan_target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("firm_plan.id", ondelete="CASCADE"))
    measure: Mapped[str] = mapped_column(String(60))
    comparison: Mapped[str] = mapped_column(String(2), default=">=")     # ">=" or "<="
    value: Mapped[float] = mapped_column(Float)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)


class EnvironmentArea(enum.StrEnum):
    internal = "internal"
    market = "market"
    public = "public"
    competitive = "competitive"
    macro = "macro"


class EnvironmentEntry(Timestamped, Base):
    """One dated observation of the environment review (source 002's five environments)."""

    __tablename__ = "environment_entry"
    __table_args__ = (Index("ix_environment_entry_plan", "plan_id", "noted_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("firm_plan.id", ondelete="CASCADE"))
    area: Mapped[EnvironmentArea] = mapped_column(enum_type(EnvironmentArea))
    noted_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)


class Empowerment(Timestamped, Base):
    """What a staff member may do without asking: resolve complaints, grant goodwill up to an amount."""

    __tablename__ = "staff_empowerment"
    __table_args__ = (CheckConstraint("goodwill_limit IS NULL OR goodwill_limit >= 0", name="goodwill_limit"),)

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    resolve_complaints: Mapped[bool] = mapped_column(Boolean, default=True)
    goodwill_limit: Mapped[Decimal | None] = mapped_column(Money, default=None)
    currency: Mapped[str | None] = mapped_column(String(3), default=None)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)

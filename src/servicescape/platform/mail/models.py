"""The outbox: every e-mail the product sends, from enqueueing to sent, dead or "check"."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from servicescape.db.base import Base
from servicescape.db.types import UTCDateTime, enum_type, utcnow


class MailStatus(enum.StrEnum):
    queued = "queued"        # waiting for its first try
    sending = "sending"      # claimed by a sender, which has not confirmed the outcome yet
    sent = "sent"            # the SMTP server accepted it (250 after DATA) and we recorded that
    retrying = "retrying"    # a try failed for sure (not delivered); tried again at next_attempt_at
    dead = "dead"            # refused for good, or out of tries: an owner decides (dead letter)
    check = "check"          # the sender stopped after claiming it: maybe delivered, maybe not


#: what a sender may pick up (when next_attempt_at has come)
DUE_STATUSES = (MailStatus.queued, MailStatus.retrying)
#: what an owner is asked to look at
NEEDS_ATTENTION = (MailStatus.dead, MailStatus.check)


class OutboxMessage(Base):
    """One e-mail to one recipient, rendered at enqueue time in the recipient's language.

    Left out of the generic audit trail: the bodies hold one-time links. The mail service records
    its own audit events (sent, dead, check, retried) without the bodies.
    """

    __tablename__ = "mail_outbox"
    __audited__ = False
    __table_args__ = (Index("ix_mail_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    #: the Message-ID header, fixed at enqueue: a resend after "check" carries the same one
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[MailStatus] = mapped_column(enum_type(MailStatus), default=MailStatus.queued)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    #: the sender holding it (status sending, or check while its sender may still answer)
    claim_token: Mapped[str | None] = mapped_column(String(64), default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

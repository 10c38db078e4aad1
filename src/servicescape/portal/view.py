"""What a signed-in contact sees: their client's promises (the window and who is coming), the
progress of their engagements, invoices, complaints with the next step, surveys waiting for them,
shared documents, their own requests, and what they may order.

Every read here is scoped by the portal account's ``client_id`` and by nothing the browser sends:
the routes pass the account, never a client id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.clients.models import Client, Contact, Invoice
from servicescape.config import Settings
from servicescape.db.types import utcnow
from servicescape.offerings.models import PackageAddon, PackageLevel, ServicePackage
from servicescape.portal import documents, milestones
from servicescape.portal.models import PortalRequest, PortalUser, RequestKind, RequestStatus
from servicescape.promises.models import Complaint, ComplaintStatus, Promise, PromiseStatus
from servicescape.quality import answers
from servicescape.quality.models import Campaign, CampaignStatus, Invitation

RECENT = timedelta(days=60)
LIST_LIMIT = 20


def initials(name: str | None) -> str:
    """"Muhammad Hafiz" → "MH"; "王小明" → "王" (a CJK name: its first character)."""
    if not name:
        return ""
    words = name.split()
    if len(words) == 1 and not name.isascii():
        return name[0]
    return "".join(word[0] for word in words[:2]).upper()


@dataclass(frozen=True)
class PromiseLine:
    id: int
    title: str | None
    kind: str
    window_start: datetime
    window_end: datetime
    place: str | None
    status: str
    person: str | None              # who is coming (the same face)
    person_initials: str
    confirmed: bool
    at_risk: bool
    repromised_from_id: int | None
    open_request: bool              # a new window is asked for already
    moved_to: datetime | None = None    # cancelled for a new window: the new one's start

    @property
    def can_change(self) -> bool:
        return self.status == PromiseStatus.open


@dataclass(frozen=True)
class ComplaintLine:
    id: int
    received_at: datetime
    text: str
    status: str
    response_due_at: datetime
    resolution_due_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    outcome: str | None

    @property
    def next_step(self) -> tuple[str, datetime | None]:
        """("answer", by) → we answer by then; ("resolve", by); ("resolved", at)."""
        if self.status == ComplaintStatus.resolved:
            return "resolved", self.resolved_at
        if self.first_response_at is None:
            return "answer", self.response_due_at
        return "resolve", self.resolution_due_at


@dataclass(frozen=True)
class InvoiceLine:
    id: int
    external_id: str | None
    issued_on: date
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class SurveyLine:
    name: str
    link: str
    expires_at: datetime


@dataclass(frozen=True)
class Orderable:
    package: str
    package_id: int
    levels: list[tuple[int, str, str | None]]        # (id, name, summary)
    addons: list[tuple[int, str, str | None]]


@dataclass
class PortalHome:
    client_name: str
    contact_name: str
    promises: list[PromiseLine]
    progress: list[milestones.EngagementProgress]
    invoices: list[InvoiceLine]
    complaints: list[ComplaintLine]
    surveys: list[SurveyLine]
    documents: list[documents.DocumentLine]
    requests: list[RequestLine]


def promises_of(session: Session, client_id: int, *, now: datetime | None = None) -> list[PromiseLine]:
    """Open promises (soonest first), then those of the last 60 days (newest first)."""
    now = now or utcnow()
    rows = session.execute(
        select(Promise.id, Promise.title, Promise.kind, Promise.window_start, Promise.window_end, Promise.place,
               Promise.status, Staff.name, Promise.confirmed_at, Promise.at_risk, Promise.repromised_from_id)
        .outerjoin(Staff, Staff.id == Promise.owner_id)
        .where(Promise.client_id == client_id,
               or_(Promise.status == PromiseStatus.open, Promise.window_start >= now - RECENT))
        .order_by((Promise.status != PromiseStatus.open), Promise.window_start)
        .limit(LIST_LIMIT * 2)).all()
    asked = _asked_again(session, [row[0] for row in rows])
    moved = {row[10]: row[3] for row in rows if row[10] is not None}
    lines = [PromiseLine(id_, title, kind, start, end, place, status, person, initials(person),
                         confirmed_at is not None, bool(at_risk), repromised_from, id_ in asked, moved.get(id_))
             for id_, title, kind, start, end, place, status, person, confirmed_at, at_risk, repromised_from in rows]
    upcoming = [line for line in lines if line.status == PromiseStatus.open]
    past = sorted((line for line in lines if line.status != PromiseStatus.open),
                  key=lambda line: line.window_start, reverse=True)
    return (upcoming + past)[:LIST_LIMIT]


def _asked_again(session: Session, promise_ids: list[int]) -> set[int]:
    """Those of the promises with an open request for another window. Looked up by promise only, the
    kind and status checked here: given ``status = 'open'`` in SQL, SQLite (no ANALYZE statistics)
    reads every open request of every client through ix_portal_request_status instead (14 ms a page
    at 100,000 clients, benchmarks/portal_speed.py)."""
    if not promise_ids:
        return set()
    found = session.execute(select(PortalRequest.promise_id, PortalRequest.kind, PortalRequest.status)
                            .where(PortalRequest.promise_id.in_(promise_ids)))
    return {promise_id for promise_id, kind, status in found
            if promise_id is not None and kind == RequestKind.reschedule and status == RequestStatus.open}


def complaints_of(session: Session, client_id: int, *, now: datetime | None = None) -> list[ComplaintLine]:
    now = now or utcnow()
    rows = session.execute(
        select(Complaint.id, Complaint.received_at, Complaint.text, Complaint.status, Complaint.response_due_at,
               Complaint.resolution_due_at, Complaint.first_response_at, Complaint.resolved_at, Complaint.outcome)
        .where(Complaint.client_id == client_id,
               or_(Complaint.status != ComplaintStatus.resolved, Complaint.resolved_at >= now - timedelta(days=90)))
        .order_by(Complaint.received_at.desc()).limit(LIST_LIMIT))
    return [ComplaintLine(*row) for row in rows]


def invoices_of(session: Session, client_id: int) -> list[InvoiceLine]:
    rows = session.execute(select(Invoice.id, Invoice.external_id, Invoice.issued_on, Invoice.amount, Invoice.currency)
                           .where(Invoice.client_id == client_id)
                           .order_by(Invoice.issued_on.desc(), Invoice.id.desc()).limit(LIST_LIMIT))
    return [InvoiceLine(*row) for row in rows]


def surveys_of(session: Session, settings: Settings, client_id: int, *,
               now: datetime | None = None) -> list[SurveyLine]:
    """The client's survey links not yet answered, of campaigns still open."""
    now = now or utcnow()
    rows = session.execute(
        select(Campaign.name, Invitation.id, Invitation.nonce, Invitation.expires_at)
        .join(Campaign, Campaign.id == Invitation.campaign_id)
        .where(Invitation.client_id == client_id, Invitation.answered_at.is_(None),
               Invitation.expires_at > now, Campaign.status == CampaignStatus.open)
        .order_by(Invitation.expires_at).limit(5))
    return [SurveyLine(name, answers.link_for(settings, invitation_id, nonce), expires_at)
            for name, invitation_id, nonce, expires_at in rows]


@dataclass(frozen=True)
class RequestLine:
    kind: str
    status: str
    created_at: datetime
    answer: str | None
    promise_title: str | None       # what a confirmation or a request for another time is about
    preferred_start: datetime | None
    ordered: str | None             # the level or add-on ordered
    message: str | None


def requests_of(session: Session, client_id: int) -> list[RequestLine]:
    """The client's requests, newest first, each with what it is about."""
    rows = session.execute(
        select(PortalRequest.kind, PortalRequest.status, PortalRequest.created_at, PortalRequest.answer,
               Promise.title, PortalRequest.preferred_start, PackageLevel.name, PackageAddon.name,
               PortalRequest.message)
        .outerjoin(Promise, Promise.id == PortalRequest.promise_id)
        .outerjoin(PackageLevel, PackageLevel.id == PortalRequest.level_id)
        .outerjoin(PackageAddon, PackageAddon.id == PortalRequest.addon_id)
        .where(PortalRequest.client_id == client_id)
        .order_by(PortalRequest.created_at.desc(), PortalRequest.id.desc()).limit(LIST_LIMIT))
    return [RequestLine(kind, status, created_at, answer, title, preferred, level or addon, message)
            for kind, status, created_at, answer, title, preferred, level, addon, message in rows]


def orderable(session: Session) -> list[Orderable]:
    """The active packages with their levels and add-ons (what a contact may order)."""
    packages = session.scalars(select(ServicePackage).where(ServicePackage.active.is_(True))
                               .order_by(ServicePackage.name)).all()
    levels = session.execute(select(PackageLevel.package_id, PackageLevel.id, PackageLevel.name,
                                    PackageLevel.summary).order_by(PackageLevel.position, PackageLevel.id)).all()
    addons = session.execute(select(PackageAddon.package_id, PackageAddon.id, PackageAddon.name,
                                    PackageAddon.description).where(PackageAddon.active.is_(True))
                             .order_by(PackageAddon.name)).all()
    return [Orderable(p.name, p.id, [(i, n, s) for pid, i, n, s in levels if pid == p.id],
                      [(i, n, d) for pid, i, n, d in addons if pid == p.id]) for p in packages]


def home(session: Session, settings: Settings, user: PortalUser) -> PortalHome:
    client_name, contact_name = session.execute(
        select(Client.name, Contact.name).join(Contact, Contact.client_id == Client.id)
        .where(Contact.id == user.contact_id, Client.id == user.client_id)).one()
    client_id = user.client_id
    return PortalHome(
        client_name=client_name, contact_name=contact_name,
        promises=promises_of(session, client_id),
        progress=milestones.engagement_progress(session, client_id),
        invoices=invoices_of(session, client_id),
        complaints=complaints_of(session, client_id),
        surveys=surveys_of(session, settings, client_id),
        documents=documents.client_documents(session, client_id, limit=LIST_LIMIT),
        requests=requests_of(session, client_id),
    )

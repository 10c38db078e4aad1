"""Price questions asked as a survey: each invited client gets a private link by e-mail (through the
outbox, in its language) to a short form — the four Van Westendorp questions and the two purchase
likelihoods — whose answer lands in the study with the client's segment.

A link's token is 256 random bits; only its SHA-256 is stored, so the link exists only in the
e-mail (and in what ``invite`` returns once). One answer per link, until it expires. Addresses that
asked for no more surveys (the quality capability's opt-outs) are not invited.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, select
from sqlalchemy.orm import Session

from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client, ClientStatus, Contact
from servicescape.config import LANGUAGES, Settings
from servicescape.db.types import utcnow
from servicescape.errors import Conflict, Gone, NotFound, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.offerings import service as offerings
from servicescape.offerings.capability import MANAGE
from servicescape.offerings.models import PackageLevel, ServicePackage
from servicescape.offerings.pricing import PriceAnswer, is_valid
from servicescape.offerings.research import studies
from servicescape.offerings.research_models import PriceAnswer as StoredAnswer
from servicescape.offerings.research_models import PriceInvitation, PriceStudy, StudyMethod
from servicescape.platform.mail import service as mail
from servicescape.quality.models import SurveyOptOut

KIND = "price_research"
TEMPLATE = "emails/price_invitation"
QUESTIONS = ("too_cheap", "cheap", "expensive", "too_expensive")
LIKELIHOODS = ("likely_cheap", "likely_expensive")
MAX_INVITED = 10_000


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_of(settings: Settings, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}/price/{token}"


@dataclass(frozen=True)
class Invited:
    client_id: int
    email: str
    link: str


def invite(session: Session, settings: Settings, study_id: int, *, client_ids: Sequence[int] = (),
           segment: str | None = None, expires_days: int = 30, by: Principal) -> list[Invited]:
    """Invite the chosen active clients (by id, or every one of a segment) that have an address and did
    not opt out of surveys; a client invited to the study before and not answered yet is left out."""
    study = studies.get(session, study_id, by=by)
    require(by, MANAGE)
    if study.method != StudyMethod.van_westendorp:
        raise ValidationFailed(_("Only Van Westendorp studies are asked by link."), field="method")
    if not client_ids and not segment:
        raise ValidationFailed(_("Choose the clients to ask: their ids or a segment."), field="client_ids")
    if not 1 <= expires_days <= 365:
        raise ValidationFailed(_("%(field)s must be a whole number from %(low)s to %(high)s.", field="expires_days",
                                 low=1, high=365), field="expires_days")
    first_contact = (select(Contact.id).where(Contact.client_id == Client.id, Contact.email.is_not(None),
                                              func.trim(Contact.email) != "")
                     .order_by(Contact.id).limit(1).correlate(Client).scalar_subquery())
    own = and_(Client.email.is_not(None), func.trim(Client.email) != "")
    address = func.lower(func.trim(case((own, Client.email), else_=Contact.email)))
    greeting = func.substr(case((own, Client.name), else_=Contact.name), 1, 200)
    language = case((and_(~own, Contact.language.in_(list(LANGUAGES))), Contact.language),
                    (Client.language.in_(list(LANGUAGES)), Client.language), else_=literal(settings.default_language))
    pending = exists().where(PriceInvitation.study_id == study.id, PriceInvitation.client_id == Client.id,
                             PriceInvitation.answered_at.is_(None))
    query = (select(Client.id, address, greeting, language).select_from(Client)
             .outerjoin(Contact, Contact.id == first_contact)
             .where(Client.status == ClientStatus.active, (own | Contact.id.is_not(None)), ~pending,
                    ~exists().where(SurveyOptOut.email == address)))
    query = query.where(Client.id.in_(client_ids)) if client_ids else query.where(Client.segment == segment)
    rows = session.execute(query.order_by(Client.id).limit(MAX_INVITED + 1)).all()
    if len(rows) > MAX_INVITED:
        raise ValidationFailed(_("At most %(n)s clients at a time.", n=MAX_INVITED), field="client_ids")
    now = utcnow()
    expires = now + timedelta(days=expires_days)
    invited = []
    for client_id, email, name, lang in rows:
        token = secrets.token_urlsafe(32)
        session.add(PriceInvitation(study_id=study.id, client_id=client_id, email=email, greeting_name=name,
                                    language=lang, token_hash=hash_token(token), created_at=now, expires_at=expires))
        link = link_of(settings, token)
        mail.enqueue(session, settings, to=email, language=lang, kind=KIND, template=TEMPLATE,
                     values={"greeting_name": name, "link": link, "expires_at": expires}, now=now)
        invited.append(Invited(client_id, email, link))
    session.flush()
    return invited


def invitation_for(session: Session, token: str, *, now: datetime | None = None,
                   lock: bool = False) -> PriceInvitation:
    """The open invitation of a token: NotFound (unknown), Gone (expired), Conflict (answered); ``lock``
    holds its row until the transaction ends (two answers sent at once: the second waits, then 409)."""
    query = select(PriceInvitation).where(PriceInvitation.token_hash == hash_token(token))
    found = session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise NotFound(_("This link does not exist. Check that the whole link was copied."))
    if found.answered_at is not None:
        raise Conflict(_("This link was answered already. Thank you."))
    if found.expires_at <= (now or utcnow()):
        raise Gone(_("This link has expired."))
    return found


@dataclass(frozen=True)
class LinkForm:
    """What the form of a link shows: whom it greets, what it asks about, in which currency, until when."""

    greeting_name: str
    offer: str | None
    currency: str
    expires_at: datetime


def link_form(session: Session, token: str) -> LinkForm:
    """The link's own study, read through the link (the token is the key; nothing else is shown)."""
    invitation = invitation_for(session, token)
    study = session.get(PriceStudy, invitation.study_id)
    assert study is not None
    offer = None
    if study.level_id is not None:
        found = session.execute(select(ServicePackage.name, PackageLevel.name)
                                .join(PackageLevel, PackageLevel.package_id == ServicePackage.id)
                                .where(PackageLevel.id == study.level_id)).first()
        offer = f"{found[0]} · {found[1]}" if found else None
    return LinkForm(invitation.greeting_name, offer, study.currency, invitation.expires_at)


def _price(values: dict[str, str], name: str) -> float:
    text = (values.get(name) or "").strip().replace(" ", "").replace(",", ".")
    try:
        number = float(Decimal(text))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Enter a price, such as 4500."), field=name) from None
    if not math.isfinite(number) or number <= 0:
        raise ValidationFailed(_("Enter a price above zero."), field=name)
    offerings.amount_fits(text, name)
    return number


def answer(session: Session, token: str, values: dict[str, str], *, now: datetime | None = None) -> StoredAnswer:
    """Store the answer of a link (prices out of order are kept: an invalid answer, counted as such)."""
    invitation = invitation_for(session, token, now=now, lock=True)
    prices = {name: _price(values, name) for name in QUESTIONS}
    likely: dict[str, int | None] = {}
    for name in LIKELIHOODS:
        text = (values.get(name) or "").strip()
        if text and text not in ("1", "2", "3", "4", "5"):
            raise ValidationFailed(_("Choose one of the options."), field=name)
        likely[name] = int(text) if text else None
    client = session.get(Client, invitation.client_id)
    assert client is not None
    stored = StoredAnswer(study_id=invitation.study_id, respondent=f"client {client.id}", client_id=client.id,
                          segment=client.segment, **{k: Decimal(str(v)) for k, v in prices.items()}, **likely,
                          valid=is_valid(PriceAnswer(prices["too_cheap"], prices["cheap"], prices["expensive"],
                                                     prices["too_expensive"])))
    session.add(stored)
    session.flush()
    invitation.answered_at = now or utcnow()
    invitation.answer_id = stored.id
    session.flush()
    return stored


def progress(session: Session, study_id: int, *, by: Principal) -> dict[str, Any]:
    """Invited, answered and expired links of a study."""
    study = studies.get(session, study_id, by=by)
    now = utcnow()
    invited, answered, expired = session.execute(select(
        func.count(), func.count(PriceInvitation.answered_at),
        func.sum(case((and_(PriceInvitation.answered_at.is_(None), PriceInvitation.expires_at <= now), 1),
                      else_=0))).where(PriceInvitation.study_id == study.id)).one()
    return {"invited": invited, "answered": answered, "expired": int(expired or 0)}


QUESTION_TEXTS = {
    "too_cheap": N_("At what price would you consider it so inexpensive that you would doubt its quality?"),
    "cheap": N_("At what price would you consider it a bargain — a great buy for the money?"),
    "expensive": N_("At what price would it start to seem expensive, though you would still consider it?"),
    "too_expensive": N_("At what price would it be so expensive that you would not consider it?"),
    "likely_cheap": N_("At the price you called a bargain, how likely would you be to buy it?"),
    "likely_expensive": N_("At the price you called expensive, how likely would you be to buy it?"),
}

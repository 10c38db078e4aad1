"""Word of mouth on a client's timeline: a testimonial when it was recorded (with its status), a
referral the client made on the day it was made, and being referred by another client. One query
per kind of event, each in its own order."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from servicescape.auth.models import Staff
from servicescape.clients.models import Client
from servicescape.i18n import _
from servicescape.platform.timeline import TimelineEvent, TimelineQuery, day_start
from servicescape.referrals.capability import READ
from servicescape.referrals.labels import (
    REFERRAL_TONES,
    TESTIMONIAL_TONES,
    referral_status_label,
    testimonial_status_label,
)
from servicescape.referrals.models import Referral, Testimonial


def events(session: Session, query: TimelineQuery) -> list[TimelineEvent]:
    found: list[TimelineEvent] = []
    if "testimonial" in query.types:
        found += _testimonials(session, query)
    if "referral" in query.types:
        found += _referrals_made(session, query) + _referred(session, query)
    return found


def _testimonials(session: Session, query: TimelineQuery) -> list[TimelineEvent]:
    statement = (
        select(Testimonial.id, Testimonial.client_id, Testimonial.author_name, Testimonial.text,
               Testimonial.status, Testimonial.created_at, Client.name)
        .join(Client, Client.id == Testimonial.client_id)
        .where(query.scope.clients(Testimonial.client_id),
               query.older("testimonial", Testimonial.created_at, Testimonial.id))
        .order_by(Testimonial.created_at.desc(), Testimonial.id.desc()).limit(query.limit)
    )
    return [TimelineEvent("testimonial", row_id, at, _("Testimonial by %(name)s", name=author), "referrals",
                          client_id, client_name=client_name, summary=text, url=f"/testimonials?client={client_id}",
                          url_permission=READ, badges=((testimonial_status_label(status), TESTIMONIAL_TONES[status]),))
            for row_id, client_id, author, text, status, at, client_name in session.execute(statement)]


def _who(referred: str | None, prospect: str | None, company: str | None) -> str:
    return referred or ", ".join(part for part in (prospect, company) if part)


def _referrals_made(session: Session, query: TimelineQuery) -> list[TimelineEvent]:
    referred, owner = aliased(Client), aliased(Staff)
    statement = (
        select(Referral.id, Referral.referrer_client_id, Referral.referred_on, Referral.status, Referral.value_won,
               Referral.currency, Referral.note, Referral.prospect_name, Referral.prospect_company, referred.name,
               owner.name, Client.name)
        .join(Client, Client.id == Referral.referrer_client_id)
        .outerjoin(referred, referred.id == Referral.referred_client_id)
        .outerjoin(owner, owner.id == Referral.owner_id)
        .where(query.scope.clients(Referral.referrer_client_id),
               query.older_days("referral", Referral.referred_on, Referral.id))
        .order_by(Referral.referred_on.desc(), Referral.id.desc()).limit(query.limit)
    )
    return [TimelineEvent("referral", row_id, day_start(day, query.zone),
                          _("Referred %(who)s", who=_who(referred_name, prospect, company)), "referrals", client_id,
                          client_name=client_name, summary=note, actor=owner_name,
                          money=(value, currency) if value is not None and currency else None, all_day=True,
                          url=f"/referrals?client={client_id}", url_permission=READ,
                          badges=((referral_status_label(status), REFERRAL_TONES[status]),))
            for (row_id, client_id, day, status, value, currency, note, prospect, company, referred_name, owner_name,
                 client_name) in session.execute(statement)]


def _referred(session: Session, query: TimelineQuery) -> list[TimelineEvent]:
    """Being referred: an event of the referred client (id negated so that it never clashes with
    the referrer's event of the same referral)."""
    referrer = aliased(Client)
    statement = (
        select(Referral.id, Referral.referred_client_id, Referral.referred_on, referrer.name, Client.name)
        .join(Client, Client.id == Referral.referred_client_id)
        .join(referrer, referrer.id == Referral.referrer_client_id)
        .where(Referral.referred_client_id.is_not(None), query.scope.clients(Referral.referred_client_id),
               query.older_days("referral", Referral.referred_on, -Referral.id))
        .order_by(Referral.referred_on.desc(), Referral.id).limit(query.limit)
    )
    return [TimelineEvent("referral", -row_id, day_start(day, query.zone),
                          _("Referred to us by %(who)s", who=referrer_name), "referrals", client_id,
                          client_name=client_name, all_day=True, url=f"/referrals?client={client_id}",
                          url_permission=READ)
            for row_id, client_id, day, referrer_name, client_name in session.execute(statement)
            if client_id is not None]

"""The figures of the measures (catalogue.py) for a period, read from the records of the capabilities
that keep them: one function per measure, named by its key, each returning a :class:`Figure` with
its sample size. They read with the system's rights: the scorecard checks its own permission first
(service.py). A figure whose records the firm does not keep at all is ``not_in_use``; one with
nothing in the period is ``no_data``; neither counts as zero.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, exists, func, select
from sqlalchemy.orm import Session

from servicescape.auth.permissions import SYSTEM
from servicescape.clients.models import Client, ClientStatus, Engagement, EngagementStatus
from servicescape.scorecard.scoring import Figure

#: a key account counts as reviewed when its last review is this recent
REVIEWED_WITHIN = timedelta(days=120)
#: a member of staff counts in the spread of reliability with at least this many promises due
SPREAD_MIN_PROMISES = 5


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime             # now at most
    zone: ZoneInfo
    reporting_currency: str
    #: what several measures of the window read (the promises' counts, the key accounts), read once
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def once(self, key: str, read: Any) -> Any:
        if key not in self.memo:
            self.memo[key] = read()
        return self.memo[key]

    @property
    def first_day(self) -> Any:
        return self.since.astimezone(self.zone).date()

    @property
    def last_moment(self) -> datetime:
        """The period's last instant, in the firm's zone (for functions that take ``now`` as a day included)."""
        return (self.until - timedelta(microseconds=1)).astimezone(self.zone)

    @property
    def last_day(self) -> Any:
        return (self.until - timedelta(microseconds=1)).astimezone(self.zone).date()


def _any(session: Session, model: Any) -> bool:
    return bool(session.scalar(select(exists().where(model.id.is_not(None)))))


def _active_clients(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Client).where(Client.status == ClientStatus.active)) or 0


# --- promises ----------------------------------------------------------------------------------------

def _promise_lines(session: Session, window: Window) -> list[Any]:
    from servicescape.promises import months

    return window.once("promise_lines", lambda: months.count(session, window.since, window.until))


def promises_kept_on_time(session: Session, window: Window) -> Figure:
    from servicescape.promises.models import Promise

    if not _any(session, Promise):
        return Figure.unused()
    lines = [line for line in _promise_lines(session, window) if line.dimension == "tier"]
    return Figure.share(sum(line.promises for line in lines if line.status == "kept"),
                        sum(line.promises for line in lines))


def told_before_broken(session: Session, window: Window) -> Figure:
    from servicescape.promises.models import Promise

    if not _any(session, Promise):
        return Figure.unused()
    broken = [line for line in _promise_lines(session, window) if line.dimension == "tier" and line.status != "kept"]
    return Figure.share(sum(line.announced for line in broken), sum(line.promises for line in broken))


def _staff_shares(session: Session, window: Window) -> dict[str, float]:
    """Staff id → their share of promises kept on time in the period (those with enough promises)."""
    per_staff: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in _promise_lines(session, window):
        if line.dimension == "staff" and line.key:
            per_staff[line.key][1] += line.promises
            per_staff[line.key][0] += line.promises if line.status == "kept" else 0
    return {key: 100.0 * kept / total for key, (kept, total) in per_staff.items() if total >= SPREAD_MIN_PROMISES}


def reliability_spread(session: Session, window: Window) -> Figure:
    from servicescape.promises.models import Promise

    if not _any(session, Promise):
        return Figure.unused()
    shares = list(_staff_shares(session, window).values())
    if len(shares) < 2:
        return Figure(None, len(shares), "no_data")
    return Figure(max(shares) - min(shares), len(shares))


def least_reliable_staff(session: Session, window: Window) -> int | None:
    """The staff member with the lowest share kept on time in the period (None with fewer than two
    members counted)."""
    shares = _staff_shares(session, window)
    if len(shares) < 2:
        return None
    return int(min(shares, key=lambda key: (shares[key], key)))


def promises_by_office(session: Session, window: Window, office_of: dict[int, str]) -> list[tuple[str, int, int]]:
    """(office, promises due in the period, kept on time) per office, each promise counted in its
    owner's office (``office_of``: staff id → office)."""
    per_office: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in _promise_lines(session, window):
        if line.dimension == "staff" and line.key and int(line.key) in office_of:
            per_office[office_of[int(line.key)]][0] += line.promises
            per_office[office_of[int(line.key)]][1] += line.promises if line.status == "kept" else 0
    return [(office, total, kept) for office, (total, kept) in sorted(per_office.items())]


def offices_of_staff(session: Session) -> dict[int, str]:
    """Staff id → their office (the country of their capacity: its holiday calendar)."""
    from servicescape.capacity.models import StaffCapacity

    return {staff_id: str(country) for staff_id, country in session.execute(
        select(StaffCapacity.staff_id, StaffCapacity.country).where(StaffCapacity.country.is_not(None)))}


def office_spread(session: Session, window: Window) -> Figure:
    from servicescape.promises.models import Promise

    if not _any(session, Promise):
        return Figure.unused()
    office_of = offices_of_staff(session)
    if len(set(office_of.values())) < 2:
        return Figure.unused()      # one office (or none recorded): nothing to spread
    shares = [100.0 * kept / total for _office, total, kept in promises_by_office(session, window, office_of)
              if total >= SPREAD_MIN_PROMISES]
    if len(shares) < 2:
        return Figure(None, len(shares), "no_data")
    return Figure(max(shares) - min(shares), len(shares))


def _complaints_on_time(session: Session, window: Window, due: Any, done: Any) -> Figure:
    from servicescape.promises.models import Complaint

    if not _any(session, Complaint):
        return Figure.unused()
    in_window = (Complaint.received_at >= window.since) & (Complaint.received_at < window.until) & (due <= window.until)
    total, on_time = session.execute(select(func.count(), func.count().filter(done.is_not(None) & (done <= due)))
                                     .select_from(Complaint).where(in_window)).one()
    return Figure.share(on_time or 0, total or 0)


def complaint_response_on_time(session: Session, window: Window) -> Figure:
    from servicescape.promises.models import Complaint

    return _complaints_on_time(session, window, Complaint.response_due_at, Complaint.first_response_at)


def complaint_resolution_on_time(session: Session, window: Window) -> Figure:
    from servicescape.promises.models import Complaint

    return _complaints_on_time(session, window, Complaint.resolution_due_at, Complaint.resolved_at)


# --- quality -----------------------------------------------------------------------------------------

def _surveys_used(session: Session) -> bool:
    from servicescape.quality.models import Campaign

    return bool(session.scalar(select(exists().where(Campaign.opened_at.is_not(None)))))


def servqual_gap(session: Session, window: Window) -> Figure:
    from servicescape.quality import results

    if not _surveys_used(session):
        return Figure.unused()
    found = results.servqual(session, results.ResultFilter(since=window.since, until=window.until), by=SYSTEM)
    if not found.respondents or found.weighted_score is None:
        return Figure(None, found.respondents, "no_data")
    return Figure(float(found.weighted_score), found.respondents)


def nps(session: Session, window: Window) -> Figure:
    from servicescape.quality import results

    if not _surveys_used(session):
        return Figure.unused()
    found = results.nps(session, results.ResultFilter(since=window.since, until=window.until), by=SYSTEM)
    if not found.n or found.score is None:
        return Figure(None, found.n, "no_data")
    return Figure(float(found.score), found.n)


def survey_response_rate(session: Session, window: Window) -> Figure:
    from servicescape.quality.models import Campaign, Invitation

    if not _surveys_used(session):
        return Figure.unused()
    invited, answered = session.execute(
        select(func.count(Invitation.id), func.count(Invitation.answered_at))
        .join(Campaign, Campaign.id == Invitation.campaign_id)
        .where(Campaign.opened_at >= window.since, Campaign.opened_at < window.until)).one()
    return Figure.share(answered or 0, invited or 0)


def survey_coverage(session: Session, window: Window) -> Figure:
    from servicescape.quality.models import Campaign, Invitation

    if not _surveys_used(session):
        return Figure.unused()
    asked = session.scalar(
        select(func.count(distinct(Invitation.client_id)))
        .join(Campaign, Campaign.id == Invitation.campaign_id)
        .join(Client, Client.id == Invitation.client_id)
        .where(Client.status == ClientStatus.active, Campaign.opened_at.is_not(None),
               Invitation.created_at >= window.until - timedelta(days=365), Invitation.created_at < window.until))
    return Figure.share(asked or 0, _active_clients(session))


# --- relationships and referrals ---------------------------------------------------------------------

def cadence_adherence(session: Session, window: Window) -> Figure:
    from servicescape.relationships import service

    active = _active_clients(session)
    overdue = service.overdue_contacts(session, now=window.until, reporting_currency=window.reporting_currency,
                                       per_page=1, by=SYSTEM).total
    return Figure.share(active - overdue, active)


def continuity(session: Session, window: Window) -> Figure:
    from servicescape.relationships import accounts

    if not session.scalar(select(exists().where(Engagement.sold_by_id.is_not(None),
                                                Engagement.delivered_by_id.is_not(None)))):
        return Figure.unused()
    # the period's last moment and its days from the first: continuity counts start days inclusively
    found = accounts.continuity(session, now=window.last_moment, days=(window.last_day - window.first_day).days,
                                with_spread=False, by=SYSTEM)
    return Figure.share(found.same_person, found.engagements)


def referral_rate(session: Session, window: Window) -> Figure:
    from servicescape.referrals.models import Referral

    if not _any(session, Referral):
        return Figure.unused()
    first = window.last_day - timedelta(days=364)      # the twelve months (365 days) to the period's last day
    referrers = session.scalar(
        select(func.count(distinct(Referral.referrer_client_id)))
        .join(Client, Client.id == Referral.referrer_client_id)
        .where(Client.status == ClientStatus.active, Referral.referred_on >= first,
               Referral.referred_on <= window.last_day)) or 0
    return Figure.share(referrers, _active_clients(session))


# --- pricing ----------------------------------------------------------------------------------------

def realisation(session: Session, window: Window) -> Figure:
    from servicescape.capacity import service
    from servicescape.capacity.models import Booking

    if not _any(session, Booking):
        return Figure.unused()
    first = max(window.first_day, window.last_day - timedelta(days=7 * (service.MAX_WEEKS - 1)))
    found = service.performance(session, first, window.last_day, reporting_currency=window.reporting_currency,
                                by=SYSTEM)
    billable, billed = float(found.recorded_billable.sum()), float(found.billed.sum())
    if billable <= 0:
        return Figure(None, 0, "no_data")
    return Figure(100.0 * billed / billable, round(billable))


def value_cases_backed(session: Session, window: Window) -> Figure:
    from servicescape.offerings.value import OUTCOMES_TO_BACK
    from servicescape.offerings.value_models import ValueCase, ValueOutcome

    if not _any(session, ValueCase):
        return Figure.unused()
    backed = (select(ValueOutcome.case_id).join(Engagement, Engagement.id == ValueOutcome.engagement_id)
              .where(Engagement.status == EngagementStatus.completed, ValueOutcome.recorded_on <= window.last_day)
              .group_by(ValueOutcome.case_id).having(func.count() >= OUTCOMES_TO_BACK).subquery())
    total, with_outcomes = session.execute(
        select(func.count(ValueCase.id), func.count(backed.c.case_id))
        .outerjoin(backed, backed.c.case_id == ValueCase.id).where(ValueCase.created_at < window.until)).one()
    return Figure.share(with_outcomes or 0, total or 0)


def price_research_recency(session: Session, window: Window) -> Figure:
    from servicescape.offerings.models import CompetitorPrice

    if not _any(session, CompetitorPrice):
        return Figure.unused()
    # the day each price was noted (the day it was entered where none is given), up to the period's end
    days = [(window.last_day - (on or created.astimezone(window.zone).date())).days
            for on, created in session.execute(select(CompetitorPrice.noted_on, CompetitorPrice.created_at))]
    days = [d for d in days if d >= 0]
    if not days:
        return Figure(None, 0, "no_data")
    return Figure(float(min(days)), len(days))


def capacity_outlook_covered(session: Session, window: Window) -> Figure:
    from servicescape.capacity import service
    from servicescape.capacity.models import StaffCapacity

    if not _any(session, StaffCapacity):
        return Figure.unused()
    first = window.last_day - timedelta(days=window.last_day.weekday())
    found = service.heatmap(session, first, 12, today=window.last_day, zone=window.zone,
                            reporting_currency=window.reporting_currency, by=SYSTEM)
    staffed = found.available > 0
    covered = int(((found.scheduled <= found.available + 1e-9) & staffed).sum())
    return Figure.share(covered, int(staffed.sum()))


def testimonials_in_use(session: Session, window: Window) -> Figure:
    from servicescape.referrals.models import Testimonial, TestimonialStatus

    if not _any(session, Testimonial):
        return Figure.unused()
    used = (Testimonial.use_website | Testimonial.use_proposals | Testimonial.use_case_studies)
    count = session.scalar(select(func.count()).select_from(Testimonial).where(
        Testimonial.status == TestimonialStatus.approved, Testimonial.consent_at.is_not(None), used,
        Testimonial.approved_at < window.until)) or 0
    return Figure(float(count), count)


# --- the plan ----------------------------------------------------------------------------------------

def _key_accounts(session: Session, window: Window) -> Any:
    from servicescape.plan import knowledge

    return window.once("key_accounts", lambda: knowledge.key_account_needs(
        session, now=window.last_moment, today=window.last_day, reporting_currency=window.reporting_currency,
        by=SYSTEM))


def key_accounts_reviewed(session: Session, window: Window) -> Figure:
    found = _key_accounts(session, window).accounts
    recent = window.last_day - REVIEWED_WITHIN
    reviewed = sum(1 for a in found if a.profile.last_review_on is not None and a.profile.last_review_on >= recent)
    return Figure.share(reviewed, len(found))


def needs_recorded(session: Session, window: Window) -> Figure:
    found = _key_accounts(session, window)
    return Figure.share(found.with_needs, len(found.accounts))


def message_adoption(session: Session, window: Window) -> Figure:
    from servicescape.plan import message_uses
    from servicescape.plan.models import Message

    if not _any(session, Message):
        return Figure.unused()
    found = message_uses.adoption(session, window.first_day, window.last_day, by=SYSTEM, zone=window.zone)
    return Figure.share(found.with_message, found.interactions)


def frontline_recoveries(session: Session, window: Window) -> Figure:
    from servicescape.plan import people
    from servicescape.promises.models import Complaint

    if not _any(session, Complaint):
        return Figure.unused()
    found = people.frontline_recoveries(session, window.since, window.until, by=SYSTEM)
    return Figure.share(found.by_frontline, found.resolved)


def targets_set(session: Session, window: Window) -> Figure:
    from servicescape.plan import measures, planning

    if planning.current_plan(session, window.last_day, by=SYSTEM) is None:
        return Figure(None, 0, "no_data")
    targets = planning.targets_for(session, window.last_day, by=SYSTEM)
    return Figure.share(len({view.target.measure for view in targets}), len(measures.MEASURES))


def targets(session: Session, window: Window) -> dict[str, tuple[str, float]]:
    """The plan's targets for the period's last day: measure key → (comparison, value)."""
    from servicescape.plan import planning

    return {view.target.measure: (view.target.comparison, float(view.target.value))
            for view in planning.targets_for(session, window.last_day, by=SYSTEM)}

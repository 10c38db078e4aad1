"""Survey campaigns: who is asked (the audience), one private link per recipient, the invitation
e-mail, the reminders, the mail-merge export and the unsubscribe link.

* **Audience.** Active clients, chosen by tier, segment, owner (the client's staff member), an
  engagement completed (its end date) in a period — then the invitation is about that engagement
  (the latest one in the period) — and a service recovery (a task of kind ``recovery``) closed as
  done in a period, days on the firm's clock (the CSAT after a recovery). A recipient needs an
  e-mail address: the client's own, else its first contact's with one; an address that
  unsubscribed (``SurveyOptOut``) is left out.
* **Links.** Invitations are made set-based (one INSERT … SELECT, then the tokens' hashes
  written in chunks of ``CHUNK`` by primary key), so a campaign to 100,000 clients takes seconds;
  each gets a random nonce, and its token (``answers.token_of``: 256 bits of HMAC) is never
  stored, only its SHA-256. The greeting name (the contact's, or the client's when the address is
  the client's) is the only personal word the answer page shows. The language is the contact's or
  the client's when it is one of the six, else the firm's default.
* **E-mail.** Through the platform's outbox, in the recipient's language, with the link and an
  unsubscribe link. **At most one survey e-mail a day per address**, across all campaigns: an
  address mailed (``Invitation.last_mailed_at``) in the last 24 hours is skipped and gets its
  e-mail on the next run of the reminder job. Unsubscribed addresses get nothing more.
* **Reminders** (the hourly job ``quality.reminders``): to invitations not answered, last mailed
  at least ``remind_after_days`` ago, fewer than ``max_reminders`` times, by the same rules; the
  job also closes campaigns whose links expired. Running it twice in a row sends nothing the
  second time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased

from servicescape.audit.service import record
from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client, ClientStatus, Contact, Engagement, EngagementStatus, Tier
from servicescape.config import LANGUAGES, Settings
from servicescape.db.types import UTCDateTime, utcnow
from servicescape.errors import Conflict, NotFound, ValidationFailed
from servicescape.i18n import _
from servicescape.platform.mail import service as mail
from servicescape.promises.capability import RECOVERY
from servicescape.quality import answers
from servicescape.quality.capability import MANAGE, READ, WRITE
from servicescape.quality.models import (
    Campaign,
    CampaignStatus,
    Invitation,
    Survey,
    SurveyOptOut,
    SurveyResponse,
    SurveyStatus,
)
from servicescape.tabular import neutralise
from servicescape.tasks.models import Task, TaskStatus

CHUNK = 2000
SAMPLE = 10
ONE_A_DAY = timedelta(days=1)
INVITATION_KIND = "survey_invitation"
REMINDER_KIND = "survey_reminder"
LIMITS = {"expires_in_days": (1, 365), "remind_after_days": (1, 90), "max_reminders": (0, 5)}
#: an invitation due an e-mail: id, address, language, greeting name, nonce, expiry
Due = Select[int, str | None, str, str, str, datetime]
CSV_COLUMNS = ("client_external_id", "client_name", "greeting_name", "email", "language", "link", "expires_at")


# ---- the audience -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Audience:
    """Who a campaign asks; every criterion given must hold (an empty one: any)."""

    tiers: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    owner_id: int | None = None
    completed_from: date | None = None      # an engagement completed (its end date) on or after
    completed_to: date | None = None        # … and on or before
    recovered_from: date | None = None      # a service recovery closed as done on or after (firm's clock)
    recovered_to: date | None = None        # … and on or before

    @property
    def by_engagement(self) -> bool:
        return self.completed_from is not None or self.completed_to is not None

    @property
    def by_recovery(self) -> bool:
        return self.recovered_from is not None or self.recovered_to is not None

    def as_dict(self) -> dict[str, Any]:
        return {"tiers": list(self.tiers), "segments": list(self.segments), "owner_id": self.owner_id,
                "completed_from": self.completed_from.isoformat() if self.completed_from else None,
                "completed_to": self.completed_to.isoformat() if self.completed_to else None,
                "recovered_from": self.recovered_from.isoformat() if self.recovered_from else None,
                "recovered_to": self.recovered_to.isoformat() if self.recovered_to else None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Audience:
        def day(name: str) -> date | None:
            value = data.get(name)
            if value in (None, ""):
                return None
            if isinstance(value, date):
                return value
            try:
                return date.fromisoformat(str(value))
            except ValueError:
                raise ValidationFailed(_("Give a date as YYYY-MM-DD."), field=name) from None

        owner = data.get("owner_id")
        if owner in (None, ""):
            owner_id = None
        else:
            try:
                owner_id = int(owner)
            except (TypeError, ValueError):
                raise ValidationFailed(_("Choose a staff member."), field="owner_id") from None
        return cls(tiers=tuple(str(t) for t in data.get("tiers") or () if str(t).strip()),
                   segments=tuple(str(s).strip() for s in data.get("segments") or () if str(s).strip()),
                   owner_id=owner_id, completed_from=day("completed_from"), completed_to=day("completed_to"),
                   recovered_from=day("recovered_from"), recovered_to=day("recovered_to"))


def _checked(session: Session, audience: Audience) -> Audience:
    known = {tier.value for tier in Tier}
    unknown = [tier for tier in audience.tiers if tier not in known]
    if unknown:
        raise ValidationFailed(_("Unknown tier %(value)s.", value=unknown[0]), field="tiers")
    if audience.owner_id is not None and session.get(Staff, audience.owner_id) is None:
        raise ValidationFailed(_("Staff member %(id)s does not exist.", id=audience.owner_id), field="owner_id")
    if audience.completed_from and audience.completed_to and audience.completed_from > audience.completed_to:
        raise ValidationFailed(_("The period ends before it starts."), field="completed_to")
    if audience.recovered_from and audience.recovered_to and audience.recovered_from > audience.recovered_to:
        raise ValidationFailed(_("The period ends before it starts."), field="recovered_to")
    return audience


def _day_start(day: date, zone: tzinfo, name: str, *, later: int = 0) -> datetime:
    """The start of ``day`` (``later`` days on) on the firm's clock, in UTC (a day at the calendar's
    very edge: refused, naming the field)."""
    try:
        return datetime.combine(day + timedelta(days=later), time(), tzinfo=zone).astimezone(UTC)
    except OverflowError:
        raise ValidationFailed(_("%(field)s is out of range.", field=name), field=name) from None


def _recipients(audience: Audience, settings: Settings) -> Select[Any]:
    """One row per recipient: client_id, client_name, engagement_id, email (lower case),
    greeting_name, language."""
    first_contact = (select(Contact.id).where(Contact.client_id == Client.id, Contact.email.is_not(None),
                                              func.trim(Contact.email) != "")
                     .order_by(Contact.id).limit(1).correlate(Client).scalar_subquery())
    own = and_(Client.email.is_not(None), func.trim(Client.email) != "")
    address = func.lower(func.trim(case((own, Client.email), else_=Contact.email)))
    greeting = func.substr(case((own, Client.name), else_=Contact.name), 1, 200)
    six = list(LANGUAGES)
    language = case((and_(~own, Contact.language.in_(six)), Contact.language),
                    (Client.language.in_(six), Client.language), else_=literal(settings.default_language))
    engagement: Any = cast(null(), Integer)
    if audience.by_engagement:
        conditions = [Engagement.client_id == Client.id, Engagement.status == EngagementStatus.completed,
                      Engagement.end_date.is_not(None)]
        if audience.completed_from:
            conditions.append(Engagement.end_date >= audience.completed_from)
        if audience.completed_to:
            conditions.append(Engagement.end_date <= audience.completed_to)
        engagement = (select(Engagement.id).where(*conditions).order_by(Engagement.end_date.desc(),
                                                                          Engagement.id.desc())
                      .limit(1).correlate(Client).scalar_subquery())
    query = (select(Client.id.label("client_id"), Client.name.label("client_name"),
                    engagement.label("engagement_id"), address.label("email"),
                    greeting.label("greeting_name"), language.label("language"))
             .select_from(Client).outerjoin(Contact, Contact.id == first_contact)
             .where(Client.status == ClientStatus.active, or_(own, Contact.id.is_not(None)),
                    ~exists().where(SurveyOptOut.email == address)))
    if audience.tiers:
        query = query.where(Client.tier.in_([Tier(t) for t in audience.tiers]))
    if audience.segments:
        query = query.where(Client.segment.in_(audience.segments))
    if audience.owner_id is not None:
        query = query.where(Client.owner_id == audience.owner_id)
    if audience.by_engagement:
        query = query.where(engagement.is_not(None))
    if audience.by_recovery:
        # served by ix_task_client_status (client_id, status)
        recovered = [Task.client_id == Client.id, Task.status == TaskStatus.done, Task.kind == RECOVERY,
                     Task.closed_at.is_not(None)]
        if audience.recovered_from:
            recovered.append(Task.closed_at >= _day_start(audience.recovered_from, settings.zone, "recovered_from"))
        if audience.recovered_to:
            recovered.append(Task.closed_at < _day_start(audience.recovered_to, settings.zone, "recovered_to",
                                                         later=1))
        query = query.where(exists().where(*recovered).correlate(Client))
    return query


@dataclass(frozen=True)
class Recipient:
    client_id: int
    client_name: str
    email: str
    greeting_name: str
    language: str
    engagement_id: int | None


@dataclass(frozen=True)
class Preview:
    count: int
    sample: list[Recipient]


def preview(session: Session, settings: Settings, audience: Audience, *, by: Principal) -> Preview:
    """How many clients the audience reaches, and the first few of them by name."""
    require(by, READ)
    query = _recipients(_checked(session, audience), settings).subquery()
    count = session.scalar(select(func.count()).select_from(query)) or 0
    rows = session.execute(select(query.c.client_id, query.c.client_name, query.c.email, query.c.greeting_name,
                                  query.c.language, query.c.engagement_id)
                           .order_by(query.c.client_name, query.c.client_id).limit(SAMPLE))
    return Preview(count, [Recipient(*row) for row in rows])


# ---- making a campaign --------------------------------------------------------------------------

def _whole(value: Any, name: str) -> int:
    low, high = LIMITS[name]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(_("Give a whole number from %(low)s to %(high)s.", low=low, high=high), field=name)
    return value


def create(session: Session, settings: Settings, survey: Survey, name: str, audience: Audience, *,
           expires_in_days: int = 30, remind_after_days: int = 7, max_reminders: int = 2, by: Principal,
           now: datetime | None = None) -> Campaign:
    """A draft campaign with one invitation (a private link) per recipient of ``audience``."""
    require(by, WRITE)
    if survey.status != SurveyStatus.active:
        raise Conflict(_("Only an active survey can be sent; activate it first."), field="survey")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the campaign a name."), field="name")
    if len(name) > 200:
        raise ValidationFailed(_("The name is too long (200 characters at most)."), field="name")
    days = _whole(expires_in_days, "expires_in_days")
    remind_after = _whole(remind_after_days, "remind_after_days")
    reminders = _whole(max_reminders, "max_reminders")
    recipients = _recipients(_checked(session, audience), settings).subquery()
    count = session.scalar(select(func.count()).select_from(recipients)) or 0
    if not count:
        raise ValidationFailed(_("No active client with an e-mail address matches these choices."), field="audience")
    now = now or utcnow()
    expires_at = now + timedelta(days=days)
    campaign = Campaign(survey_id=survey.id, name=name, status=CampaignStatus.draft, audience=audience.as_dict(),
                        expires_at=expires_at, remind_after_days=remind_after, max_reminders=reminders,
                        created_by_id=by.id if isinstance(by, Staff) else None)
    session.add(campaign)
    session.flush()
    # the hash column is unique: a placeholder that no SHA-256 (64 hex digits) can equal, until
    # the ids are known and the real hashes are written below
    placeholder = literal("pending:") + cast(recipients.c.client_id, String(20))
    session.execute(insert(Invitation).from_select(
        ["campaign_id", "client_id", "engagement_id", "email", "greeting_name", "language", "nonce", "token_hash",
         "expires_at", "created_at", "reminders"],
        select(literal(campaign.id, Integer), recipients.c.client_id, recipients.c.engagement_id, recipients.c.email,
               recipients.c.greeting_name, recipients.c.language, literal(""), placeholder,
               literal(expires_at, UTCDateTime()), literal(now, UTCDateTime()), literal(0, Integer))))
    _write_tokens(session, settings, campaign.id)
    record(session, "survey_campaign_created", entity="survey_campaign", entity_id=campaign.id,
           changes={"survey_id": survey.id, "name": name, "invitations": count, "audience": audience.as_dict()})
    return campaign


def _write_tokens(session: Session, settings: Settings, campaign_id: int) -> None:
    """Give each invitation of the campaign its nonce and its token's hash, a chunk at a time."""
    last = 0
    while True:
        ids = list(session.scalars(select(Invitation.id).where(Invitation.campaign_id == campaign_id,
                                                               Invitation.id > last)
                                   .order_by(Invitation.id).limit(CHUNK)))
        if not ids:
            return
        rows = []
        for invitation_id in ids:
            nonce = answers.new_nonce()
            rows.append((invitation_id, nonce, answers.hash_token(answers.token_of(settings, invitation_id, nonce))))
        # a bulk UPDATE by primary key (executemany; measured faster than UPDATE … FROM (VALUES …) on
        # PostgreSQL: 100,000 invitations in ~5 s there, ~1.5 s on SQLite)
        session.execute(update(Invitation), [{"id": i, "nonce": n, "token_hash": h} for i, n, h in rows])
        last = ids[-1]


def get(session: Session, campaign_id: int, *, by: Principal) -> Campaign:
    require(by, READ)
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(_("Campaign %(id)s does not exist.", id=campaign_id))
    return campaign


def listing(session: Session, *, survey_id: int | None = None, by: Principal) -> list[Campaign]:
    """The campaigns (of one survey), newest first."""
    require(by, READ)
    query = select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())
    if survey_id is not None:
        query = query.where(Campaign.survey_id == survey_id)
    return list(session.scalars(query))


# ---- sending ------------------------------------------------------------------------------------

@dataclass
class Mailing:
    """What a send or a reminder run did."""

    invited: int = 0            # first e-mails queued
    reminded: int = 0           # reminders queued
    waiting: int = 0            # due, but the address had a survey e-mail in the last 24 hours
    bad_address: int = 0        # the address is not one an e-mail can go to
    closed: int = 0             # campaigns closed because their links expired
    more: bool = False          # stopped at the limit: more are due
    campaigns: list[int] = field(default_factory=list)

    @property
    def queued(self) -> int:
        return self.invited + self.reminded

    def as_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found.pop("campaigns")
        found.pop("more")
        return found


def _links(settings: Settings, invitation_id: int, nonce: str) -> tuple[str, str]:
    link = answers.link_of(settings, Invitation(id=invitation_id, nonce=nonce))
    return link, f"{link}/unsubscribe"


def _due(campaign: Campaign, now: datetime, *, reminder: bool) -> tuple[Due, ColumnElement[bool]]:
    """The invitations of ``campaign`` due an e-mail now (a first one, or a reminder), and the
    condition that their address had no survey e-mail in the last 24 hours."""
    other = aliased(Invitation)
    query = select(Invitation.id, Invitation.email, Invitation.language, Invitation.greeting_name, Invitation.nonce,
                   Invitation.expires_at).where(
        Invitation.campaign_id == campaign.id, Invitation.answered_at.is_(None), Invitation.email.is_not(None),
        Invitation.expires_at > now, ~exists().where(SurveyOptOut.email == Invitation.email))
    if reminder:
        query = query.where(Invitation.first_mailed_at.is_not(None), Invitation.reminders < campaign.max_reminders,
                            Invitation.last_mailed_at <= now - timedelta(days=campaign.remind_after_days))
    else:
        query = query.where(Invitation.first_mailed_at.is_(None))
    return query, ~exists().where(other.email == Invitation.email, other.last_mailed_at > now - ONE_A_DAY)


def _mail(session: Session, settings: Settings, campaign: Campaign, now: datetime, report: Mailing, *,
          reminder: bool, limit: int | None = None) -> None:
    query, not_today = _due(campaign, now, reminder=reminder)
    report.waiting += session.scalar(select(func.count()).select_from(query.where(~not_today).subquery())) or 0
    kind, template = (REMINDER_KIND, "emails/survey_reminder") if reminder else (
        INVITATION_KIND, "emails/survey_invitation")
    last = 0
    while True:
        room = CHUNK if limit is None else min(CHUNK, limit - report.queued)
        if room <= 0:
            report.more = True
            return
        rows = session.execute(query.where(not_today, Invitation.id > last).order_by(Invitation.id).limit(room)).all()
        if not rows:
            return
        sent: list[int] = []
        addresses: set[str] = set()
        queued = []
        for invitation_id, email, language, greeting, nonce, expires_at in rows:
            if email is None or email in addresses:   # one address, two invitations: one tomorrow
                report.waiting += 1
                continue
            link, unsubscribe = _links(settings, invitation_id, nonce)
            try:
                queued.append(mail.enqueue(session, settings, to=email, language=language, kind=kind, template=template,
                                           values={"greeting_name": greeting, "link": link,
                                                   "unsubscribe_link": unsubscribe, "expires_at": expires_at},
                                           now=now))
            except ValidationFailed:        # not an address anyone can write to: counted, left as it is
                report.bad_address += 1
                continue
            addresses.add(email)
            sent.append(invitation_id)
        if sent:
            values: dict[str, Any] = {"last_mailed_at": now}
            if reminder:
                values["reminders"] = Invitation.reminders + 1
            else:
                values["first_mailed_at"] = now
            session.execute(update(Invitation).where(Invitation.id.in_(sent)).values(**values)
                            .execution_options(synchronize_session=False))
        for message in queued:
            session.expunge(message)        # keep the session small on a large campaign
        if reminder:
            report.reminded += len(sent)
        else:
            report.invited += len(sent)
        last = rows[-1][0]


def open_and_send(session: Session, settings: Settings, campaign: Campaign, *, by: Principal,
                  now: datetime | None = None) -> Mailing:
    """Open the campaign (its links start to work) and queue the invitation e-mails."""
    require(by, WRITE)
    now = now or utcnow()
    if campaign.status == CampaignStatus.closed:
        raise Conflict(_("This campaign is closed."), field="status")
    if now >= campaign.expires_at:
        raise Conflict(_("This campaign's links have expired; make a new campaign."), field="expires_at")
    if campaign.status == CampaignStatus.draft:
        survey = session.get(Survey, campaign.survey_id)
        if survey is None or survey.status != SurveyStatus.active:
            raise Conflict(_("Only an active survey can be sent; activate it first."), field="survey")
        campaign.status, campaign.opened_at = CampaignStatus.open, now
        session.flush()
    report = Mailing(campaigns=[campaign.id])
    _mail(session, settings, campaign, now, report, reminder=False)
    record(session, "survey_campaign_sent", entity="survey_campaign", entity_id=campaign.id,
           changes=report.as_dict())
    return report


def remind(session: Session, settings: Settings, *, now: datetime | None = None, limit: int | None = None,
           by: Principal) -> Mailing:
    """The reminder job's work: close the campaigns whose links expired; in the open ones, the
    first e-mail to those who could not get it yet, and a reminder to those due one. With
    ``limit``, at most that many e-mails (``more`` says whether some are left: call again, in a
    new transaction, so that no transaction holds the database long on a large campaign)."""
    require(by, WRITE)
    now = now or utcnow()
    report = Mailing()
    result = session.execute(update(Campaign).where(Campaign.status == CampaignStatus.open, Campaign.expires_at <= now)
                             .values(status=CampaignStatus.closed, closed_at=now)
                             .execution_options(synchronize_session=False))
    report.closed = int(getattr(result, "rowcount", 0) or 0)
    for campaign in session.scalars(select(Campaign).where(Campaign.status == CampaignStatus.open)
                                    .order_by(Campaign.id)):
        report.campaigns.append(campaign.id)
        _mail(session, settings, campaign, now, report, reminder=False, limit=limit)
        _mail(session, settings, campaign, now, report, reminder=True, limit=limit)
        if report.more:
            break
    return report


# ---- closing, progress, export ------------------------------------------------------------------

def close(session: Session, campaign: Campaign, *, by: Principal, now: datetime | None = None) -> Campaign:
    """Close the campaign: its links answer "closed" (410), no more e-mails go out."""
    require(by, MANAGE)
    if campaign.status != CampaignStatus.closed:
        campaign.status, campaign.closed_at = CampaignStatus.closed, now or utcnow()
        session.flush()
        record(session, "survey_campaign_closed", entity="survey_campaign", entity_id=campaign.id)
    return campaign


def delete(session: Session, campaign: Campaign, *, by: Principal) -> None:
    """Delete a draft or closed campaign and its links (answers given stay, without the link)."""
    require(by, MANAGE)
    if campaign.status == CampaignStatus.open:
        raise Conflict(_("Close the campaign before deleting it: its links still work."), field="status")
    record(session, "survey_campaign_deleted", entity="survey_campaign", entity_id=campaign.id,
           changes={"name": campaign.name})
    session.delete(campaign)
    session.flush()


@dataclass(frozen=True)
class Progress:
    invited: int
    with_address: int
    mailed: int
    reminded: int
    opened: int
    started: int            # answers saved, not yet submitted
    answered: int
    opted_out: int

    @property
    def response_rate(self) -> float:
        """Answered of invited (0.0 when nobody is)."""
        return self.answered / self.invited if self.invited else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "response_rate": round(self.response_rate, 4)}


def status(session: Session, campaign: Campaign, *, by: Principal) -> Progress:
    require(by, READ)
    opted_out = Invitation.email.in_(select(SurveyOptOut.email))
    row = session.execute(select(
        func.count(), func.count(Invitation.email), func.count(Invitation.first_mailed_at),
        func.coalesce(func.sum(case((Invitation.reminders > 0, 1), else_=0)), 0), func.count(Invitation.opened_at),
        func.count(Invitation.answered_at), func.coalesce(func.sum(case((opted_out, 1), else_=0)), 0),
    ).where(Invitation.campaign_id == campaign.id)).one()
    started = session.scalar(select(func.count()).select_from(SurveyResponse).where(
        SurveyResponse.campaign_id == campaign.id, SurveyResponse.invitation_id.is_not(None),
        SurveyResponse.submitted_at.is_(None))) or 0
    invited, with_address, mailed, reminded, opened, answered, out = (int(v) for v in row)
    return Progress(invited, with_address, mailed, reminded, opened, started, answered, out)


def links_csv(session: Session, settings: Settings, campaign: Campaign, *, by: Principal) -> Iterator[str]:
    """The campaign's links for a mail-merge, as CSV text in chunks (a header, then ``CHUNK`` rows
    at a time): read it while the session is open. Cells a spreadsheet could run as a formula are
    guarded (``tabular.neutralise``)."""
    require(by, WRITE)
    return _csv_chunks(session, settings, campaign.id)


def _csv_line(values: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([neutralise(v) for v in values])
    return buffer.getvalue()


def _csv_chunks(session: Session, settings: Settings, campaign_id: int) -> Iterator[str]:
    yield _csv_line(CSV_COLUMNS)
    last = 0
    while True:
        rows = session.execute(
            select(Invitation.id, Invitation.nonce, Client.external_id, Client.name, Invitation.greeting_name,
                   Invitation.email, Invitation.language, Invitation.expires_at)
            .join(Client, Client.id == Invitation.client_id)
            .where(Invitation.campaign_id == campaign_id, Invitation.id > last)
            .order_by(Invitation.id).limit(CHUNK)).all()
        if not rows:
            return
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        for invitation_id, nonce, external_id, name, greeting, email, language, expires_at in rows:
            link, _unsubscribe = _links(settings, invitation_id, nonce)
            writer.writerow([neutralise(v) for v in (external_id or "", name, greeting, email or "", language, link,
                                                      expires_at.isoformat())])
        yield buffer.getvalue()
        last = rows[-1][0]


# ---- unsubscribing ------------------------------------------------------------------------------

def invitation_of(session: Session, token: str) -> Invitation:
    """The invitation of a link, whatever its state (the unsubscribe link works on old e-mails
    too); NotFound for an unknown token."""
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == answers.hash_token(token)))
    if invitation is None:
        raise NotFound(_("This survey link does not exist. Check that the whole link was copied."))
    return invitation


def opt_out(session: Session, token: str) -> None:
    """The unsubscribe link (no sign-in: the token is the key): the invitation's address gets no
    more survey e-mails. Raises NotFound for an unknown token; doing it twice changes nothing."""
    invitation = invitation_of(session, token)
    if not invitation.email:
        return
    address = invitation.email.strip().lower()
    if session.get(SurveyOptOut, address) is None:
        session.add(SurveyOptOut(email=address, at=utcnow()))
        session.flush()
        record(session, "survey_opt_out", entity="survey_invitation", entity_id=invitation.id)

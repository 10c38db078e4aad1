"""Where the firm's messages were used — an interaction with a client or a proposal — and the
adoption figures of a period: the share of interactions that carried an approved message, per
staff member and for the firm, and the uses per message, so that the firm sees whether everyone
repeats the same one (the scorecard reads :func:`adoption`).

* A use names the message and the approved version it used: the one in the language asked for,
  else in the client's language, else the latest approved in any language. A message approved in
  no language yet cannot be used (422 naming ``message_id``); a retired one neither (409).
* An interaction carries a message once: the same message twice on one interaction is a 409.
* An interaction's use is dated when the interaction happened and counts for the person who had
  it; a proposal's is recorded by the proposal itself and follows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client, Interaction
from servicescape.db.crud import about_field
from servicescape.db.types import utcnow
from servicescape.errors import Conflict, NotFound, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.plan.capability import READ, WRITE
from servicescape.plan.messages import approved_version, get_message
from servicescape.plan.models import Message, MessageKind, MessageUse, MessageVersion, Proposal, VersionStatus
from servicescape.referrals.service import language_code
from servicescape.runtime import settings_of


def share(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` as a fraction (None when there is nothing to share)."""
    return part / whole if whole else None


def client_language(value: str | None) -> str | None:
    """A client's language as one of the product's (``ms-MY`` → ``ms``), or None."""
    for candidate in (value, (value or "").split("-")[0]):
        if candidate:
            try:
                return language_code(candidate)
            except ValidationFailed:
                continue
    return None


def default_language(session: Session, client: Client | None, given: str | None) -> str:
    """A document's language: the one given (one of the product's), else the client's, else the firm's."""
    if given:
        return language_code(str(given))
    return client_language(client.language if client else None) or settings_of(session).default_language


def _version_for(session: Session, message: Message, language: str | None, fallback: str | None) -> MessageVersion:
    if language:
        code = language_code(language)
        found = approved_version(session, message.id, code)
        if found is None:
            raise ValidationFailed(_("The message %(name)s is not approved in %(language)s.", name=message.name,
                                     language=code), field="language")
        return found
    if fallback and (found := approved_version(session, message.id, fallback)) is not None:
        return found
    latest = session.scalars(select(MessageVersion).where(
        MessageVersion.message_id == message.id, MessageVersion.status == VersionStatus.approved)
        .order_by(MessageVersion.approved_at.desc(), MessageVersion.id.desc()).limit(1)).first()
    if latest is None:
        raise about_field(ValidationFailed, N_("%(field)s: the message is not approved in any language yet, so it "
                                               "cannot be used."), "message_id")
    return latest


def record_use(session: Session, *, message_id: int, interaction_id: int | None = None,
               proposal_id: int | None = None, language: str | None = None, by: Principal) -> MessageUse:
    """Record that an interaction or a proposal (one of the two) used the message."""
    require(by, WRITE)
    if (interaction_id is None) == (proposal_id is None):
        raise about_field(ValidationFailed, N_("%(field)s: a use is of an interaction or of a proposal (give one)."),
                          "interaction_id")
    message = get_message(session, message_id, field="message_id", by=by)
    if message.retired:
        raise Conflict(_("The message %(name)s is retired.", name=message.name), field="message_id")
    user = by.id if isinstance(by, Staff) else None
    if interaction_id is not None:
        interaction = session.get(Interaction, interaction_id)
        if interaction is None:
            raise about_field(ValidationFailed, N_("%(field)s %(value)s does not exist."), "interaction_id",
                              value=interaction_id)
        twice = session.scalar(select(MessageUse.id).where(MessageUse.message_id == message.id,
                                                           MessageUse.interaction_id == interaction.id))
        if twice is not None:
            raise Conflict(_("This interaction already carries the message %(name)s.", name=message.name),
                           field="interaction_id")
        client = session.get(Client, interaction.client_id)
        version = _version_for(session, message, language, client_language(client.language if client else None))
        use = MessageUse(message_id=message.id, version_id=version.id, interaction_id=interaction.id,
                         client_id=interaction.client_id, used_by_id=interaction.staff_id or user,
                         used_at=interaction.occurred_at)
    else:
        proposal = session.get(Proposal, proposal_id)
        if proposal is None:
            raise about_field(ValidationFailed, N_("%(field)s %(value)s does not exist."), "proposal_id",
                              value=proposal_id)
        version = _version_for(session, message, language or proposal.language, None)
        use = MessageUse(message_id=message.id, version_id=version.id, proposal_id=proposal.id,
                         client_id=proposal.client_id, used_by_id=user or proposal.created_by_id, used_at=utcnow())
    session.add(use)
    session.flush()
    return use


def get_use(session: Session, use_id: int, *, by: Principal) -> MessageUse:
    require(by, READ)
    found = session.get(MessageUse, use_id)
    if found is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Message use"), id=use_id))
    return found


def remove_use(session: Session, use_id: int, *, by: Principal) -> int:
    """Take back a use recorded on an interaction by mistake; the message's id."""
    require(by, WRITE)
    use = get_use(session, use_id, by=by)
    if use.proposal_id is not None:
        raise Conflict(_("A proposal's message is changed on the proposal."), field="proposal_id")
    message_id = use.message_id
    session.delete(use)
    session.flush()
    return message_id


def list_uses(session: Session, *, message_id: int | None = None, client_id: int | None = None,
              interaction_id: int | None = None, limit: int = 200, by: Principal) -> list[MessageUse]:
    """Uses, the latest first, of a message, a client or an interaction (or all)."""
    require(by, READ)
    query = select(MessageUse)
    for column, value in ((MessageUse.message_id, message_id), (MessageUse.client_id, client_id),
                          (MessageUse.interaction_id, interaction_id)):
        if value is not None:
            query = query.where(column == value)
    return list(session.scalars(query.order_by(MessageUse.used_at.desc(), MessageUse.id.desc()).limit(limit)))


def use_count(session: Session, message_id: int, *, by: Principal) -> int:
    require(by, READ)
    return int(session.scalar(select(func.count()).select_from(MessageUse)
                              .where(MessageUse.message_id == message_id)) or 0)


@dataclass(frozen=True)
class UseLine:
    use: MessageUse
    client_name: str | None
    staff_name: str | None
    language: str | None
    version: int | None
    what: str | None          # the interaction's channel, or the proposal's title


def use_lines(session: Session, message_id: int, *, limit: int = 50, by: Principal) -> list[UseLine]:
    """The latest uses of a message with the client, the person, the version and what it was."""
    require(by, READ)
    rows = session.execute(
        select(MessageUse, Client.name, Staff.name, MessageVersion.language, MessageVersion.version,
               Interaction.channel, Proposal.title)
        .outerjoin(Client, Client.id == MessageUse.client_id).outerjoin(Staff, Staff.id == MessageUse.used_by_id)
        .outerjoin(MessageVersion, MessageVersion.id == MessageUse.version_id)
        .outerjoin(Interaction, Interaction.id == MessageUse.interaction_id)
        .outerjoin(Proposal, Proposal.id == MessageUse.proposal_id)
        .where(MessageUse.message_id == message_id)
        .order_by(MessageUse.used_at.desc(), MessageUse.id.desc()).limit(limit)).all()
    return [UseLine(use, client, person, language, number, title or (channel.value if channel else None))
            for use, client, person, language, number, channel, title in rows]


# --- adoption ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffAdoption:
    staff_id: int | None      # None: interactions nobody was recorded on
    name: str
    interactions: int
    with_message: int

    @property
    def share(self) -> float | None:
        return share(self.with_message, self.interactions)


@dataclass(frozen=True)
class MessageAdoption:
    message_id: int
    name: str
    kind: MessageKind
    uses: int
    in_interactions: int
    in_proposals: int
    people: int               # different staff members who used it


@dataclass(frozen=True)
class Adoption:
    """How far the firm repeats its approved messages in ``since``–``until`` (both included)."""

    since: date
    until: date
    interactions: int
    with_message: int
    staff: list[StaffAdoption]
    messages: list[MessageAdoption]

    @property
    def share(self) -> float | None:
        return share(self.with_message, self.interactions)

    @property
    def uses(self) -> int:
        return sum(m.uses for m in self.messages)

    @property
    def top_share(self) -> float | None:
        """The most-used message's share of all uses: 1.0 when everyone repeats the same one."""
        return share(max((m.uses for m in self.messages), default=0), self.uses)

    def as_dict(self) -> dict[str, Any]:
        return {"since": self.since, "until": self.until, "interactions": self.interactions,
                "with_message": self.with_message, "share": self.share, "uses": self.uses,
                "top_share": self.top_share,
                "staff": [{"staff_id": s.staff_id, "name": s.name, "interactions": s.interactions,
                           "with_message": s.with_message, "share": s.share} for s in self.staff],
                "messages": [{"message_id": m.message_id, "name": m.name, "kind": m.kind, "uses": m.uses,
                              "in_interactions": m.in_interactions, "in_proposals": m.in_proposals,
                              "people": m.people} for m in self.messages]}


def period_bounds(since: date, until: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The first moment of ``since`` and the first after ``until`` on the firm's clock, in UTC."""
    if until < since:
        raise ValidationFailed(_("until (%(until)s) is before since (%(since)s).", until=until.isoformat(),
                                 since=since.isoformat()), field="until")
    start = datetime.combine(since, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(until + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return start, end


def adoption(session: Session, since: date, until: date, *, by: Principal, zone: tzinfo = UTC) -> Adoption:
    """Interactions of the period and how many carried an approved message, per staff member (busiest
    first) and for the firm; uses of the period per message (most used first). Three queries."""
    require(by, READ)
    start, end = period_bounds(since, until, zone)
    carried = exists().where(MessageUse.interaction_id == Interaction.id)
    rows = session.execute(
        select(Interaction.staff_id, func.count(), func.sum(case((carried, 1), else_=0)))
        .where(Interaction.occurred_at >= start, Interaction.occurred_at < end)
        .group_by(Interaction.staff_id)).all()
    ids = [staff_id for staff_id, _n, _m in rows if staff_id is not None]
    names = dict(session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(ids))).all()) if ids else {}
    staff = sorted((StaffAdoption(staff_id, names.get(staff_id, "") if staff_id else "", int(n), int(m or 0))
                    for staff_id, n, m in rows),
                   key=lambda s: (s.staff_id is None, -s.interactions, s.name))
    used = session.execute(
        select(Message.id, Message.name, Message.kind, func.count(),
               func.sum(case((MessageUse.interaction_id.is_not(None), 1), else_=0)),
               func.sum(case((MessageUse.proposal_id.is_not(None), 1), else_=0)),
               func.count(func.distinct(MessageUse.used_by_id)))
        .join(Message, Message.id == MessageUse.message_id)
        .where(MessageUse.used_at >= start, MessageUse.used_at < end)
        .group_by(Message.id, Message.name, Message.kind)).all()
    messages = sorted((MessageAdoption(message_id, name, kind, int(n), int(i or 0), int(p or 0), int(people))
                       for message_id, name, kind, n, i, p, people in used), key=lambda m: (-m.uses, m.name))
    return Adoption(since, until, sum(s.interactions for s in staff), sum(s.with_message for s in staff),
                    staff, messages)

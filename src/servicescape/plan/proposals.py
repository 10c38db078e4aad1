"""Proposal packs: for a prospect or client, in their language — the message the firm leads with,
a package's levels side by side, the client's value case in headline figures, matching case
studies and testimonials.

* The language is the one given, else the client's, else the firm's default.
* The value case must be the client's; the message must be approved in the proposal's language
  and not retired; case studies must be approved; testimonials approved and consented for
  proposals — else a 422 naming the field.
* Making a proposal records a use of its message (``message_uses``), in the proposal's language;
  changing its message or language moves that use.
* The pack shows a case study's client by name only with its consent (its testimonial consented
  for the website or for proposals); otherwise by its segment and industry. The value case's
  figures are part of the pack: whoever may read the proposal reads them (``value.view`` as the
  system, after the proposal's own permission was checked).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.auth.permissions import SYSTEM, Principal, require
from servicescape.clients.models import Client, Engagement
from servicescape.db.crud import EntityService, about_field
from servicescape.errors import Conflict, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.offerings import catalogue, value
from servicescape.offerings.models import ServicePackage
from servicescape.offerings.value_models import ValueCase
from servicescape.plan.capability import READ, WRITE
from servicescape.plan.message_uses import default_language, record_use
from servicescape.plan.messages import approved_version
from servicescape.plan.models import CaseStudy, CaseStudyStatus, Message, MessageUse, Proposal
from servicescape.referrals.models import Testimonial, TestimonialStatus

LINKED = ("client_id", "language", "package_id", "value_case_id", "message_id", "case_study_ids", "testimonial_ids")


def testimonial_for_proposals(testimonial: Testimonial | None) -> bool:
    return (testimonial is not None and testimonial.status == TestimonialStatus.approved
            and testimonial.use_proposals)


def _ids(values: Any) -> list[int]:
    """The ids in the order given, each once."""
    return list(dict.fromkeys(int(v) for v in values or ()))


class ProposalService(EntityService[Proposal]):
    model = Proposal
    label = N_("Proposal")
    references: ClassVar[dict[str, Any]] = {"client_id": Client, "package_id": ServicePackage,
                                            "value_case_id": ValueCase, "message_id": Message}
    unique_fields: ClassVar[tuple[str, ...]] = ()
    read_permission = READ
    write_permission = WRITE
    delete_permission = WRITE

    def create(self, session: Session, data: dict[str, Any], *, by: Principal) -> Proposal:
        require(by, self.write_permission)
        proposal = Proposal(**self.check(session, dict(data), None))
        proposal.created_by_id = by.id if isinstance(by, Staff) else None
        session.add(proposal)
        self._flush(session)
        if proposal.message_id is not None:
            record_use(session, message_id=proposal.message_id, proposal_id=proposal.id, by=by)
        return proposal

    def update(self, session: Session, obj: Proposal, changes: dict[str, Any], *, by: Principal) -> Proposal:
        before = (obj.message_id, obj.language)
        super().update(session, obj, changes, by=by)
        if (obj.message_id, obj.language) != before:
            session.execute(delete(MessageUse).where(MessageUse.proposal_id == obj.id))
            if obj.message_id is not None:
                record_use(session, message_id=obj.message_id, proposal_id=obj.id, by=by)
        return obj

    def delete(self, session: Session, obj: Proposal, *, by: Principal) -> None:
        require(by, self.delete_permission)
        session.execute(delete(MessageUse).where(MessageUse.proposal_id == obj.id))
        super().delete(session, obj, by=by)

    def check(self, session: Session, data: dict[str, Any], existing: Proposal | None) -> dict[str, Any]:
        if "title" in data and data["title"] is not None and not str(data["title"]).strip():
            raise about_field(ValidationFailed, N_("%(field)s cannot be empty."), "title")
        for name in ("case_study_ids", "testimonial_ids"):
            if name in data:
                data[name] = _ids(data[name])
        client_id = data.get("client_id", existing.client_id if existing else None)
        client = session.get(Client, client_id) if client_id else None
        if "language" in data or existing is None:
            data["language"] = default_language(session, client, data.get("language"))
        data = super().check(session, data, existing)
        merged = {name: data.get(name, getattr(existing, name, None)) for name in LINKED}
        changed = existing is None or bool(set(data) & set(LINKED))
        if changed:
            self._links(session, merged)
        return data

    def _links(self, session: Session, merged: dict[str, Any]) -> None:
        if merged["value_case_id"] is not None:
            case = session.get(ValueCase, merged["value_case_id"])
            if case is None or case.client_id != merged["client_id"]:
                raise about_field(ValidationFailed, N_("%(field)s is not a value case of this client."),
                                  "value_case_id")
        if merged["message_id"] is not None:
            message = session.get(Message, merged["message_id"])
            assert message is not None   # the references were checked
            if message.retired:
                raise Conflict(_("The message %(name)s is retired.", name=message.name), field="message_id")
            if approved_version(session, message.id, merged["language"]) is None:
                raise ValidationFailed(_("The message %(name)s is not approved in %(language)s: approve a text "
                                         "in that language first, or choose another message.", name=message.name,
                                         language=merged["language"]), field="message_id")
        wanted = _ids(merged["case_study_ids"])
        if wanted:
            approved = set(session.scalars(select(CaseStudy.id).where(CaseStudy.id.in_(wanted),
                                                                      CaseStudy.status == CaseStudyStatus.approved)))
            refused = [n for n in wanted if n not in approved]
            if refused:
                raise ValidationFailed(_("%(field)s: case study %(id)s is not an approved case study.",
                                         field="case_study_ids", id=refused[0]), field="case_study_ids")
        quotes = _ids(merged["testimonial_ids"])
        if quotes:
            found = {t.id: t for t in session.scalars(select(Testimonial).where(Testimonial.id.in_(quotes)))}
            refused = [n for n in quotes if not testimonial_for_proposals(found.get(n))]
            if refused:
                raise ValidationFailed(_("%(field)s: testimonial %(id)s is not approved with consent to proposals.",
                                         field="testimonial_ids", id=refused[0]), field="testimonial_ids")


proposals = ProposalService()


@dataclass(frozen=True)
class ProposalLine:
    proposal: Proposal
    client_name: str
    message_name: str | None


def listing(session: Session, *, client_id: int | None = None, limit: int = 500, by: Principal) -> list[ProposalLine]:
    """Proposals, the latest first, with the client and the message each leads with."""
    require(by, READ)
    query = (select(Proposal, Client.name, Message.name).join(Client, Client.id == Proposal.client_id)
             .outerjoin(Message, Message.id == Proposal.message_id))
    if client_id is not None:
        query = query.where(Proposal.client_id == client_id)
    return [ProposalLine(p, client, message) for p, client, message in
            session.execute(query.order_by(Proposal.id.desc()).limit(limit)).all()]


# --- the pack --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ShownCaseStudy:
    study: CaseStudy
    client: str | None         # the client's name, with its consent; else None
    described: str | None      # its segment and industry


@dataclass(frozen=True)
class ShownTestimonial:
    testimonial: Testimonial
    client: str


@dataclass(frozen=True)
class Pack:
    proposal: Proposal
    client: Client
    language: str
    message: Message | None
    message_text: str | None
    comparison: catalogue.Comparison | None
    value: value.ValueCaseView | None
    case_studies: list[ShownCaseStudy]
    testimonials: list[ShownTestimonial]
    left_out: int               # attached case studies or testimonials no longer approved


def client_currency(session: Session, client_id: int) -> str | None:
    """The currency of the client's latest engagement with one (as offerings' documents take it)."""
    return session.scalar(select(Engagement.currency).where(Engagement.client_id == client_id,
                                                            Engagement.currency.is_not(None))
                          .order_by(Engagement.start_date.desc().nulls_last(), Engagement.id.desc()).limit(1))


def latest_package(session: Session, client_id: int) -> int | None:
    """The package of the client's latest engagement with one (a new proposal's default)."""
    return session.scalar(select(Engagement.package_id).where(Engagement.client_id == client_id,
                                                              Engagement.package_id.is_not(None))
                          .order_by(Engagement.start_date.desc().nulls_last(), Engagement.id.desc()).limit(1))


def _comparison(session: Session, proposal: Proposal, case: ValueCase | None, day: date,
                by: Principal) -> catalogue.Comparison | None:
    if proposal.package_id is None:
        return None
    first = catalogue.comparison(session, proposal.package_id, currency=None, day=day, by=by)
    for currency in (case.currency if case else None, client_currency(session, proposal.client_id)):
        if currency and currency != first.currency and currency in first.currencies:
            return catalogue.comparison(session, proposal.package_id, currency=currency, day=day, by=by)
    return first


def pack(session: Session, proposal_id: int, *, day: date, by: Principal) -> Pack:
    """Everything the proposal's document shows, in its language (prices on ``day``)."""
    proposal = proposals.get(session, proposal_id, by=by)
    client = session.get(Client, proposal.client_id)
    assert client is not None   # a proposal goes with its client
    message = session.get(Message, proposal.message_id) if proposal.message_id else None
    version = approved_version(session, message.id, proposal.language) if message else None
    case = session.get(ValueCase, proposal.value_case_id) if proposal.value_case_id else None
    # the figures are part of the proposal, which ``by`` may read (checked above)
    figures = value.view(session, case.id, by=SYSTEM) if case else None
    studies = _case_studies(session, _ids(proposal.case_study_ids))
    quotes = _testimonials(session, _ids(proposal.testimonial_ids))
    left_out = len(_ids(proposal.case_study_ids)) - len(studies) + len(_ids(proposal.testimonial_ids)) - len(quotes)
    return Pack(proposal, client, proposal.language, message, version.text if version else None,
                _comparison(session, proposal, case, day, by), figures, studies, quotes, left_out)


def _case_studies(session: Session, ids: list[int]) -> list[ShownCaseStudy]:
    if not ids:
        return []
    rows = {study.id: (study, client, testimonial) for study, client, testimonial in session.execute(
        select(CaseStudy, Client, Testimonial).outerjoin(Client, Client.id == CaseStudy.client_id)
        .outerjoin(Testimonial, Testimonial.id == CaseStudy.testimonial_id)
        .where(CaseStudy.id.in_(ids), CaseStudy.status == CaseStudyStatus.approved)).all()}
    shown = []
    for n in ids:
        if n not in rows:
            continue
        study, client, testimonial = rows[n]
        named = (testimonial is not None and testimonial.status == TestimonialStatus.approved
                 and (testimonial.use_website or testimonial.use_proposals))
        described = " · ".join(part for part in (study.segment or (client.segment if client else None),
                                                 client.industry if client else None) if part) or None
        shown.append(ShownCaseStudy(study, client.name if named and client else None, described))
    return shown


def _testimonials(session: Session, ids: list[int]) -> list[ShownTestimonial]:
    if not ids:
        return []
    rows = {t.id: (t, name) for t, name in session.execute(
        select(Testimonial, Client.name).join(Client, Client.id == Testimonial.client_id)
        .where(Testimonial.id.in_(ids))).all()}
    return [ShownTestimonial(*rows[n]) for n in ids if n in rows and testimonial_for_proposals(rows[n][0])]


# --- what a new proposal may attach ---------------------------------------------------------------

@dataclass(frozen=True)
class Choices:
    value_cases: list[tuple[int, str]]
    messages: list[tuple[int, str, list[str]]]         # id, name, languages approved in
    suggested: list[CaseStudy]                          # approved, same package or segment
    case_studies: list[CaseStudy]                       # every approved one
    testimonials: list[tuple[Testimonial, str]]         # approved for proposals, with the client's name


def choices(session: Session, client_id: int, *, package_id: int | None, language: str | None,
            by: Principal) -> Choices:
    """What a proposal for the client may carry: its value cases, the messages approved (in some
    language), the case studies that fit (and every approved one), testimonials for proposals (the
    client's language first)."""
    from servicescape.plan import case_studies
    from servicescape.plan.messages import usable_messages

    require(by, READ)
    client = session.get(Client, client_id)
    cases = [(c.id, c.title) for c in session.scalars(select(ValueCase).where(ValueCase.client_id == client_id)
                                                      .order_by(ValueCase.id.desc()).limit(50))]
    usable = [(m.id, m.name, languages) for m, languages in usable_messages(session, by=by)]
    suggested = case_studies.suggested(session, package_id=package_id, segment=client.segment if client else None,
                                       by=by)
    every = list(session.scalars(select(CaseStudy).where(CaseStudy.status == CaseStudyStatus.approved)
                                 .order_by(CaseStudy.id.desc()).limit(100)))
    quotes = session.execute(select(Testimonial, Client.name).join(Client, Client.id == Testimonial.client_id).where(
        Testimonial.status == TestimonialStatus.approved, Testimonial.use_proposals.is_(True))
        .order_by(Testimonial.approved_at.desc(), Testimonial.id.desc()).limit(100)).all()
    ranked = sorted(((t, name) for t, name in quotes), key=lambda row: row[0].language != language)
    return Choices(cases, usable, suggested, every, ranked[:50])

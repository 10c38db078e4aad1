"""Case studies: a client's problem, what the firm did and the measured result, linked to the
engagement, the value case's outcome and the client's testimonial; exported to the website once a
manager has approved them.

* The engagement, the outcome (of one of the client's value cases) and the testimonial must all be
  the case study's client's; the testimonial must be approved and consented for case studies —
  else a 422 naming the field. The package defaults to the engagement's, the segment to the
  client's, the language to the client's (else the firm's).
* Approving (``plan.manage``) checks the links again (a testimonial may have been withdrawn since).
  Changing what an approved case study says sends it back to draft.
* The website export holds approved case studies only. It names the client only when the client
  consented to its testimonial on the website (the testimonial's ``use_website``, as the
  testimonial export does); otherwise the client is shown by its segment and industry, and the
  quote by its author's role alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from markupsafe import escape
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from servicescape.audit.service import record
from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client, Engagement
from servicescape.db.crud import EntityService, about_field
from servicescape.db.paging import Page, paginate
from servicescape.db.types import utcnow
from servicescape.errors import Conflict, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.offerings.models import ServicePackage
from servicescape.offerings.value_models import ValueCase, ValueOutcome
from servicescape.plan.capability import MANAGE, READ, WRITE
from servicescape.plan.message_uses import default_language
from servicescape.plan.models import CaseStudy, CaseStudyStatus
from servicescape.referrals.models import Testimonial, TestimonialStatus
from servicescape.referrals.service import language_code

#: set only by approving
APPROVAL_FIELDS = ("status", "approved_by_id", "approved_at")
#: what a case study says: changing it sends an approved one back to draft
CONTENT_FIELDS = ("title", "client_id", "engagement_id", "outcome_id", "testimonial_id", "package_id", "segment",
                  "language", "problem", "approach", "result", "result_figure")
TEXT_FIELDS = ("title", "problem", "approach", "result")


def testimonial_fits(testimonial: Testimonial | None, client_id: int | None) -> bool:
    """An approved testimonial of the client, consented for case studies."""
    return (testimonial is not None and testimonial.client_id == client_id
            and testimonial.status == TestimonialStatus.approved and testimonial.use_case_studies)


def named_publicly(testimonial: Testimonial | None) -> bool:
    """Whether the client agreed to be named on the website (its testimonial's website consent)."""
    return testimonial is not None and testimonial.status == TestimonialStatus.approved and testimonial.use_website


class CaseStudyService(EntityService[CaseStudy]):
    model = CaseStudy
    label = N_("Case study")
    references: ClassVar[dict[str, Any]] = {"client_id": Client, "package_id": ServicePackage}
    unique_fields: ClassVar[tuple[str, ...]] = ()
    read_permission = READ
    write_permission = WRITE
    delete_permission = MANAGE

    def update(self, session: Session, obj: CaseStudy, changes: dict[str, Any], *, by: Principal) -> CaseStudy:
        changed = [key for key, value in changes.items() if key in CONTENT_FIELDS and getattr(obj, key) != value]
        super().update(session, obj, changes, by=by)
        if changed and obj.status == CaseStudyStatus.approved:
            obj.status = CaseStudyStatus.draft
            obj.approved_by_id = obj.approved_at = None
            self._flush(session)
        return obj

    def check(self, session: Session, data: dict[str, Any], existing: CaseStudy | None) -> dict[str, Any]:
        for name in APPROVAL_FIELDS:
            if name in data:
                raise ValidationFailed(_("%(field)s cannot be changed here; approve the case study.", field=name),
                                       field=name)
        for name in TEXT_FIELDS:
            if name in data and data[name] is not None and not str(data[name]).strip():
                raise about_field(ValidationFailed, N_("%(field)s cannot be empty."), name)
        if "client_id" in data and data["client_id"] is None:
            raise about_field(ValidationFailed, N_("%(field)s cannot be empty."), "client_id")
        if "segment" in data:
            data["segment"] = (data["segment"] or "").strip() or None
        client_id = data.get("client_id", existing.client_id if existing else None)
        client = session.get(Client, client_id) if client_id else None
        if "language" in data or existing is None:
            data["language"] = default_language(session, client, data.get("language"))
        data = super().check(session, data, existing)
        merged = {name: data.get(name, getattr(existing, name, None)) for name in CONTENT_FIELDS}
        self._links(session, data, merged)
        if existing is None:
            if data.get("package_id") is None and merged["engagement_id"]:
                engagement = session.get(Engagement, merged["engagement_id"])
                data["package_id"] = engagement.package_id if engagement else None
            if data.get("segment") is None and client is not None:
                data["segment"] = client.segment
        return data

    def _links(self, session: Session, data: dict[str, Any], merged: dict[str, Any]) -> None:
        """The engagement, outcome and testimonial are the client's (checked when any of them or the
        client changes)."""
        if not {"client_id", "engagement_id", "outcome_id", "testimonial_id"} & set(data):
            return
        client_id = merged["client_id"]
        if merged["engagement_id"] is not None:
            engagement = session.get(Engagement, merged["engagement_id"])
            if engagement is None or engagement.client_id != client_id:
                raise about_field(ValidationFailed, N_("%(field)s is not an engagement of this client."),
                                  "engagement_id")
        if merged["outcome_id"] is not None:
            outcome = session.get(ValueOutcome, merged["outcome_id"])
            case = session.get(ValueCase, outcome.case_id) if outcome else None
            if case is None or case.client_id != client_id:
                raise about_field(ValidationFailed, N_("%(field)s is not an outcome of this client's value cases."),
                                  "outcome_id")
        testimonial_id = merged["testimonial_id"]
        if testimonial_id is not None and not testimonial_fits(session.get(Testimonial, testimonial_id), client_id):
            raise about_field(ValidationFailed, N_("%(field)s is not an approved testimonial of this client with "
                                                   "consent to case studies."), "testimonial_id")


case_studies = CaseStudyService()


def approve(session: Session, case_study_id: int, *, by: Principal) -> CaseStudy:
    """Approved by a manager: from now on in the website export and in proposals."""
    require(by, MANAGE)
    study = case_studies.get(session, case_study_id, by=by)
    if study.status == CaseStudyStatus.approved:
        raise Conflict(_("This case study is approved already."), field="status")
    if study.testimonial_id is not None and not testimonial_fits(session.get(Testimonial, study.testimonial_id),
                                                                 study.client_id):
        raise about_field(ValidationFailed, N_("%(field)s is no longer an approved testimonial of this client with "
                                               "consent to case studies."), "testimonial_id")
    study.status = CaseStudyStatus.approved
    study.approved_by_id = by.id if isinstance(by, Staff) else None
    study.approved_at = utcnow()
    session.flush()
    return study


def listing(session: Session, *, status: CaseStudyStatus | None = None, client_id: int | None = None,
            limit: int = 500, by: Principal) -> list[tuple[CaseStudy, str | None]]:
    """Case studies, the latest first, with the client's name."""
    require(by, READ)
    query = select(CaseStudy, Client.name).outerjoin(Client, Client.id == CaseStudy.client_id)
    if status is not None:
        query = query.where(CaseStudy.status == status)
    if client_id is not None:
        query = query.where(CaseStudy.client_id == client_id)
    return [(study, name) for study, name in session.execute(
        query.order_by(CaseStudy.id.desc()).limit(limit)).all()]


def case_study_page(session: Session, *, status: CaseStudyStatus | None = None, client_id: int | None = None,
                    page: int = 1, per_page: int = 50, by: Principal) -> Page[CaseStudy]:
    """A page of case studies, newest first (of a client, or with a status)."""
    require(by, READ)
    query = select(CaseStudy)
    if client_id is not None:
        query = query.where(CaseStudy.client_id == client_id)
    if status is not None:
        query = query.where(CaseStudy.status == status)
    return paginate(session, query.order_by(CaseStudy.id.desc()), page=page, per_page=per_page)


def suggested(session: Session, *, package_id: int | None, segment: str | None, limit: int = 20,
              by: Principal) -> list[CaseStudy]:
    """Approved case studies that fit a proposal: the same package or the same segment (both first)."""
    require(by, READ)
    fits = [condition for condition in (CaseStudy.package_id == package_id if package_id else None,
                                        CaseStudy.segment == segment if segment else None) if condition is not None]
    if not fits:
        return []
    found = list(session.scalars(select(CaseStudy).where(CaseStudy.status == CaseStudyStatus.approved, or_(*fits))
                                 .order_by(CaseStudy.approved_at.desc(), CaseStudy.id.desc()).limit(limit * 2)))
    found.sort(key=lambda s: -((package_id is not None and s.package_id == package_id)
                               + (segment is not None and s.segment == segment)))
    return found[:limit]


# --- the website export -------------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicCaseStudy:
    """A case study as it may be shown outside the firm."""

    id: int
    title: str
    language: str
    client: str | None          # the client's name, only with its consent
    segment: str | None
    industry: str | None
    package: str | None
    problem: str
    approach: str
    result: str
    result_figure: str | None
    quote: str | None
    quote_by: str | None        # the author's name (with consent) or role
    quote_language: str | None


def public_view(study: CaseStudy, client: Client | None, testimonial: Testimonial | None,
                package: str | None) -> PublicCaseStudy:
    """What of a case study may leave the firm (pure): the client named only with its consent."""
    named = named_publicly(testimonial)
    quoted = testimonial if testimonial_fits(testimonial, study.client_id) else None
    by = None
    if quoted is not None:
        by = ", ".join(part for part in ((quoted.author_name if named else None), quoted.author_role) if part) or None
    return PublicCaseStudy(study.id, study.title, study.language, client.name if named and client else None,
                           study.segment or (client.segment if client else None), client.industry if client else None,
                           package, study.problem, study.approach, study.result, study.result_figure,
                           quoted.text if quoted else None, by, quoted.language if quoted else None)


def export(session: Session, *, language: str | None = None, audited: bool = True,
           by: Principal) -> list[PublicCaseStudy]:
    """Approved case studies (of a language, or all), the latest approved first; an export that leaves
    the product is noted in the audit trail."""
    require(by, READ)
    query = (select(CaseStudy, Client, Testimonial, ServicePackage.name)
             .outerjoin(Client, Client.id == CaseStudy.client_id)
             .outerjoin(Testimonial, Testimonial.id == CaseStudy.testimonial_id)
             .outerjoin(ServicePackage, ServicePackage.id == CaseStudy.package_id)
             .where(CaseStudy.status == CaseStudyStatus.approved))
    if language:
        query = query.where(CaseStudy.language == language_code(language))
    rows = session.execute(query.order_by(CaseStudy.approved_at.desc(), CaseStudy.id.desc())).all()
    if audited:
        record(session, "case_studies_exported", entity="case_study", changes={"count": len(rows)})
    return [public_view(study, client, testimonial, package) for study, client, testimonial, package in rows]


def export_json(found: list[PublicCaseStudy]) -> list[dict[str, Any]]:
    return [{"id": s.id, "title": s.title, "language": s.language, "client": s.client, "segment": s.segment,
             "industry": s.industry, "package": s.package, "problem": s.problem, "approach": s.approach,
             "result": s.result, "result_figure": s.result_figure,
             "testimonial": None if s.quote is None else {"text": s.quote, "by": s.quote_by,
                                                          "language": s.quote_language}} for s in found]


def export_headings() -> dict[str, str]:
    """The export's headings, in the active language."""
    return {"problem": _("The problem"), "approach": _("What we did"), "result": _("The result")}


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(line.strip())}</p>" for line in text.splitlines() if line.strip())


def export_html(found: list[PublicCaseStudy], *, title: str | None = None,
                headings: dict[str, str] | None = None) -> str:
    """A static HTML page for the firm's website: an ``<article>`` per case study in its own language
    (``lang``); everything escaped, no script or style (style it with the classes). ``headings``:
    the words for "problem", "approach" and "result" (default: in the active language)."""
    title = title or _("Case studies")
    headings = headings or export_headings()
    parts = ["<!DOCTYPE html>", '<html><head><meta charset="utf-8">', f"<title>{escape(title)}</title></head>",
             '<body><main class="case-studies">', f"<h1>{escape(title)}</h1>"]
    for s in found:
        who = s.client or " · ".join(part for part in (s.segment, s.industry) if part)
        parts.append(f'<article class="case-study" lang="{escape(s.language)}" id="case-study-{s.id}">')
        parts.append(f"<h2>{escape(s.title)}</h2>")
        if who:
            parts.append(f'<p class="case-study-client">{escape(who)}</p>')
        if s.result_figure:
            parts.append(f'<p class="case-study-figure">{escape(s.result_figure)}</p>')
        for key, text in (("problem", s.problem), ("approach", s.approach), ("result", s.result)):
            parts.append(f'<section class="case-study-{key}"><h3>{escape(headings[key])}</h3>{_paragraphs(text)}'
                         "</section>")
        if s.quote:
            cite = f"<figcaption>{escape(s.quote_by)}</figcaption>" if s.quote_by else ""
            parts.append(f'<figure class="testimonial" lang="{escape(s.quote_language or s.language)}">'
                         f"<blockquote>{_paragraphs(s.quote)}</blockquote>{cite}</figure>")
        parts.append("</article>")
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"

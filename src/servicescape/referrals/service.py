"""Rules of word of mouth: testimonials (consent, approval, the approved-only export) and referrals.

* A testimonial is ``pending`` (waiting for a manager) once its consent is complete — who gave it,
  when, and at least one use (website, proposals, case studies) — and a ``draft`` until then. Only a
  manager approves or rejects it. Changing what an approved (or rejected) testimonial says — its
  words, author, language or consent — sends it back to be judged again.
* The export shows approved testimonials consented for the use asked for, and nothing else.
* A referral names who referred (a client) and whom: another client of the book or a prospect,
  exactly one of the two, never the referrer itself. A won referral has a value won (≥ 0) in a
  currency and the day it was won; another status has neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from markupsafe import escape
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, joinedload

from servicescape.audit.service import record
from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client
from servicescape.config import LANGUAGES
from servicescape.currencies import is_currency
from servicescape.db.crud import EntityService, about_field
from servicescape.db.paging import Page, paginate
from servicescape.db.types import utcnow
from servicescape.errors import Conflict, NotFound, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.referrals.capability import MANAGE, READ, WRITE
from servicescape.referrals.models import (
    ConsentUse,
    Referral,
    ReferralStatus,
    Testimonial,
    TestimonialStatus,
)

#: set only by approving and rejecting
APPROVAL_FIELDS = ("status", "approved_by_id", "approved_at", "rejected_reason")
#: what a testimonial says and may be used for: changing it sends an approved one back to be judged
CONTENT_FIELDS = ("author_name", "author_role", "text", "language", "consent_by", "consent_at",
                  *(f"use_{use.value}" for use in ConsentUse))
#: a day this far ahead of the firm's clock (time zones) is still today somewhere
DAY_SLACK = timedelta(days=1)


def language_code(value: str, field: str = "language") -> str:
    """One of the six UI languages (``zh_Hans`` and any case are read as ``zh-Hans``)."""
    wanted = value.strip().replace("_", "-").casefold()
    for code in LANGUAGES:
        if code.casefold() == wanted:
            return code
    raise ValidationFailed(_("Unknown language %(value)s; choose one of %(languages)s.", value=value,
                             languages=", ".join(LANGUAGES)), field=field)


def consent_use(value: str, field: str = "use") -> ConsentUse:
    try:
        return ConsentUse(value.strip().replace("-", "_"))
    except ValueError:
        raise ValidationFailed(_("Unknown use %(value)s; choose one of %(uses)s.", value=value,
                                 uses=", ".join(ConsentUse)), field=field) from None


def missing_consent(testimonial: Testimonial) -> str | None:
    """The consent field still missing before the testimonial can be approved (None: complete)."""
    if not testimonial.consent_by:
        return "consent_by"
    if testimonial.consent_at is None:
        return "consent_at"
    if not testimonial.uses:
        return "consent_uses"
    return None


class TestimonialService(EntityService[Testimonial]):
    __test__ = False
    model = Testimonial
    label = N_("Testimonial")
    references: ClassVar[dict[str, Any]] = {"client_id": Client}
    unique_fields = ()
    read_permission = READ
    write_permission = WRITE
    delete_permission = MANAGE

    def create(self, session: Session, data: dict[str, Any], *, by: Principal) -> Testimonial:
        require(by, self.write_permission)
        found = Testimonial(**self.check(session, dict(data), None))
        found.status = TestimonialStatus.draft if missing_consent(found) else TestimonialStatus.pending
        session.add(found)
        self._flush(session)
        return found

    def update(self, session: Session, obj: Testimonial, changes: dict[str, Any], *, by: Principal) -> Testimonial:
        require(by, self.write_permission)
        changes = self.check(session, dict(changes), obj)
        changed = [key for key, value in changes.items() if key in CONTENT_FIELDS and getattr(obj, key) != value]
        for key, value in changes.items():
            setattr(obj, key, value)
        if changed and obj.status in (TestimonialStatus.approved, TestimonialStatus.rejected):
            obj.status = TestimonialStatus.pending
            obj.approved_by_id = obj.approved_at = None
        if obj.status in (TestimonialStatus.draft, TestimonialStatus.pending):
            obj.status = TestimonialStatus.draft if missing_consent(obj) else TestimonialStatus.pending
        self._flush(session)
        return obj

    def check(self, session: Session, data: dict[str, Any], existing: Testimonial | None) -> dict[str, Any]:
        for field in APPROVAL_FIELDS:
            if field in data:
                raise ValidationFailed(_("%(field)s cannot be changed here; approve or reject the testimonial.",
                                         field=field), field=field)
        if "consent_uses" in data:
            uses = {consent_use(str(use), "consent_uses") for use in data.pop("consent_uses") or ()}
            for use in ConsentUse:
                data[f"use_{use.value}"] = use in uses
        if data.get("language") is not None:
            data["language"] = language_code(str(data["language"]))
        for field in ("author_name", "text"):
            if field in data and (data[field] is None or not str(data[field]).strip()):
                raise about_field(ValidationFailed, N_("%(field)s cannot be empty."), field)
        consent_at = data.get("consent_at")
        if consent_at is not None:
            if not isinstance(consent_at, datetime) or consent_at.tzinfo is None:
                raise about_field(ValidationFailed, N_("%(field)s needs a timezone (e.g. 2026-03-01T14:00:00+08:00)."),
                                  "consent_at")
            if consent_at > utcnow() + DAY_SLACK:
                raise ValidationFailed(_("Consent cannot be given in the future (consent_at is after now)."),
                                       field="consent_at")
        return super().check(session, data, existing)


testimonials = TestimonialService()


def approve(session: Session, testimonial: Testimonial, *, by: Principal) -> Testimonial:
    """Approved by a manager: from now on in the export for the uses consented to."""
    require(by, MANAGE)
    if testimonial.status == TestimonialStatus.approved:
        raise Conflict(_("This testimonial is approved already."), field="status")
    missing = missing_consent(testimonial)
    if missing is not None:
        raise ValidationFailed(_("A testimonial needs the client's consent — who, when and for which uses — "
                                 "before it is approved (%(field)s is missing).", field=missing), field=missing)
    testimonial.status = TestimonialStatus.approved
    testimonial.approved_by_id = by.id if isinstance(by, Staff) else None
    testimonial.approved_at = utcnow()
    testimonial.rejected_reason = None
    session.flush()
    return testimonial


def reject(session: Session, testimonial: Testimonial, *, reason: str | None = None, by: Principal) -> Testimonial:
    """Rejected by a manager (it leaves the export at once), with why."""
    require(by, MANAGE)
    if testimonial.status == TestimonialStatus.rejected:
        raise Conflict(_("This testimonial is rejected already."), field="status")
    text = (reason or "").strip() or None
    if text is not None and len(text) > 500:
        raise about_field(ValidationFailed, N_("%(field)s is longer than %(n)s characters."), "reason", n=500)
    testimonial.status = TestimonialStatus.rejected
    testimonial.approved_by_id = testimonial.approved_at = None
    testimonial.rejected_reason = text
    session.flush()
    return testimonial


@dataclass(frozen=True)
class TestimonialFilters:
    __test__ = False
    status: TestimonialStatus | None = None
    use: ConsentUse | None = None
    client_id: int | None = None
    language: str | None = None


def _use_column(use: ConsentUse) -> Any:
    return getattr(Testimonial, f"use_{use.value}")


def _testimonial_query(filters: TestimonialFilters) -> Select[Any]:
    query = select(Testimonial).options(joinedload(Testimonial.client), joinedload(Testimonial.approved_by))
    if filters.status is not None:
        query = query.where(Testimonial.status == filters.status)
    if filters.use is not None:
        query = query.where(_use_column(filters.use).is_(True))
    if filters.client_id is not None:
        query = query.where(Testimonial.client_id == filters.client_id)
    if filters.language:
        query = query.where(Testimonial.language == language_code(filters.language))
    return query.order_by(Testimonial.created_at.desc(), Testimonial.id.desc())


def testimonial_page(session: Session, filters: TestimonialFilters, *, page: int = 1, per_page: int = 50,
                     clamp: bool = False, by: Principal) -> Page[Testimonial]:
    """The testimonial library, newest first (with the client and the approver)."""
    require(by, READ)
    return paginate(session, _testimonial_query(filters), page=page, per_page=per_page, clamp=clamp)


# --- the approved-only export -----------------------------------------------------------------------

#: the most testimonials one export gives (the newest approved first)
EXPORT_LIMIT = 500


@dataclass(frozen=True)
class Exported:
    id: int
    client: str
    author_name: str
    author_role: str | None
    text: str
    language: str
    consent_uses: list[ConsentUse]
    approved_at: datetime | None


def export(session: Session, use: ConsentUse | str, *, language: str | None = None, limit: int = EXPORT_LIMIT,
           audited: bool = True, by: Principal) -> list[Exported]:
    """Approved testimonials whose client consented to ``use``, the newest approved first (an export
    that leaves the product is noted in the audit trail; a page's preview is not)."""
    require(by, READ)
    wanted = use if isinstance(use, ConsentUse) else consent_use(use)
    if not 1 <= limit <= EXPORT_LIMIT:
        raise ValidationFailed(_("limit must be between 1 and %(max)s", max=EXPORT_LIMIT), field="limit")
    query = (select(Testimonial, Client.name).join(Client, Client.id == Testimonial.client_id)
             .where(Testimonial.status == TestimonialStatus.approved, _use_column(wanted).is_(True)))
    if language:
        query = query.where(Testimonial.language == language_code(language))
    rows = session.execute(query.order_by(Testimonial.approved_at.desc(), Testimonial.id.desc()).limit(limit)).all()
    if audited:
        record(session, "testimonials_exported", entity="testimonial",
               changes={"use": wanted.value, "count": len(rows)})
    return [Exported(t.id, client, t.author_name, t.author_role, t.text, t.language, t.uses, t.approved_at)
            for t, client in rows]


def export_json(found: list[Exported]) -> list[dict[str, Any]]:
    return [{"id": t.id, "client": t.client, "author_name": t.author_name, "author_role": t.author_role,
             "text": t.text, "language": t.language, "consent_uses": [use.value for use in t.consent_uses],
             "approved_at": t.approved_at.isoformat() if t.approved_at else None} for t in found]


def export_html(found: list[Exported]) -> str:
    """A snippet for the firm's website or a proposal: a ``<figure>`` per testimonial, its words in
    a ``<blockquote>`` in their own language (``lang``), the author in the ``<figcaption>``;
    everything escaped, no script or style (style it with the classes)."""
    parts = ['<div class="testimonials">']
    for t in found:
        lang = escape(t.language)
        words = "".join(f"<p>{escape(line.strip())}</p>" for line in t.text.splitlines() if line.strip())
        caption = f'<cite class="testimonial-author">{escape(t.author_name)}</cite>'
        source = ", ".join(str(escape(part)) for part in (t.author_role, t.client) if part)
        if source:
            caption += f'<span class="testimonial-source">, {source}</span>'
        parts.append(f'<figure class="testimonial" lang="{lang}">\n  <blockquote lang="{lang}">{words}</blockquote>'
                     f'\n  <figcaption>{caption}</figcaption>\n</figure>')
    parts.append("</div>")
    return "\n".join(parts) + "\n"


# --- referrals ----------------------------------------------------------------------------------------

PROSPECT_FIELDS = ("prospect_name", "prospect_email", "prospect_company")
WON_FIELDS = ("value_won", "currency", "won_on")


class ReferralService(EntityService[Referral]):
    model = Referral
    label = N_("Referral")
    references: ClassVar[dict[str, Any]] = {"referrer_client_id": Client, "referred_client_id": Client,
                                            "owner_id": Staff}
    unique_fields = ()
    read_permission = READ
    write_permission = WRITE
    delete_permission = MANAGE

    def create(self, session: Session, data: dict[str, Any], *, by: Principal) -> Referral:
        data = dict(data)
        if isinstance(by, Staff) and data.get("owner_id") is None:
            data["owner_id"] = by.id
        return super().create(session, data, by=by)

    def check(self, session: Session, data: dict[str, Any], existing: Referral | None) -> dict[str, Any]:
        for field in (*PROSPECT_FIELDS, "note"):
            if isinstance(data.get(field), str):
                data[field] = data[field].strip() or None
        if data.get("value_won") is not None and not isinstance(data["value_won"], Decimal):
            try:
                data["value_won"] = Decimal(str(data["value_won"]).strip())
            except InvalidOperation:
                raise ValidationFailed(_("%(value)s is not an amount.", value=data["value_won"]),
                                       field="value_won") from None
            if not data["value_won"].is_finite():
                raise ValidationFailed(_("%(value)s is not an amount.", value=data["value_won"]), field="value_won")
        if isinstance(data.get("currency"), str):
            data["currency"] = data["currency"].strip().upper() or None
        data = super().check(session, data, existing)
        merged = {key: getattr(existing, key) for key in ("referrer_client_id", "referred_client_id", "referred_on",
                                                           "status", *PROSPECT_FIELDS, *WON_FIELDS)} \
            if existing is not None else {}
        status_changed = existing is not None and "status" in data and data["status"] != existing.status
        if status_changed and data["status"] != ReferralStatus.won:
            for field in WON_FIELDS:   # no longer won: what it was worth goes with it
                if data.get(field) is None:
                    data[field] = merged[field] = None
        merged.update(data)
        _check_referred(merged)
        _check_dates(merged)
        data.update(_check_won(merged))
        return data


def _check_referred(merged: dict[str, Any]) -> None:
    client = merged.get("referred_client_id")
    prospect = [field for field in PROSPECT_FIELDS if merged.get(field)]
    if client is not None and prospect:
        raise ValidationFailed(_("Give either the referred client or a prospect, not both."), field=prospect[0])
    if client is None and not prospect:
        raise ValidationFailed(_("Say who was referred: a client of the book (referred_client_id) or a "
                                 "prospect (prospect_name)."), field="referred_client_id")
    if prospect and not (merged.get("prospect_name") or merged.get("prospect_company")):
        raise ValidationFailed(_("A prospect needs a name or a company."), field="prospect_name")
    if client is not None and client == merged.get("referrer_client_id"):
        raise ValidationFailed(_("A client cannot refer itself."), field="referred_client_id")


def _check_dates(merged: dict[str, Any]) -> None:
    referred_on = merged.get("referred_on")
    if referred_on is None:
        raise about_field(ValidationFailed, N_("%(field)s cannot be empty."), "referred_on")
    if referred_on > utcnow().date() + DAY_SLACK:
        raise ValidationFailed(_("A referral cannot be made in the future (referred_on is after today)."),
                               field="referred_on")
    won_on = merged.get("won_on")
    if won_on is not None and won_on < referred_on:
        raise ValidationFailed(_("A referral cannot be won before it was made (won_on is before referred_on)."),
                               field="won_on")
    if won_on is not None and won_on > utcnow().date() + DAY_SLACK:
        raise ValidationFailed(_("A referral cannot be won in the future (won_on is after today)."), field="won_on")


def _check_won(merged: dict[str, Any]) -> dict[str, Any]:
    """What a won referral needs (the value, its currency, the day), and that no other status has them."""
    value = merged.get("value_won")
    if value is not None and value < 0:
        raise ValidationFailed(_("The value won cannot be negative."), field="value_won")
    if merged.get("status", ReferralStatus.new) != ReferralStatus.won:
        for field in WON_FIELDS:
            if merged.get(field) is not None:
                raise ValidationFailed(_("Only a won referral has %(field)s; mark it won first.", field=field),
                                       field=field)
        return {}
    if value is None:
        raise ValidationFailed(_("A won referral needs the value won (0 or more)."), field="value_won")
    currency = merged.get("currency")
    if not currency:
        raise ValidationFailed(_("The value won needs its currency."), field="currency")
    if not is_currency(currency):
        raise ValidationFailed(_("%(code)s is not a currency in use.", code=currency), field="currency")
    if merged.get("won_on") is None:   # won today, unless the referral is dated later still
        return {"won_on": max(utcnow().date(), merged["referred_on"])}
    return {}


referrals = ReferralService()


def set_status(session: Session, referral: Referral, status: ReferralStatus | str, *, value_won: Any = None,
               currency: str | None = None, won_on: date | None = None, by: Principal) -> Referral:
    """The referral moved on: contacted, proposal, won (with the value won), lost."""
    require(by, WRITE)
    try:
        wanted = ReferralStatus(status)
    except ValueError:
        raise ValidationFailed(_("Unknown value %(value)s for %(field)s.", value=status, field="status"),
                               field="status") from None
    changes: dict[str, Any] = {"status": wanted}
    for field, value in (("value_won", value_won), ("currency", currency), ("won_on", won_on)):
        if value is not None:
            changes[field] = value
    return referrals.update(session, referral, changes, by=by)


@dataclass(frozen=True)
class ReferralFilters:
    status: ReferralStatus | None = None
    referrer_client_id: int | None = None
    client_id: int | None = None        # referred by the client, or the client referred
    since: date | None = None           # referred on or after
    until: date | None = None           # referred before


def period_of(year: int | None, since: date | None, until: date | None) -> tuple[date | None, date | None]:
    """A calendar year, or the days from ``since`` (included) to ``until`` (excluded)."""
    if year is not None:
        if not 1900 <= year <= 9998:
            raise ValidationFailed(_("Unknown value %(value)s for %(field)s.", value=year, field="year"),
                                   field="year")
        if since is not None or until is not None:
            raise ValidationFailed(_("Give a year or a period (since, until), not both."), field="year")
        return date(year, 1, 1), date(year + 1, 1, 1)
    if since is not None and until is not None and until <= since:
        raise ValidationFailed(_("The period's end (until) must be after its start (since)."), field="until")
    return since, until


def _referral_query(filters: ReferralFilters) -> Select[Any]:
    query = select(Referral).options(joinedload(Referral.referrer), joinedload(Referral.referred_client),
                                     joinedload(Referral.owner))
    if filters.status is not None:
        query = query.where(Referral.status == filters.status)
    if filters.referrer_client_id is not None:
        query = query.where(Referral.referrer_client_id == filters.referrer_client_id)
    if filters.client_id is not None:
        query = query.where(or_(Referral.referrer_client_id == filters.client_id,
                                Referral.referred_client_id == filters.client_id))
    if filters.since is not None:
        query = query.where(Referral.referred_on >= filters.since)
    if filters.until is not None:
        query = query.where(Referral.referred_on < filters.until)
    return query.order_by(Referral.referred_on.desc(), Referral.id.desc())


def referral_page(session: Session, filters: ReferralFilters, *, page: int = 1, per_page: int = 50,
                  clamp: bool = False, by: Principal) -> Page[Referral]:
    """Referrals, newest first (with the referrer, the referred client and the owner)."""
    require(by, READ)
    return paginate(session, _referral_query(filters), page=page, per_page=per_page, clamp=clamp)


def get_referral(session: Session, referral_id: int, *, by: Principal) -> Referral:
    require(by, READ)
    found = session.scalar(_referral_query(ReferralFilters()).where(Referral.id == referral_id))
    if found is None:
        raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_("Referral"), id=referral_id))
    return found


def client_word_of_mouth(session: Session, client_id: int, *, by: Principal,
                         limit: int = 20) -> tuple[list[Testimonial], list[Referral]]:
    """A client's testimonials and the referrals it made, newest first (the client page)."""
    require(by, READ)
    said = list(session.scalars(select(Testimonial).where(Testimonial.client_id == client_id)
                                .order_by(Testimonial.created_at.desc(), Testimonial.id.desc()).limit(limit)))
    sent = list(session.scalars(
        select(Referral).options(joinedload(Referral.referred_client))
        .where(Referral.referrer_client_id == client_id)
        .order_by(Referral.referred_on.desc(), Referral.id.desc()).limit(limit)))
    return said, sent

"""The message library's pages: the library (every message with the languages it is approved in and
those missing), one message (its versions per language, approval, a new version, where it was
used, recording a use), and the adoption figures of a period. The case studies' and proposals'
pages are included from their own modules."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape import i18n
from servicescape.analytics.labels import Numbers
from servicescape.clients.models import Client, Interaction
from servicescape.clients.timeline import channel_label
from servicescape.config import LANGUAGES
from servicescape.db.types import utcnow
from servicescape.plan import message_uses
from servicescape.plan import messages as library
from servicescape.plan.capability import MANAGE, READ, WRITE
from servicescape.plan.case_study_pages import router as case_study_router
from servicescape.plan.models import MessageKind
from servicescape.plan.proposal_pages import router as proposal_router
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormInvalid, FormState, RecordId, parse_id
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, owner_options, problem_status, see_other
from servicescape.web.templating import Formatter, render

router = APIRouter(include_in_schema=False)
router.include_router(case_study_router)
router.include_router(proposal_router)

Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Writer = Annotated[RequestContext, Depends(signed_in(WRITE))]
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]
#: interactions offered when recording a use: the latest of these many days
USE_DAYS = 60
ADOPTION_DAYS = 90
#: the latest uses a message's page lists
SHOWN_USES = 15


def today(context: RequestContext) -> date:
    return utcnow().astimezone(context.runtime.settings.zone).date()


def language_options() -> list[tuple[str, str]]:
    return list(LANGUAGES.items())


def segment_options(session: Session, selected: str | None = None) -> list[tuple[str, str]]:
    """The client book's segments as a select's options, "every client" first."""
    found = [s for s in session.scalars(select(Client.segment).where(Client.segment.is_not(None))
                                        .group_by(Client.segment).order_by(Client.segment).limit(200)) if s]
    if selected and selected not in found:
        found.append(selected)
    return [("", i18n._("Every client"))] + [(s, s) for s in found]


def kind_options() -> list[tuple[str, str]]:
    return [(MessageKind.positioning.value, i18n._("Positioning")), (MessageKind.benefit.value, i18n._("Benefit"))]


# --- the library -----------------------------------------------------------------------------------

@router.get("/messages")
def library_page(context: Reader, retired: bool = False) -> Response:
    return _library(context, retired, None)


def _library(context: RequestContext, retired: bool, form: FormState | None, status_code: int = 200) -> Response:
    with context.unit() as session:
        lines = library.library(session, retired=retired, by=context.principal)
        segments = segment_options(session, form.values.get("segment") if form else None)
        owners = owner_options(context, session, form.values.get("owner_id") if form else None, "—")
    user_id = str(context.user.id) if context.user else ""
    form = form or FormState({"kind": "benefit", "owner_id": user_id, "language": context.language})
    return render(context, "plan/messages.html", status_code=status_code, active_nav="plan", active="messages",
                  lines=lines, retired=retired, form=form, segments=segments, owners=owners,
                  kinds=kind_options(), language_list=language_options())


@router.post("/messages")
def create_message(context: Writer, posted: Posted) -> Response:
    """A new message, with its first draft when a text is given."""
    try:
        data = _message_fields(posted)
        text = posted.get("text", "").strip()
        with context.unit() as session:
            made = library.messages.create(session, data, by=context.principal)
            if text:
                library.add_version(session, made.id, posted.get("language", ""), text, by=context.principal)
            message_id = made.id
    except FORM_PROBLEMS as problem:
        return _library(context, False, FormState.failed(posted, problem), problem_status(problem))
    return see_other(f"/messages/{message_id}", context, i18n._("The message is saved."))


def _message_fields(posted: dict[str, str]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"name": posted.get("name", "").strip(), "segment": posted.get("segment") or None,
                            "owner_id": None}
    if not data["name"]:
        errors["name"] = i18n._("Give the message a name.")
    kind = posted.get("kind", "")
    if kind not in MessageKind.__members__:
        errors["kind"] = i18n._("Choose one of the options.")
    else:
        data["kind"] = MessageKind(kind)
    if posted.get("owner_id", "").strip():
        try:
            data["owner_id"] = parse_id(posted["owner_id"])
        except ValueError as problem:
            errors["owner_id"] = str(problem)
    if errors:
        raise FormInvalid(errors)
    return data


# --- one message ---------------------------------------------------------------------------------------

def recent_interactions(session: Session, context: RequestContext) -> list[tuple[str, str]]:
    """The latest interactions as a select's options (the reader's own first)."""
    since = utcnow() - timedelta(days=USE_DAYS)
    fmt = Formatter(context.language, context.runtime.settings.zone)
    rows = session.execute(select(Interaction.id, Interaction.occurred_at, Interaction.channel, Interaction.staff_id,
                                  Client.name).join(Client, Client.id == Interaction.client_id)
                           .where(Interaction.occurred_at >= since)
                           .order_by(Interaction.occurred_at.desc()).limit(200)).all()
    mine = context.user.id if context.user else None
    rows = sorted(rows, key=lambda row: row.staff_id != mine)[:60]
    return [(str(row.id), f"{fmt.date(row.occurred_at)} · {row.name} · {channel_label(row.channel.value)}")
            for row in rows]


def message_page(context: RequestContext, message_id: int, *, version: FormState | None = None,
                 use: FormState | None = None, edit: FormState | None = None, status_code: int = 200) -> Response:
    with context.unit() as session:
        found = library.view(session, message_id, by=context.principal)
        uses = message_uses.use_lines(session, message_id, limit=SHOWN_USES, by=context.principal)
        use_total = message_uses.use_count(session, message_id, by=context.principal)
        interactions = recent_interactions(session, context) if context.can(WRITE) else []
        m = found.message
        values = {"name": m.name, "kind": m.kind.value, "segment": m.segment or "",
                  "owner_id": str(m.owner_id or "")}
        segments = segment_options(session, (edit.values if edit else values).get("segment"))
        owners = owner_options(context, session, (edit.values if edit else values).get("owner_id"), "—")
    user = context.user
    approvable = {v.id for group in found.versions.values() for v in group
                  if v.status.value == "draft" and context.can(MANAGE)
                  and (library.may_approve_own(user) or v.written_by_id != user.id)} if user else set()
    return render(context, "plan/messages_one.html", status_code=status_code, active_nav="plan", active="messages",
                  found=found, uses=uses, use_total=use_total, interactions=interactions, approvable=approvable,
                  version_form=version or FormState({"language": context.language}),
                  use_form=use or FormState({}), edit_form=edit or FormState(values), segments=segments,
                  owners=owners, kinds=kind_options(), language_list=language_options(), language_names=LANGUAGES)


@router.get("/messages/adoption")
def adoption_page(context: Reader, since: date | None = None, until: date | None = None) -> Response:
    last = until or today(context)
    first = since or last - timedelta(days=ADOPTION_DAYS - 1)
    with context.unit() as session:
        found = message_uses.adoption(session, first, last, zone=context.runtime.settings.zone,
                                      by=context.principal)
    numbers = Numbers(str(Formatter(context.language, context.runtime.settings.zone).locale))
    return render(context, "plan/messages_adoption.html", active_nav="plan", active="adoption", found=found,
                  numbers=numbers)


@router.get("/messages/{id}")
def message_view(id: RecordId, context: Reader) -> Response:
    return message_page(context, id)


@router.post("/messages/{id}")
def edit_message(id: RecordId, context: Writer, posted: Posted) -> Response:
    try:
        data = _message_fields(posted)
        with context.unit() as session:
            found = library.messages.get(session, id, by=context.principal)
            library.messages.update(session, found, data, by=context.principal)
    except FORM_PROBLEMS as problem:
        return message_page(context, id, edit=FormState.failed(posted, problem), status_code=problem_status(problem))
    return see_other(f"/messages/{id}", context, i18n._("The message is saved."))


@router.post("/messages/{id}/versions")
def add_version(id: RecordId, context: Writer, posted: Posted) -> Response:
    try:
        if not posted.get("text", "").strip():
            raise FormInvalid({"text": i18n._("Write the message's words.")})
        with context.unit() as session:
            made = library.add_version(session, id, posted.get("language", ""), posted["text"], by=context.principal)
            number, language = made.version, made.language
    except FORM_PROBLEMS as problem:
        return message_page(context, id, version=FormState.failed(posted, problem),
                            status_code=problem_status(problem))
    return see_other(f"/messages/{id}", context, i18n._("Version %(version)s in %(language)s is saved as a draft.",
                                                         version=number, language=LANGUAGES.get(language, language)))


@router.post("/messages/versions/{id}/approve")
def approve_version(id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        found = library.approve_version(session, id, by=context.principal)
        message_id = found.message_id
    return see_other(f"/messages/{message_id}", context, i18n._("The version is approved; the firm uses it from now."))


@router.post("/messages/versions/{id}/discard")
def discard_version(id: RecordId, context: Writer) -> Response:
    with context.unit() as session:
        message_id = library.discard_draft(session, id, by=context.principal)
    return see_other(f"/messages/{message_id}", context, i18n._("The draft is discarded."))


@router.post("/messages/{id}/retire")
def retire(id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        library.set_retired(session, id, True, by=context.principal)
    return see_other(f"/messages/{id}", context, i18n._("The message is retired."))


@router.post("/messages/{id}/reinstate")
def reinstate(id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        library.set_retired(session, id, False, by=context.principal)
    return see_other(f"/messages/{id}", context, i18n._("The message is back in use."))


@router.post("/messages/{id}/delete")
def delete_message(id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        library.messages.delete(session, library.messages.get(session, id, by=context.principal),
                                by=context.principal)
    return see_other("/messages", context, i18n._("The message is deleted."))


@router.post("/messages/{id}/uses")
def record_use(id: RecordId, context: Writer, posted: Posted) -> Response:
    try:
        try:
            interaction = parse_id(posted.get("interaction_id", ""))
        except ValueError as problem:
            raise FormInvalid({"interaction_id": str(problem)}) from None
        with context.unit() as session:
            message_uses.record_use(session, message_id=id, interaction_id=interaction,
                                    language=posted.get("language") or None, by=context.principal)
    except FORM_PROBLEMS as problem:
        return message_page(context, id, use=FormState.failed(posted, problem), status_code=problem_status(problem))
    return see_other(f"/messages/{id}", context, i18n._("The use is recorded."))


@router.post("/messages/uses/{id}/delete")
def delete_use(id: RecordId, context: Writer) -> Response:
    with context.unit() as session:
        message_id = message_uses.remove_use(session, id, by=context.principal)
    return see_other(f"/messages/{message_id}", context, i18n._("The use is taken back."))

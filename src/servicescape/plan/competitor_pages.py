"""``/competitors``: the competitors with their positioning and segments (managers add and change
them); one competitor's strengths and weaknesses as clients reported them (anyone who records adds
one), where clients named it, and the prices the firm noted of its offers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape import i18n
from servicescape.clients import service as clients
from servicescape.clients.models import Client
from servicescape.plan import competitors
from servicescape.plan.knowledge_schemas import CompetitorIn, CompetitorPatch, ObservationIn
from servicescape.plan.models import Competitor, ObservationKind, Positioning
from servicescape.plan.page_parts import Manager, Reader, Writer, comma_list, page, today
from servicescape.web.deps import RequestContext
from servicescape.web.forms import FormState, RecordId, parse_form
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, problem_status, see_other

router = APIRouter(include_in_schema=False)
FIELDS = ("name", "segments", "positioning", "website", "notes")
MENTIONS_PER_PAGE = 20
MAX_PAGE = 10_000


def _options() -> dict[str, Any]:
    return {"positioning_options": [("", "—")] + [(p.value, i18n._(competitors.POSITIONING_LABELS[p]))
                                                  for p in Positioning],
            "positioning_labels": {p.value: i18n._(label) for p, label in competitors.POSITIONING_LABELS.items()},
            "kind_options": [(k.value, i18n._(label)) for k, label in competitors.OBSERVATION_LABELS.items()],
            "kind_labels": {k.value: i18n._(label) for k, label in competitors.OBSERVATION_LABELS.items()}}


def _values(competitor: Competitor) -> dict[str, str]:
    return {"name": competitor.name, "segments": ", ".join(competitor.segments or []),
            "positioning": competitor.positioning.value if competitor.positioning else "",
            "website": competitor.website or "", "notes": competitor.notes or ""}


def _parsed(context: RequestContext, schema: Any, typed: dict[str, str]) -> dict[str, Any]:
    fields = {k: v for k, v in typed.items() if k != "segments"}
    return parse_form(schema, fields, zone=context.runtime.settings.zone,
                      fixed={"segments": comma_list(typed.get("segments"))})


def list_view(context: RequestContext, *, add: FormState | None = None, status_code: int = 200) -> Response:
    with context.unit() as session:
        found = competitors.all_competitors(session, by=context.principal)
        counts = competitors.mention_counts(session, by=context.principal)
    return page(context, "plan/competitors.html", "competitors", status_code=status_code, found=found,
                counts=counts, add=add or FormState({}), **_options())


@router.get("/competitors")
def competitors_page(context: Reader) -> Response:
    return list_view(context)


@router.post("/competitors")
def add_competitor(context: Manager, values: Posted) -> Response:
    typed = {name: values.get(name, "") for name in FIELDS}
    try:
        data = _parsed(context, CompetitorIn, typed)
        with context.unit() as session:
            made = competitors.competitors.create(session, data, by=context.principal)
            competitor_id, name = made.id, made.name
    except FORM_PROBLEMS as problem:
        return list_view(context, add=FormState.failed(typed, problem), status_code=problem_status(problem))
    return see_other(f"/competitors/{competitor_id}", context, i18n._("%(name)s was added.", name=name))


def detail_view(context: RequestContext, competitor_id: int, *, page_number: int = 1,
                edit: FormState | None = None, observe: FormState | None = None, status_code: int = 200) -> Response:
    with context.unit() as session:
        competitor = competitors.competitors.get(session, competitor_id, by=context.principal)
        observed = competitors.observations_of(session, competitor_id, by=context.principal)
        mentions, total = competitors.mentions_of(session, competitor_id, page=page_number,
                                                  per_page=MENTIONS_PER_PAGE, by=context.principal)
        prices = competitors.prices_of(session, competitor.name, by=context.principal)
        clients = _client_names(session, {o.client_id for o in observed if o.client_id})
        form = edit or FormState(_values(competitor))
    return page(context, "plan/competitor.html", "competitors", status_code=status_code, competitor=competitor,
                observed=observed, mentions=mentions, total=total, page_number=page_number,
                pages=max(1, -(-total // MENTIONS_PER_PAGE)), prices=prices, clients=clients, edit=form,
                observe=observe or FormState({"kind": ObservationKind.strength.value,
                                              "noted_on": today(context).isoformat()}), **_options())


def _client_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Client.id, Client.name).where(Client.id.in_(ids))).all())


@router.get("/competitors/{competitor_id}")
def competitor_page(competitor_id: RecordId, context: Reader,
                    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1) -> Response:
    return detail_view(context, competitor_id, page_number=page)


@router.post("/competitors/{competitor_id}")
def edit_competitor(competitor_id: RecordId, context: Manager, values: Posted) -> Response:
    typed = {name: values.get(name, "") for name in FIELDS}
    try:
        changes = _parsed(context, CompetitorPatch, typed)
        with context.unit() as session:
            found = competitors.competitors.get(session, competitor_id, by=context.principal)
            competitors.competitors.update(session, found, changes, by=context.principal)
    except FORM_PROBLEMS as problem:
        return detail_view(context, competitor_id, edit=FormState.failed(typed, problem),
                           status_code=problem_status(problem))
    return see_other(f"/competitors/{competitor_id}", context, i18n._("The competitor was saved."))


@router.post("/competitors/{competitor_id}/delete")
def delete_competitor(competitor_id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        found = competitors.competitors.get(session, competitor_id, by=context.principal)
        name = found.name
        competitors.competitors.delete(session, found, by=context.principal)
    return see_other("/competitors", context, i18n._("%(name)s was deleted.", name=name))


@router.post("/competitors/{competitor_id}/observations")
def add_observation(competitor_id: RecordId, context: Writer, values: Posted) -> Response:
    typed = {name: values.get(name, "") for name in ("kind", "text", "client", "noted_on")}
    try:
        data = parse_form(ObservationIn, typed, zone=context.runtime.settings.zone,
                          fixed={"competitor_id": competitor_id})
        with context.unit() as session:
            competitors.competitors.get(session, competitor_id, by=context.principal)
            if typed["client"].strip():     # the client's number, other id or exact name
                data["client_id"] = clients.find_client(session, typed["client"], by=context.principal).id
            competitors.observations.create(session, data, by=context.principal)
    except FORM_PROBLEMS as problem:
        return detail_view(context, competitor_id, observe=FormState.failed(typed, problem),
                           status_code=problem_status(problem))
    return see_other(f"/competitors/{competitor_id}#observations", context, i18n._("The observation was added."))


@router.post("/competitor-observations/{observation_id}/delete")
def delete_observation(observation_id: RecordId, context: Writer) -> Response:
    with context.unit() as session:
        found = competitors.observations.get(session, observation_id, by=context.principal)
        competitor_id = found.competitor_id
        competitors.observations.delete(session, found, by=context.principal)
    return see_other(f"/competitors/{competitor_id}#observations", context, i18n._("The observation was deleted."))

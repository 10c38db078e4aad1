"""Service quality's signed-in pages, part three: the campaigns — a new one for an active survey
(the audience by tier, segment, owner, engagements completed and service recoveries closed between
two dates, with a live count of the clients it reaches), and a campaign's status (invited, e-mailed,
reminded, opened, started, answered, opted out, the response rate), sending it, closing it,
deleting it and the links for a mail-merge."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from servicescape import i18n
from servicescape.clients import listing as client_listing
from servicescape.clients.models import Tier
from servicescape.quality import campaigns, surveys
from servicescape.quality.campaigns import Audience
from servicescape.quality.capability import MANAGE, READ, WRITE
from servicescape.quality.page_charts import Numbers
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormInvalid, FormState, RecordId, parse_id
from servicescape.web.pages.common import FORM_PROBLEMS, problem_status, see_other
from servicescape.web.templating import Formatter, render

router = APIRouter(include_in_schema=False)

Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Writer = Annotated[RequestContext, Depends(signed_in(WRITE))]
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]
Many = Annotated[list[str], Query(max_length=200)]
One = Annotated[str, Query(max_length=200)]
NUMBERS = ("expires_in_days", "remind_after_days", "max_reminders")
DEFAULTS = {"expires_in_days": "30", "remind_after_days": "7", "max_reminders": "2"}


def audience_of(values: dict[str, Any]) -> Audience:
    """The audience fields of the form (``tiers`` and ``segments`` are lists)."""
    return Audience.from_dict({"tiers": values.get("tiers") or [], "segments": values.get("segments") or [],
                               "owner_id": values.get("owner_id") or None,
                               "completed_from": values.get("completed_from") or None,
                               "completed_to": values.get("completed_to") or None,
                               "recovered_from": values.get("recovered_from") or None,
                               "recovered_to": values.get("recovered_to") or None})


def _numbers(values: dict[str, Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    errors: dict[str, str] = {}
    for name in NUMBERS:
        text = str(values.get(name) or DEFAULTS[name]).strip()
        try:
            found[name] = int(text)
        except ValueError:
            errors[name] = i18n._("Give a whole number.")
    if errors:
        raise FormInvalid(errors)
    return found


def _choices(context: RequestContext) -> dict[str, Any]:
    settings = context.runtime.settings
    with context.unit() as session:
        found = client_listing.client_list_choices(session, by=context.principal)
    return {"tiers": [(t.value, i18n._(settings.tier_names.get(t.value, t.value))) for t in Tier],
            "segments": found.segments,
            "owners": [("", i18n._("Anyone"))] + [(str(o.id), o.name) for o in found.owners]}


def campaign_form(context: RequestContext, survey_id: int, state: FormState, *, status_code: int = 200) -> Response:
    with context.unit() as session:
        survey = surveys.get(session, survey_id, by=context.principal)
        try:
            reach = campaigns.preview(session, context.runtime.settings, audience_of(state.values),
                                      by=context.principal)
        except FORM_PROBLEMS:
            reach = None
    return render(context, "quality/campaign_form.html", status_code=status_code, active_nav="quality",
                  survey=survey, form=state, reach=reach, **_choices(context))


@router.get("/quality/campaigns/new")
def new_campaign(context: Writer, survey: Annotated[int, Query(ge=1, le=2**62)], name: One = "",
                 tiers: Many = [], segments: Many = [], owner_id: One = "", completed_from: One = "",  # noqa: B006
                 completed_to: One = "", recovered_from: One = "", recovered_to: One = "",
                 expires_in_days: One = "", remind_after_days: One = "", max_reminders: One = "") -> Response:
    """The form; asked again with its values (the "count" button without JavaScript), it shows how
    many clients they reach."""
    values: dict[str, Any] = {
        "name": name, "tiers": tiers, "segments": segments, "owner_id": owner_id, "completed_from": completed_from,
        "completed_to": completed_to, "recovered_from": recovered_from, "recovered_to": recovered_to,
        "expires_in_days": expires_in_days or DEFAULTS["expires_in_days"],
        "remind_after_days": remind_after_days or DEFAULTS["remind_after_days"],
        "max_reminders": max_reminders or DEFAULTS["max_reminders"]}
    if not name:
        with context.unit() as session:
            values["name"] = surveys.get(session, survey, by=context.principal).name
    return campaign_form(context, survey, FormState(values))


@router.get("/quality/campaigns/audience")
def audience_count(context: Reader, tiers: Many = [], segments: Many = [], owner_id: One = "",  # noqa: B006
                   completed_from: One = "", completed_to: One = "", recovered_from: One = "",
                   recovered_to: One = "") -> Response:
    """The count of clients an audience reaches, and the first few (the form's live preview, htmx)."""
    values = {"tiers": tiers, "segments": segments, "owner_id": owner_id, "completed_from": completed_from,
              "completed_to": completed_to, "recovered_from": recovered_from, "recovered_to": recovered_to}
    error = None
    reach = None
    try:
        with context.unit() as session:
            reach = campaigns.preview(session, context.runtime.settings, audience_of(values), by=context.principal)
    except FORM_PROBLEMS as problem:
        error = str(getattr(problem, "message", problem))
    return render(context, "quality/_audience.html", status_code=422 if error else 200, reach=reach, error=error)


async def posted_campaign(request: Request) -> dict[str, Any]:
    """The campaign form's fields; ``tiers`` and ``segments`` as lists (the CSRF token left out)."""
    form = await request.form()
    values: dict[str, Any] = {key: value for key, value in form.items()
                              if isinstance(value, str) and key not in ("csrf_token", "tiers", "segments")}
    values["tiers"] = [v for v in form.getlist("tiers") if isinstance(v, str)]
    values["segments"] = [v for v in form.getlist("segments") if isinstance(v, str)]
    return values


PostedCampaign = Annotated[dict[str, Any], Depends(posted_campaign)]


@router.post("/quality/campaigns")
def create_campaign(context: Writer, values: PostedCampaign) -> Response:
    try:
        survey_id = parse_id(str(values.get("survey", "")))
    except ValueError:
        raise FormInvalid({"survey": i18n._("Choose the survey.")}) from None
    try:
        numbers = _numbers(values)
        with context.unit() as session:
            survey = surveys.get(session, survey_id, by=context.principal)
            made = campaigns.create(session, context.runtime.settings, survey, str(values.get("name", "")),
                                    audience_of(values), expires_in_days=numbers["expires_in_days"],
                                    remind_after_days=numbers["remind_after_days"],
                                    max_reminders=numbers["max_reminders"], by=context.principal)
            campaign_id = made.id
    except FORM_PROBLEMS as problem:
        return campaign_form(context, survey_id, FormState.failed(values, problem), status_code=problem_status(problem))
    return see_other(f"/quality/campaigns/{campaign_id}", context,
                     i18n._("The campaign is ready: check it, then send the invitations."))


def campaign_page(context: RequestContext, campaign_id: int, *, problem: str | None = None,
                  status_code: int = 200) -> Response:
    settings = context.runtime.settings
    with context.unit() as session:
        campaign = campaigns.get(session, campaign_id, by=context.principal)
        survey = surveys.get(session, campaign.survey_id, by=context.principal)
        progress = campaigns.status(session, campaign, by=context.principal)
        audience = Audience.from_dict(campaign.audience or {})
        owner = client_listing.client_list_choices(session, by=context.principal).owners \
            if audience.owner_id is not None else []
    owner_name = next((o.name for o in owner if o.id == audience.owner_id), None)
    tiers = [i18n._(settings.tier_names.get(t, t)) for t in audience.tiers]
    return render(context, "quality/campaign.html", status_code=status_code, active_nav="quality", campaign=campaign,
                  survey=survey, progress=progress, audience=audience, tiers=tiers, owner_name=owner_name,
                  problem=problem, numbers=Numbers(Formatter(context.language, settings.zone).locale))


@router.get("/quality/campaigns/{campaign_id}")
def campaign_detail(campaign_id: RecordId, context: Reader) -> Response:
    return campaign_page(context, campaign_id)


@router.post("/quality/campaigns/{campaign_id}/send")
def send_campaign(campaign_id: RecordId, context: Writer) -> Response:
    try:
        with context.unit() as session:
            campaign = campaigns.get(session, campaign_id, by=context.principal)
            mailing = campaigns.open_and_send(session, context.runtime.settings, campaign, by=context.principal)
    except FORM_PROBLEMS as problem:
        return campaign_page(context, campaign_id, problem=str(getattr(problem, "message", problem)),
                             status_code=problem_status(problem))
    message = i18n._("The campaign is open: %(n)s invitations are in the outbox.", n=mailing.invited)
    if mailing.waiting:
        message += " " + i18n._("%(n)s addresses had a survey e-mail in the last day; they get theirs tomorrow.",
                                n=mailing.waiting)
    return see_other(f"/quality/campaigns/{campaign_id}", context, message)


@router.post("/quality/campaigns/{campaign_id}/close")
def close_campaign(campaign_id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        campaigns.close(session, campaigns.get(session, campaign_id, by=context.principal), by=context.principal)
    return see_other(f"/quality/campaigns/{campaign_id}", context,
                     i18n._("The campaign is closed: its links no longer take answers."))


@router.post("/quality/campaigns/{campaign_id}/delete")
def delete_campaign(campaign_id: RecordId, context: Manager) -> Response:
    try:
        with context.unit() as session:
            campaign = campaigns.get(session, campaign_id, by=context.principal)
            survey_id = campaign.survey_id
            campaigns.delete(session, campaign, by=context.principal)
    except FORM_PROBLEMS as problem:
        return campaign_page(context, campaign_id, problem=str(getattr(problem, "message", problem)),
                             status_code=problem_status(problem))
    return see_other(f"/quality/surveys/{survey_id}", context, i18n._("The campaign was deleted."))


@router.get("/quality/campaigns/{campaign_id}/links.csv")
def campaign_links(campaign_id: RecordId, context: Writer) -> Response:
    """Every recipient's link, for a mail-merge in the firm's own e-mail tool."""
    with context.unit() as session:
        campaign = campaigns.get(session, campaign_id, by=context.principal)
        text = "".join(campaigns.links_csv(session, context.runtime.settings, campaign, by=context.principal))
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="campaign-{campaign_id}-links.csv"'})

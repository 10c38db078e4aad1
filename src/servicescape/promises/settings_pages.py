"""The promise ledger's settings: the service targets per tier, the firm's holidays, staff leave, the
at-risk notice's wording per language, and the business clock (read-only, from the environment).
Everyone who may read promises sees them; managers change them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from babel.dates import get_day_names
from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from servicescape import i18n
from servicescape.clients.models import Tier
from servicescape.config import LANGUAGES
from servicescape.errors import ValidationFailed
from servicescape.promises import notices, policies
from servicescape.promises.capability import MANAGE, READ
from servicescape.promises.schemas import HolidayIn, LeaveIn, PolicyPatch
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormInvalid, FormState, RecordId, parse_form
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, owner_options, problem_status, see_other
from servicescape.web.templating import babel_locale, render

router = APIRouter(include_in_schema=False)

Reader = Annotated[RequestContext, Depends(signed_in(READ))]
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]
PAGE = "/promises/settings"
POLICY_FIELDS = ("first_response_hours", "resolution_days", "late_tolerance_minutes")
Language = Annotated[str, Path(max_length=20)]


@dataclass(frozen=True)
class Failed:
    """The form that failed, to show again with its messages: which one (``policy-<tier>``,
    ``holiday``, ``leave``, ``wording``) and its state."""

    form: str
    state: FormState


def _language(value: str) -> str:
    return value if value in LANGUAGES else "en"


def weekday_names(days: list[int], locale: str) -> list[str]:
    """ISO weekdays (1 = Monday) by their names in the reader's language."""
    names = get_day_names("wide", locale=locale)  # 0 = Monday
    return [str(names[day - 1]) for day in days]


def settings_page(context: RequestContext, *, language: str, failed: Failed | None = None,
                  status_code: int = 200) -> Response:
    settings = context.runtime.settings
    with context.unit() as session:
        targets = policies.policies(session, by=context.principal)
        holidays = policies.holiday_list(session, by=context.principal)
        leave = policies.leave_list(session, by=context.principal)
        words = notices.wording_for(session, language, by=context.principal)
        staff = owner_options(context, session, None, i18n._("Choose a person"))
    forms = {f"policy-{p.tier.value}": FormState({name: str(getattr(p, name)) for name in POLICY_FIELDS})
             for p in targets}
    forms.update(holiday=FormState(), leave=FormState(),
                 wording=FormState({"subject": words.subject, "body": words.body}))
    if failed is not None:
        forms[failed.form] = failed.state
    opens, closes = settings.working_hours
    return render(context, "promises/settings.html", status_code=status_code, active_nav="promises",
                  targets=targets, holidays=holidays, leave=leave, notice=words, language=language,
                  placeholders=notices.PLACEHOLDERS, forms=forms, staff=staff,
                  opens=opens, closes=closes,
                  business_days=weekday_names(settings.business_days, babel_locale(context.language)))


@router.get("/promises/settings")
def promise_settings(context: Reader, language: Annotated[str, Query(max_length=20)] = "") -> Response:
    return settings_page(context, language=_language(language or context.language))


# --- service targets --------------------------------------------------------------------------------

def _policy_changes(context: RequestContext, values: dict[str, str]) -> dict[str, int]:
    """A tier's three targets, each required (every field's problem at once)."""
    errors: dict[str, str] = {}
    try:
        changes = parse_form(PolicyPatch, {name: values.get(name, "") for name in POLICY_FIELDS},
                             zone=context.runtime.settings.zone)
    except FormInvalid as problem:
        errors, changes = problem.errors, {}
    for name in POLICY_FIELDS:
        if not values.get(name, "").strip():
            errors[name] = i18n._("This field is required.")
    if errors:
        raise FormInvalid({name: errors[name] for name in POLICY_FIELDS if name in errors})
    return changes


@router.post("/promises/settings/policies/{tier}")
def save_policy(tier: Tier, context: Manager, values: Posted) -> Response:
    try:
        changes = _policy_changes(context, values)
        with context.unit() as session:
            policies.set_policy(session, tier, changes, by=context.principal)
    except FORM_PROBLEMS as problem:
        return settings_page(context, language=_language(context.language),
                             failed=Failed(f"policy-{tier.value}", FormState.failed(values, problem)),
                             status_code=problem_status(problem))
    name = i18n._(context.runtime.settings.tier_names.get(tier.value, tier.value))
    return see_other(f"{PAGE}#targets", context, i18n._("The targets of the %(tier)s tier were saved.", tier=name))


# --- holidays ---------------------------------------------------------------------------------------

@router.post("/promises/settings/holidays")
def add_holiday(context: Manager, values: Posted) -> Response:
    try:
        data = parse_form(HolidayIn, {name: values.get(name, "") for name in ("day", "name")},
                          zone=context.runtime.settings.zone)
        with context.unit() as session:
            policies.add_holiday(session, data["day"], data["name"], by=context.principal)
    except FORM_PROBLEMS as problem:
        return settings_page(context, language=_language(context.language),
                             failed=Failed("holiday", FormState.failed(values, problem)),
                             status_code=problem_status(problem))
    return see_other(f"{PAGE}#holidays", context, i18n._("Holiday “%(name)s” was added.", name=data["name"]))


@router.post("/promises/settings/holidays/{day}/delete")
def remove_holiday(day: date, context: Manager) -> Response:
    with context.unit() as session:
        policies.remove_holiday(session, day, by=context.principal)
    return see_other(f"{PAGE}#holidays", context, i18n._("The holiday was removed."))


# --- staff leave ------------------------------------------------------------------------------------

@router.post("/promises/settings/leave")
def add_leave(context: Manager, values: Posted) -> Response:
    try:
        fields = ("staff_id", "starts_on", "ends_on", "note")
        data = parse_form(LeaveIn, {name: values.get(name, "") for name in fields}, zone=context.runtime.settings.zone)
        with context.unit() as session:
            policies.leave.create(session, data, by=context.principal)
    except FORM_PROBLEMS as problem:
        return settings_page(context, language=_language(context.language),
                             failed=Failed("leave", FormState.failed(values, problem)),
                             status_code=problem_status(problem))
    return see_other(f"{PAGE}#leave", context, i18n._("The leave was recorded."))


@router.post("/promises/settings/leave/{leave_id}/delete")
def remove_leave(leave_id: RecordId, context: Manager) -> Response:
    with context.unit() as session:
        policies.leave.delete(session, policies.leave.get(session, leave_id, by=context.principal),
                              by=context.principal)
    return see_other(f"{PAGE}#leave", context, i18n._("The leave was removed."))


# --- the at-risk notice's wording -------------------------------------------------------------------

def _known(language: str) -> str:
    if language not in LANGUAGES:
        raise ValidationFailed(i18n._("Unknown language %(value)s.", value=language), field="language")
    return language


@router.post("/promises/settings/notice/{language}")
def save_wording(language: Language, context: Manager, values: Posted) -> Response:
    chosen = _known(language)
    try:
        with context.unit() as session:
            notices.save_wording(session, chosen, values.get("subject", ""), values.get("body", ""),
                                 by=context.principal)
    except FORM_PROBLEMS as problem:
        return settings_page(context, language=chosen, failed=Failed("wording", FormState.failed(values, problem)),
                             status_code=problem_status(problem))
    return see_other(f"{PAGE}?language={chosen}#notice", context,
                     i18n._("The notice's wording in %(language)s was saved.", language=LANGUAGES[chosen]))


@router.post("/promises/settings/notice/{language}/reset")
def reset_wording(language: Language, context: Manager) -> Response:
    chosen = _known(language)
    with context.unit() as session:
        notices.reset_wording(session, chosen, by=context.principal)
    return see_other(f"{PAGE}?language={chosen}#notice", context,
                     i18n._("The notice in %(language)s is back to the built-in wording.", language=LANGUAGES[chosen]))

"""The staff page: who works here, their roles and sign-ins; owners add and change accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from servicescape import i18n
from servicescape.auth import invitations
from servicescape.auth import service as auth
from servicescape.auth.capability import MANAGE, VIEW
from servicescape.auth.schemas import StaffIn, StaffPatch
from servicescape.web.deps import RequestContext, signed_in
from servicescape.web.forms import FormState, RecordId, parse_form
from servicescape.web.pages.common import FORM_PROBLEMS, Posted, problem_status, see_other
from servicescape.web.templating import render

router = APIRouter(include_in_schema=False)

Viewer = Annotated[RequestContext, Depends(signed_in(VIEW))]
Manager = Annotated[RequestContext, Depends(signed_in(MANAGE))]


def staff_page(context: RequestContext, *, add_form: FormState | None = None,
               row_errors: dict[int, str] | None = None, status_code: int = 200) -> Response:
    with context.unit() as session:
        people = auth.list_staff(session, by=context.principal)
        last_seen = auth.last_sign_ins(session, by=context.principal)
        invited = invitations.open_invitations(session, by=context.principal)
    return render(context, "staff/list.html", status_code=status_code, active_nav="staff",
                  people=people, last_seen=last_seen, add_form=add_form or FormState({"role": "staff"}),
                  row_errors=row_errors or {}, add_open=add_form is not None, invited=invited,
                  mail_configured=context.runtime.settings.mail_configured,
                  invitation_hours=context.runtime.settings.invitation_valid_hours)


def invitation_queued(context: RequestContext, name: str) -> str:
    """The message after an invitation: queued, and whether e-mail is configured to send it."""
    if context.runtime.settings.mail_configured:
        return i18n._("An invitation for %(name)s is in the outbox.", name=name)
    return i18n._("An invitation for %(name)s is in the outbox, but e-mail is not configured yet "
                  "(SERVICESCAPE_SMTP_HOST): it is sent once it is.", name=name)


@router.get("/staff")
def staff_list(context: Viewer) -> Response:
    return staff_page(context)


@router.post("/staff")
def add_staff(context: Manager, values: Posted) -> Response:
    try:
        data = parse_form(StaffIn, values, zone=context.runtime.settings.zone)
        invite = values.get("invite") == "1"
        role = data.get("role", StaffIn.model_fields["role"].default)
        with context.unit() as session:
            if invite:
                name = invitations.add_and_invite(session, context.runtime.settings, name=data["name"],
                                                  email=data["email"], role=role, password=data.get("password"),
                                                  by=context.principal).staff.name
            else:
                name = auth.create_staff(session, name=data["name"], email=data["email"], role=role,
                                         password=data.get("password"), by=context.principal).name
    except FORM_PROBLEMS as problem:
        kept = {key: value for key, value in values.items() if key != "password"}
        return staff_page(context, add_form=FormState.failed(kept, problem), status_code=problem_status(problem))
    if invite:
        return see_other("/staff", context, invitation_queued(context, name))
    return see_other("/staff", context, i18n._("%(name)s was added.", name=name))


@router.post("/staff/{staff_id}")
def change_staff(staff_id: RecordId, context: Manager, values: Posted) -> Response:
    """Change a role (field ``role``) or deactivate / reactivate (field ``active``)."""
    try:
        data = parse_form(StaffPatch, values, zone=context.runtime.settings.zone)
        with context.unit() as session:
            person = auth.get_staff(session, staff_id, by=context.principal)
            auth.update_staff(session, person, role=data.get("role"), active=data.get("active"),
                              by=context.principal)
            name, active = person.name, person.active
    except FORM_PROBLEMS as problem:
        message = next(iter(FormState.failed(values, problem).errors.values()))
        return staff_page(context, row_errors={staff_id: message}, status_code=problem_status(problem))
    if "active" in data:
        message = (i18n._("%(name)s was reactivated.", name=name) if active
                   else i18n._("%(name)s was deactivated; their sessions and tokens have ended.", name=name))
    else:
        message = i18n._("The role of %(name)s was changed.", name=name)
    return see_other("/staff", context, message)

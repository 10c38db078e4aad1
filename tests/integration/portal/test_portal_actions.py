"""What a contact does in the portal and how the firm answers: confirm, ask for another window
(a task, never an edit; the firm's acceptance re-promises and the contact is e-mailed once, in
their language), a service request, a complaint with its clock running, an order (an unknown one
refused, an accepted one a proposed engagement); nothing half-saved on bad input."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from servicescape import i18n
from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.clients.models import Engagement, EngagementStatus
from servicescape.db.types import utcnow
from servicescape.offerings.models import PackageLevel
from servicescape.offerings.service import packages
from servicescape.platform.mail.models import OutboxMessage
from servicescape.portal import notices, service
from servicescape.portal.models import PortalRequest, PortalUser, RequestKind, RequestStatus
from servicescape.promises import service as promises
from servicescape.promises.models import Complaint, Promise, PromiseStatus
from servicescape.runtime import Runtime
from servicescape.tasks.models import Task, TaskStatus
from tests.conftest import make_staff
from tests.integration.portal.contacts import PortalClient, portal_client, signed_in


@pytest.fixture
def owner_staff(runtime: Runtime) -> Staff:
    return make_staff(runtime, Role.manager, name="Muhammad Hafiz")


@pytest.fixture
def acme(runtime: Runtime, owner_staff: Staff) -> PortalClient:
    return portal_client(runtime, "Acme", "ann@acme.test", owner_staff, language="hu")


def _later(runtime: Runtime, days: int) -> str:
    return (utcnow() + timedelta(days=days)).astimezone(runtime.settings.zone).strftime("%Y-%m-%dT%H:%M")


def test_the_contact_sees_who_is_coming(web: TestClient, acme: PortalClient) -> None:
    signed_in(web, acme)
    home = web.get("/portal?lang=en").text
    assert "Muhammad Hafiz is coming" in home and ">MH<" in home


def test_confirming_confirms_the_promise(web: TestClient, runtime: Runtime, acme: PortalClient) -> None:
    token = signed_in(web, acme)
    assert web.post(f"/portal/promises/{acme.promise_id}/confirm", data={"csrf_token": token},
                    follow_redirects=False).status_code == 303
    with runtime.transaction() as session:
        promise = session.get(Promise, acme.promise_id)
        assert promise is not None and promise.confirmed_at is not None
        kinds = list(session.scalars(select(PortalRequest.kind)))
    assert kinds == [RequestKind.confirm]


def test_another_window_is_a_request_then_a_repromise_told_once(web: TestClient, runtime: Runtime,
                                                                acme: PortalClient, owner_staff: Staff) -> None:
    token = signed_in(web, acme)
    asked = web.post(f"/portal/promises/{acme.promise_id}/reschedule",
                     data={"csrf_token": token, "preferred_start": _later(runtime, 5), "message": "Friday is better"},
                     follow_redirects=False)
    assert asked.status_code == 303
    again = web.post(f"/portal/promises/{acme.promise_id}/reschedule",
                     data={"csrf_token": token, "preferred_start": _later(runtime, 6)})
    assert again.status_code == 409 and "<form method=\"post\" class=\"stack\"" not in again.text
    pending = web.get(f"/portal/promises/{acme.promise_id}/reschedule").text    # no form to send twice
    with i18n.speaking("hu"):    # the contact's language
        told = i18n._("You asked for another time; we will answer soon.")
    assert told in unescape(pending) and 'name="preferred_start"' not in pending
    notice = re.search(r'<div class="flash flash--info".*?</div>\s*</div>', pending, re.S)
    assert notice is not None and "data-dismiss" not in notice.group()    # the notice is the page: it stays
    assert re.search(r'href="/portal" aria-current="page"', pending)      # the menu marks the overview
    with runtime.transaction() as session:
        promise = session.get(Promise, acme.promise_id)
        assert promise is not None and promise.status == PromiseStatus.open      # untouched by the asking
        request = session.scalars(select(PortalRequest)).one()
        task = session.get(Task, request.task_id)
        assert task is not None and task.owner_id == owner_staff.id and task.related_type == "portal_request"
        made = service.accept(session, request, by=SYSTEM)
        assert made.repromised_from_id == acme.promise_id and made.window_start == request.preferred_start
        assert session.get(Promise, acme.promise_id).status == PromiseStatus.cancelled   # by agreement, not missed
        assert session.get(Task, request.task_id).status == TaskStatus.done
    with runtime.transaction() as session:
        assert notices.tell(session, runtime.settings) == 1
        assert notices.tell(session, runtime.settings) == 0                        # never twice
        mail = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "portal_promise")).one()
    assert mail.recipient == "ann@acme.test" and mail.language == "hu"
    assert "Muhammad Hafiz" in mail.body_text
    home = web.get("/portal?lang=en").text
    assert "New time" in home and "Accepted" in home and "Moved to" in home
    asked_line = re.search(r'<li class="portal-item"><strong>Asked for another time</strong>.*?</li>', home, re.S)
    assert asked_line is not None and "Visit at" in asked_line.group() and "New time asked:" in asked_line.group()


def test_no_email_to_a_contact_who_opted_out_nor_about_history(web: TestClient, runtime: Runtime,
                                                               acme: PortalClient) -> None:
    token = signed_in(web, acme)
    assert web.post("/portal/settings", data={"csrf_token": token, "language": "en"},
                    follow_redirects=False).status_code == 303          # the box left unticked
    with runtime.transaction() as session:
        promise = session.get(Promise, acme.promise_id)
        assert promise is not None
        promises.repromise(session, promise, {"window_start": utcnow() + timedelta(days=9),
                                              "window_end": utcnow() + timedelta(days=9, hours=1)}, by=SYSTEM)
        assert notices.tell(session, runtime.settings) == 0


def test_a_kept_promise_cannot_be_moved(web: TestClient, runtime: Runtime, acme: PortalClient) -> None:
    with runtime.transaction() as session:
        session.execute(update(PortalUser).values(invited_at=utcnow() - timedelta(days=1)))
        promise = session.get(Promise, acme.promise_id)
        assert promise is not None
        promise.window_start, promise.window_end = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
        promises.keep(session, promise, kept_at=utcnow() - timedelta(hours=2), by=SYSTEM)
    token = signed_in(web, acme)
    refused = web.post(f"/portal/promises/{acme.promise_id}/reschedule",
                       data={"csrf_token": token, "preferred_start": _later(runtime, 3)})
    assert refused.status_code == 409
    assert web.post(f"/portal/promises/{acme.promise_id}/confirm", data={"csrf_token": token}).status_code == 409
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(PortalRequest)) == 0
        assert notices.tell(session, runtime.settings) == 1          # "done", after the invitation


@pytest.mark.parametrize(("data", "field"), [
    ({}, "preferred_start"),
    ({"preferred_start": "tomorrow"}, "preferred_start"),
    ({"preferred_start": "2020-01-01T10:00"}, "preferred_start"),
])
def test_a_bad_window_is_refused_and_nothing_saved(web: TestClient, runtime: Runtime, acme: PortalClient,
                                                   data: dict[str, str], field: str) -> None:
    token = signed_in(web, acme)
    refused = web.post(f"/portal/promises/{acme.promise_id}/reschedule", data={"csrf_token": token, **data})
    assert refused.status_code == 422
    assert 'aria-invalid="true"' in refused.text and f'id="f-{field}"' in refused.text
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(PortalRequest)) == 0
        assert session.scalar(select(func.count()).select_from(Task)) == 0


def test_a_complaint_starts_its_clock(web: TestClient, runtime: Runtime, acme: PortalClient) -> None:
    token = signed_in(web, acme)
    before = utcnow()
    assert web.post("/portal/ask", data={"csrf_token": token, "kind": "complaint",
                                         "message": "Nobody called back."}, follow_redirects=False).status_code == 303
    assert web.post("/portal/ask", data={"csrf_token": token, "kind": "complaint", "message": "  "}).status_code == 422
    with runtime.transaction() as session:
        complaint = session.scalars(select(Complaint)).one()
        assert complaint.client_id == acme.client_id and complaint.received_at >= before
        assert complaint.response_due_at > complaint.received_at
    assert "Nobody called back." in web.get("/portal").text


def test_a_service_request_opens_a_task(web: TestClient, runtime: Runtime, acme: PortalClient) -> None:
    token = signed_in(web, acme)
    assert web.post("/portal/ask", data={"csrf_token": token, "message": "Please send the March report."},
                    follow_redirects=False).status_code == 303
    with runtime.transaction() as session:
        task = session.scalars(select(Task)).one()
        assert task.kind == "portal_request" and task.client_id == acme.client_id


def test_an_order_of_an_unknown_package_is_refused_a_known_one_becomes_an_engagement(
        web: TestClient, runtime: Runtime, acme: PortalClient) -> None:
    with runtime.transaction() as session:
        package = packages.create(session, {"name": "Audit"}, by=SYSTEM)
        level = PackageLevel(package_id=package.id, name="Premier")
        session.add(level)
        session.flush()
        level_id = level.id
    token = signed_in(web, acme)
    assert "Premier" in web.get("/portal/order").text
    for item in ("level:999999", "addon:5", "level:x", ""):
        refused = web.post("/portal/order", data={"csrf_token": token, "item": item})
        assert refused.status_code in (404, 422), item
    assert web.post("/portal/order", data={"csrf_token": token, "item": f"level:{level_id}"},
                    follow_redirects=False).status_code == 303
    with runtime.transaction() as session:
        request = session.scalars(select(PortalRequest)).one()
        assert request.kind == RequestKind.order and request.status == RequestStatus.open
        engagement = service.accept(session, request, answer="We start on Monday.", by=SYSTEM)
        assert isinstance(engagement, Engagement) and engagement.status == EngagementStatus.proposed
        assert engagement.client_id == acme.client_id


def test_declining_needs_a_reason_and_answers_once(runtime: Runtime, web: TestClient, acme: PortalClient) -> None:
    token = signed_in(web, acme)
    web.post("/portal/ask", data={"csrf_token": token, "message": "A second visit?"})
    from servicescape.errors import Conflict, ValidationFailed

    with runtime.transaction() as session:
        request = session.scalars(select(PortalRequest)).one()
        with pytest.raises(ValidationFailed):
            service.decline(session, request, answer=" ", by=SYSTEM)
        service.decline(session, request, answer="Not in this contract.", by=SYSTEM)
        with pytest.raises(Conflict):
            service.accept(session, request, by=SYSTEM)
    assert "Not in this contract." in web.get("/portal").text


def test_a_survey_waiting_for_the_client_is_linked(web: TestClient, runtime: Runtime, acme: PortalClient) -> None:
    from servicescape.clients.models import Client
    from servicescape.quality import campaigns, surveys
    from servicescape.quality.models import SurveyKind

    with runtime.transaction() as session:
        client = session.get(Client, acme.client_id)
        assert client is not None
        client.tier, client.email = "key", "office@acme.test"
        survey = surveys.create(session, name="Pulse 2026", kind=SurveyKind.nps, by=SYSTEM)
        surveys.activate(session, survey, by=SYSTEM)
        campaign = campaigns.create(session, runtime.settings, survey, "Spring", campaigns.Audience(tiers=("key",)),
                                    by=SYSTEM)
        campaigns.open_and_send(session, runtime.settings, campaign, by=SYSTEM)
    signed_in(web, acme)
    home = web.get("/portal?lang=en").text
    assert "Surveys waiting for you" in home and "/s/" in home


@pytest.mark.parametrize("value", ["9999999999", "²", "١٢", "-1", "1e3"])
def test_an_odd_id_in_a_form_is_a_422_not_a_500(web: TestClient, acme: PortalClient, value: str) -> None:
    token = signed_in(web, acme)
    for url, data in (("/portal/order", {"item": f"level:{value}"}),
                      ("/portal/ask", {"kind": "complaint", "message": "Late", "promise_id": value})):
        assert web.post(url, data={"csrf_token": token, **data}).status_code == 422, (url, value)


def test_the_language_chosen_holds_on_the_next_pages(web: TestClient, acme: PortalClient) -> None:
    signed_in(web, acme)
    assert 'lang="hu"' in web.get("/portal").text[:200]           # the contact's own language
    assert 'lang="bg"' in web.get("/portal/order?lang=bg").text[:200]
    assert 'lang="bg"' in web.get("/portal").text[:200]

"""Every form's error summary names each field at fault by the label the form shows it with, and
links to that field (the service's message about a field is worded with the label too)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape

import pytest

from servicescape.auth.permissions import SYSTEM
from servicescape.runtime import Runtime
from servicescape.tasks import service as tasks
from tests.integration.pages.conftest import Browser, add_client, add_record, field_error, plain


@dataclass(frozen=True)
class Refusal:
    """A post a form refuses: ``url`` (with ``{client}`` / ``{record}``), the values, and the entry
    its summary must show: ``entry`` linked to the field ``field_id``."""

    name: str
    url: str
    values: dict[str, str]
    field_id: str
    entry: str
    record: Callable[[Runtime, int], int] | None = None


def _engagement(runtime: Runtime, client: int) -> int:
    return add_record(runtime, "engagements", client_id=client, description="Audit", value=5000, currency="MYR")


def _task(runtime: Runtime, client: int) -> int:
    with runtime.transaction() as session:
        return tasks.tasks.create(session, {"title": "Follow up"}, by=SYSTEM).id


TASK = {"kind": "follow_up", "owner_id": "", "due_at": "", "priority": "normal", "notes": ""}
REFUSALS = [
    Refusal("client", "/clients", {"name": " ", "kind": "organisation", "tier": "standard", "status": "active"},
            "f-client-name", "Name: This field is required."),
    Refusal("client website", "/clients", {"name": "Lim", "website": "htp:/bad site"}, "f-client-website",
            "Website: the web address is not valid; write it as example.com or https://example.com."),
    Refusal("contact", "/clients/{client}/contacts", {"name": "Tan Wei Jie", "email": "bad@@mail"},
            "f-contact-email", "E-mail: the address is not valid; write it as name@example.com."),
    Refusal("engagement edit", "/engagements/{record}/edit",
            {"status": "active", "description": "Audit", "value": "-5000", "currency": "MYR"},
            "f-engagement-value", "Value: the value of an engagement cannot be negative.", _engagement),
    Refusal("engagement reference", "/clients/{client}/engagements", {"description": "Audit", "sold_by_id": "999999"},
            "f-engagement-sold_by_id", "Sold by 999999 does not exist."),
    Refusal("invoice", "/clients/{client}/invoices", {"issued_on": "2025-03-05", "amount": "-250", "currency": "MYR"},
            "f-invoice-amount", "Amount: an invoice cannot be negative (credit notes are not supported yet)."),
    Refusal("interaction", "/clients/{client}/interactions",
            {"channel": "call", "occurred_at": "2025-03-01T10:00", "summary": ""}, "f-interaction-summary",
            "What was said or agreed: an interaction needs a few words on what happened."),
    Refusal("task", "/tasks", {**TASK, "title": "", "client": ""}, "f-task-title",
            "What needs doing: This field is required."),
    Refusal("task of a client", "/tasks",
            {**TASK, "title": "", "client_id": "{client}", "from": "client"}, "f-client-task-title",
            "What needs doing: This field is required."),
    Refusal("task edit", "/tasks/{record}", {**TASK, "title": "Call back", "client": "Nobody Such"}, "f-edit-client",
            "Client: No client is called or numbered Nobody Such.", _task),
    Refusal("task close", "/tasks/{record}/close", {"outcome": ""}, "f-outcome",
            "Outcome: Say what was done (or why the task is cancelled) to close it.", _task),
    Refusal("staff", "/staff", {"name": "Ann", "email": "bad@@mail", "role": "staff", "password": ""},
            "f-staff-email", "E-mail: Not a valid e-mail address: bad@@mail."),
    Refusal("account password", "/account/password",
            {"current_password": "not my password", "password": "a long new passphrase", "password_confirm":
             "a long new passphrase"}, "f-current_password", "Current password: That is not your current password."),
    Refusal("account token", "/account/tokens", {"name": "", "current_password": "x"}, "f-name",
            "What it is for: Give the token a name: what it is for."),
]


def summary_entries(html: str) -> list[tuple[str, str]]:
    """(link target, text) of each entry of the page's error summary."""
    box = re.search(r'<div class="error-summary".*?</ul>', html, re.S)
    assert box is not None, "no error summary"
    return [(unescape(target), plain(text).strip())
            for target, text in re.findall(r'<li><a href="#([^"]+)">(.*?)</a></li>', box.group(0), re.S)]


@pytest.mark.parametrize("refusal", REFUSALS, ids=[r.name for r in REFUSALS])
def test_the_summary_names_the_field_by_its_label_and_links_to_it(
        owner_browser: Browser, runtime: Runtime, refusal: Refusal) -> None:
    client = add_client(runtime, name="Tan Holdings")
    record = refusal.record(runtime, client) if refusal.record else 0
    values = {key: value.format(client=client) for key, value in refusal.values.items()}
    response = owner_browser.post(refusal.url.format(client=client, record=record), values)
    assert response.status_code in (400, 409, 422), response.text
    entries = summary_entries(response.text)
    assert (refusal.field_id, refusal.entry) in entries, entries
    for target, _text in entries:
        assert f'id="{target}"' in response.text  # the link leads to the field
    # at the field, the message needs no label (it is right above), or names the field by it
    at_field = field_error(response.text, refusal.field_id)
    assert at_field is not None and refusal.entry.endswith(at_field), (at_field, refusal.entry)

"""The owners' outbox page (/mail) and the ``servicescape mail`` / ``user invite`` commands."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from sqlalchemy import select
from typer.testing import CliRunner

from servicescape.auth import invitations
from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app as cli
from servicescape.db.types import utcnow
from servicescape.platform.mail import service as mail
from servicescape.platform.mail.models import MailStatus, OutboxMessage
from servicescape.runtime import Runtime
from tests.conftest import make_staff
from tests.integration.mail.conftest import use_smtp
from tests.integration.pages.conftest import Browser, flash_after, plain
from tests.support.smtp import SmtpServer

runner = CliRunner()


def invite(runtime: Runtime, email: str) -> int:
    with runtime.transaction() as session:
        staff = session.get_one(Staff, make_staff(runtime, Role.staff, email).id)
        staff.password_hash = None
        return invitations.invite(session, runtime.settings, staff, by=SYSTEM).message.id


def status_of(runtime: Runtime, message_id: int) -> MailStatus:
    with runtime.transaction() as session:
        return session.get_one(OutboxMessage, message_id).status


def test_owners_see_dead_and_check_messages_with_their_errors_and_decide(
        owner_browser: Browser, runtime: Runtime, smtp_server: SmtpServer) -> None:
    use_smtp(runtime, None, mail_max_attempts=1)
    dead = invite(runtime, "dead@firm.test")
    assert mail.send_pending(runtime).dead == 1
    unsure = invite(runtime, "unsure@firm.test")
    assert mail._claim(runtime, unsure, utcnow()) is not None  # … and the sender was killed
    mail._expire_stale_claims(runtime, utcnow() + mail.CLAIM_LEASE + timedelta(seconds=1))
    sent = invite(runtime, "fine@firm.test")
    use_smtp(runtime, smtp_server)
    assert mail.send_pending(runtime).sent == 1

    page = owner_browser.get("/mail")
    assert page.status_code == 200
    attention = plain(re.search(r'<section class="card" id="attention".*?</section>', page.text, re.S).group(0))  # type: ignore[union-attr]
    assert "dead@firm.test" in attention and "Failed" in attention and "ConnectionRefusedError" in attention
    assert "unsure@firm.test" in attention and "Check delivery" in attention and "may or may not" in attention
    assert "fine@firm.test" not in attention
    assert page.text.count("/send-again") == 2 and page.text.count(f'action="/mail/{unsure}/sent"') == 1
    assert "/welcome/" not in page.text  # bodies (one-time links) are never shown
    assert "All (3)" in plain(page.text) and "Sent (1)" in plain(page.text)
    only_sent = owner_browser.get("/mail?status=sent")
    assert re.findall(r'<tr id="mail-(\d+)">', only_sent.text) == [str(sent)]
    assert owner_browser.get("/mail?status=nonsense").status_code == 422

    assert "queued again" in flash_after(owner_browser.post(f"/mail/{dead}/send-again"), owner_browser)
    assert "marked as sent" in flash_after(owner_browser.post(f"/mail/{unsure}/sent"), owner_browser)
    assert owner_browser.post(f"/mail/{sent}/send-again").status_code == 409
    assert owner_browser.post("/mail/999999/send-again").status_code == 404
    assert mail.send_pending(runtime).sent == 1
    assert status_of(runtime, dead) == status_of(runtime, unsure) == MailStatus.sent
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == ["dead@firm.test", "fine@firm.test"]
    assert "Needs your decision" not in owner_browser.get("/mail").text
    assert "E-mail is not configured" not in owner_browser.get("/mail").text


def test_the_outbox_is_for_owners_and_says_when_mail_is_not_configured(
        browser_as, owner_browser: Browser, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    message = invite(runtime, "waiting@firm.test")
    page = owner_browser.get("/mail")
    assert "E-mail is not configured" in plain(page.text) and "waiting@firm.test" in page.text
    assert 'href="/mail"' in owner_browser.get("/staff").text
    for role in (Role.manager, Role.viewer):
        other: Browser = browser_as(role)
        assert other.get("/mail").status_code == 403
        assert other.post(f"/mail/{message}/send-again").status_code == 403
    assert owner_browser.post(f"/mail/{message}/send-again", csrf=False).status_code == 403  # CSRF


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_the_mail_and_invite_commands(db_url: str, runtime: Runtime, smtp_server: SmtpServer, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SERVICESCAPE_DATABASE_URL", db_url)
    added = run("user", "invite", "Nora@Firm.test", "--name", "Nora Tan", "--role", "manager")
    assert added.exit_code == 0, added.output
    assert "Invitation for nora@firm.test queued" in added.output and "SMTP is not configured" in added.output
    assert run("user", "invite", "nora@firm.test").exit_code == 0  # again: a fresh link
    missing_name = run("user", "invite", "new@firm.test")
    assert missing_name.exit_code == 1 and "--name is required" in missing_name.output
    make_staff(runtime, Role.staff, "haspw@firm.test")
    refused = run("user", "invite", "haspw@firm.test")
    assert refused.exit_code == 1 and "already has a password" in refused.output and "Traceback" not in refused.output
    with runtime.transaction() as session:
        nora = session.scalar(select(Staff).where(Staff.email == "nora@firm.test"))
        assert nora is not None and nora.role == Role.manager and nora.password_hash is None

    not_configured = run("mail", "send")
    assert not_configured.exit_code == 1 and "SMTP is not configured" in not_configured.output
    assert "2 e-mail(s) wait" in not_configured.output

    monkeypatch.setenv("SERVICESCAPE_SMTP_HOST", smtp_server.host)
    monkeypatch.setenv("SERVICESCAPE_SMTP_PORT", str(smtp_server.port))
    monkeypatch.setenv("SERVICESCAPE_SMTP_SECURITY", "none")
    smtp_server.refuse = "554 5.7.1 Rejected"
    first = run("mail", "send", "--limit", "1")
    assert first.exit_code == 0 and "sent 0, will retry 0, failed 1" in first.output
    smtp_server.refuse = None
    second = run("mail", "send")
    assert "sent 1," in second.output

    rows = json.loads(run("mail", "list", "--json").output)
    assert [(r["to"], r["status"], r["kind"]) for r in rows] == [
        ("nora@firm.test", "sent", "invitation"), ("nora@firm.test", "dead", "invitation")]
    assert rows[1]["last_error"] == "554 5.7.1 Rejected" and "body_text" not in rows[0]
    dead_only = json.loads(run("mail", "list", "--status", "dead", "--json").output)
    assert [r["id"] for r in dead_only] == [rows[1]["id"]]
    table = run("mail", "list")
    assert "nora@firm.test" in table.output and "554" in table.output and "Rejected" in table.output
    assert run("mail", "retry", str(rows[1]["id"])).exit_code == 0
    assert "sent 1," in run("mail", "send").output
    again = run("mail", "retry", str(rows[1]["id"]))
    assert again.exit_code == 1 and "Only e-mails that failed" in again.output
    assert len(smtp_server.received) == 2

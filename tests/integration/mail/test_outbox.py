"""The outbox against a real SMTP server: rendering, sending, TLS, retries, dead letters, "check"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

import pytest
from sqlalchemy import select

from servicescape.audit.models import AuditEvent
from servicescape.auth.permissions import SYSTEM
from servicescape.db.types import utcnow
from servicescape.platform.mail import service as mail
from servicescape.platform.mail.models import MailStatus, OutboxMessage
from servicescape.runtime import Runtime
from tests.integration.mail.conftest import FIRM, FROM, configure, parts, use_smtp
from tests.support.smtp import Certificate, SmtpServer

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def queue(runtime: Runtime, to: str = "eszter@firm.test", *, language: str = "en", now: datetime = T0) -> int:
    with runtime.transaction() as session:
        return mail.enqueue(
            session, runtime.settings, to=to, language=language, kind="password_reset",
            template="emails/password_reset", now=now,
            values={"name": "Eszter Nagy", "email": to, "link": "http://127.0.0.1:8000/reset-password/abc",
                    "expires_at": now + timedelta(hours=1), "inviter": None},
        ).id


def stored(runtime: Runtime, message_id: int) -> OutboxMessage:
    with runtime.transaction() as session:
        message = session.get(OutboxMessage, message_id)
        assert message is not None
        return message


def audit_actions(runtime: Runtime, message_id: int) -> list[str]:
    with runtime.transaction() as session:
        return list(session.scalars(select(AuditEvent.action).where(
            AuditEvent.entity == "mail_outbox", AuditEvent.entity_id == str(message_id)).order_by(AuditEvent.id)))


def test_a_queued_message_is_sent_as_multipart_text_and_html_in_the_recipients_language(
        runtime: Runtime, mailer: SmtpServer) -> None:
    message_id = queue(runtime, "Eszter@Firm.test", language="hu")
    assert stored(runtime, message_id).status == MailStatus.queued and mailer.received == []

    report = mail.send_pending(runtime, now=T0)

    assert (report.sent, report.retrying, report.dead, report.check, report.left) == (1, 0, 0, 0, 0)
    [got] = mailer.received
    assert got.mail_from == FROM and got.rcpt_tos == ["Eszter@firm.test"]
    message = got.message
    assert parseaddr(message["From"]) == (FIRM, FROM)
    assert message["To"] == "Eszter@firm.test"
    assert message["Subject"] == "Új jelszó választása a Servicescape-hez"
    assert message["Content-Language"] == "hu" and message["Auto-Submitted"] == "auto-generated"
    text, html = parts(message)
    assert "Kedves Eszter Nagy" in text and "http://127.0.0.1:8000/reset-password/abc" in text
    assert 'href="http://127.0.0.1:8000/reset-password/abc"' in html and '<html lang="hu">' in html
    assert "Nagy &amp; Tan" in html and "Nagy & Tan" in text  # escaped in HTML only
    row = stored(runtime, message_id)
    assert row.status == MailStatus.sent and row.sent_at == T0 and row.attempts == 1
    assert row.claim_token is None and message["Message-ID"] == row.message_id
    assert audit_actions(runtime, message_id) == ["mail_sent"]
    with runtime.transaction() as session:  # the audit trail never holds the body (one-time links)
        changes = session.scalars(select(AuditEvent.changes).where(AuditEvent.entity == "mail_outbox")).all()
    assert "reset-password" not in repr(changes)
    assert mail.send_pending(runtime, now=T0 + timedelta(hours=1)).sent == 0  # sent once only
    assert len(mailer.received) == 1


def test_the_firms_default_language_when_the_recipient_chose_none(runtime: Runtime, mailer: SmtpServer) -> None:
    configure(runtime, default_language="zh-Hant")
    assert mail.recipient_language(None, runtime.settings) == "zh-Hant"
    assert mail.recipient_language("bg", runtime.settings) == "bg"
    assert mail.recipient_language("xx", runtime.settings) == "zh-Hant"
    queue(runtime, language=mail.recipient_language(None, runtime.settings))
    mail.send_pending(runtime, now=T0)
    [got] = mailer.received
    assert got.message["Content-Language"] == "zh-Hant" and got.message["Subject"] == "為 Servicescape 選擇新密碼"


def test_without_smtp_host_messages_wait_and_sending_says_so(runtime: Runtime) -> None:
    assert not runtime.settings.mail_configured
    message_id = queue(runtime)
    with pytest.raises(mail.MailNotConfigured, match=r"SMTP is not configured .*SERVICESCAPE_SMTP_HOST.*1 e-mail"):
        mail.send_pending(runtime, now=T0)
    row = stored(runtime, message_id)
    assert row.status == MailStatus.queued and row.attempts == 0


def test_smtp_down_retries_with_exponential_back_off_then_the_message_is_dead(runtime: Runtime) -> None:
    use_smtp(runtime, None, mail_max_attempts=3, mail_retry_seconds=60)
    message_id = queue(runtime)

    first = mail.send_pending(runtime, now=T0)
    row = stored(runtime, message_id)
    assert (first.retrying, first.dead) == (1, 0)
    assert (row.status, row.attempts, row.next_attempt_at) == (MailStatus.retrying, 1, T0 + timedelta(seconds=60))
    assert row.last_error is not None and "ConnectionRefusedError" in row.last_error

    assert mail.send_pending(runtime, now=T0 + timedelta(seconds=59)).retrying == 0  # not due yet
    assert stored(runtime, message_id).attempts == 1

    mail.send_pending(runtime, now=T0 + timedelta(seconds=60))
    row = stored(runtime, message_id)
    assert (row.status, row.attempts) == (MailStatus.retrying, 2)
    assert row.next_attempt_at == T0 + timedelta(seconds=60 + 120)  # doubled

    last = mail.send_pending(runtime, now=T0 + timedelta(seconds=180))
    row = stored(runtime, message_id)
    assert (last.dead, row.status, row.attempts) == (1, MailStatus.dead, 3)
    assert audit_actions(runtime, message_id) == ["mail_dead"]
    assert mail.send_pending(runtime, now=T0 + timedelta(days=1)).dead == 0  # dead stays dead


def test_back_off_is_capped(runtime: Runtime) -> None:
    assert mail.backoff(runtime.settings, 1) == timedelta(seconds=60)
    assert mail.backoff(runtime.settings, 4) == timedelta(seconds=480)
    assert mail.backoff(runtime.settings, 30) == mail.MAX_BACKOFF


def test_a_permanent_refusal_is_dead_at_once_and_a_temporary_one_is_retried(
        runtime: Runtime, mailer: SmtpServer) -> None:
    refused = queue(runtime, "nobody@firm.test")
    delayed = queue(runtime, "later@firm.test", now=T0 + timedelta(seconds=1))
    mailer.refuse = "550 5.1.1 No such mailbox"
    report = mail.send_pending(runtime, now=T0 + timedelta(seconds=1), limit=1)
    assert (report.dead, report.sent) == (1, 0)
    row = stored(runtime, refused)
    assert (row.status, row.attempts, row.last_error) == (MailStatus.dead, 1, "550 5.1.1 No such mailbox")

    mailer.refuse = "451 4.3.0 Try again later"
    report = mail.send_pending(runtime, now=T0 + timedelta(seconds=1))
    row = stored(runtime, delayed)
    assert (report.retrying, row.status, row.last_error) == (1, MailStatus.retrying, "451 4.3.0 Try again later")

    mailer.refuse = None
    assert mail.send_pending(runtime, now=T0 + timedelta(minutes=2)).sent == 1
    assert [r.rcpt_tos for r in mailer.received] == [["later@firm.test"]]


def test_starttls_with_a_verified_certificate_and_a_login(runtime: Runtime, certificate: Certificate) -> None:
    with SmtpServer(tls=certificate, login=("relay-user", "relay-secret")) as server:
        use_smtp(runtime, server, smtp_security="starttls", smtp_ca_file=certificate.cert,
                 smtp_username="relay-user", smtp_password="relay-secret")
        queue(runtime)
        assert mail.send_pending(runtime, now=T0).sent == 1
        [got] = server.received
    assert got.tls and got.login == "relay-user"


def test_implicit_tls(runtime: Runtime, certificate: Certificate) -> None:
    with SmtpServer(tls=certificate, implicit_tls=True) as server:
        use_smtp(runtime, server, smtp_security="tls", smtp_ca_file=certificate.cert)
        queue(runtime)
        assert mail.send_pending(runtime, now=T0).sent == 1
        assert [r.tls for r in server.received] == [True]


def test_no_plain_text_fallback_and_no_untrusted_certificate(runtime: Runtime, mailer: SmtpServer,
                                                             certificate: Certificate) -> None:
    use_smtp(runtime, mailer, smtp_security="starttls")  # this server offers no STARTTLS
    message_id = queue(runtime)
    assert mail.send_pending(runtime, now=T0).retrying == 1
    assert "STARTTLS extension not supported" in (stored(runtime, message_id).last_error or "")
    with SmtpServer(tls=certificate) as server:  # a certificate nobody told us to trust
        use_smtp(runtime, server, smtp_security="starttls")
        assert mail.send_pending(runtime, now=T0 + timedelta(hours=1)).retrying == 1
        assert server.received == []
    assert "CERTIFICATE_VERIFY_FAILED" in (stored(runtime, message_id).last_error or "")
    assert mailer.received == []


def test_a_sender_that_stopped_after_its_claim_leaves_the_message_in_check_not_resent(
        runtime: Runtime, mailer: SmtpServer) -> None:
    message_id = queue(runtime)
    claim = mail._claim(runtime, message_id, T0)  # a sender claims it … and is killed
    assert claim is not None and mail._claim(runtime, message_id, T0) is None  # nobody else can claim it
    assert stored(runtime, message_id).status == MailStatus.sending

    report = mail.send_pending(runtime, now=T0 + mail.CLAIM_LEASE - timedelta(seconds=1))
    assert (report.sent, report.stale) == (0, 0) and stored(runtime, message_id).status == MailStatus.sending

    report = mail.send_pending(runtime, now=T0 + mail.CLAIM_LEASE + timedelta(seconds=1))
    assert (report.sent, report.stale) == (0, 1)
    assert stored(runtime, message_id).status == MailStatus.check
    assert mail.send_pending(runtime, now=T0 + timedelta(days=2)).sent == 0
    assert mailer.received == [] and audit_actions(runtime, message_id) == ["mail_check"]


def test_a_slow_sender_still_settles_its_claim_after_it_went_to_check(runtime: Runtime) -> None:
    message_id = queue(runtime)
    claim = mail._claim(runtime, message_id, T0)
    assert claim is not None
    assert mail._expire_stale_claims(runtime, T0 + timedelta(hours=1)) == 1
    mail._settle(runtime, claim, mail.smtp.Outcome("sent"), T0 + timedelta(hours=1), mail.SendReport())
    row = stored(runtime, message_id)
    assert row.status == MailStatus.sent and row.claim_token is None


def test_a_connection_lost_during_data_is_check_and_not_retried(runtime: Runtime, mailer: SmtpServer) -> None:
    first, second = queue(runtime, "a@firm.test"), queue(runtime, "b@firm.test", now=T0 + timedelta(seconds=1))
    mailer.hang_up = True  # takes the message, then drops the connection without answering
    report = mail.send_pending(runtime, now=T0 + timedelta(seconds=1))
    assert (report.check, report.sent, report.left) == (1, 0, 1)
    row = stored(runtime, first)
    assert row.status == MailStatus.check and row.attempts == 1 and row.last_error
    assert stored(runtime, second).status == MailStatus.queued  # untouched: tried next run
    mailer.hang_up = False
    assert mail.send_pending(runtime, now=T0 + timedelta(minutes=1)).sent == 1
    assert [r.rcpt_tos for r in mailer.received] == [["a@firm.test"], ["b@firm.test"]]


def test_owners_send_again_or_confirm(runtime: Runtime, mailer: SmtpServer) -> None:
    from servicescape.errors import Conflict

    message_id = queue(runtime)
    with runtime.transaction() as session, pytest.raises(Conflict):
        mail.send_again(session, message_id, by=SYSTEM)  # queued: nothing to do
    assert mail._claim(runtime, message_id, T0) is not None
    mail._expire_stale_claims(runtime, T0 + timedelta(hours=1))
    with runtime.transaction() as session:
        mail.send_again(session, message_id, by=SYSTEM)
    row = stored(runtime, message_id)
    assert (row.status, row.attempts, row.claim_token) == (MailStatus.queued, 0, None)
    assert mail.send_pending(runtime, now=utcnow() + timedelta(seconds=1)).sent == 1
    assert len(mailer.received) == 1

    other = queue(runtime, "c@firm.test")
    mail._claim(runtime, other, T0)
    mail._expire_stale_claims(runtime, T0 + timedelta(hours=1))
    with runtime.transaction() as session:
        mail.mark_sent(session, other, by=SYSTEM)
    assert stored(runtime, other).status == MailStatus.sent and stored(runtime, other).sent_at == T0
    assert audit_actions(runtime, other)[-1] == "mail_marked_sent"


def test_a_message_no_server_could_take_is_dead_at_once_and_does_not_block_the_others(
        runtime: Runtime, mailer: SmtpServer) -> None:
    good = queue(runtime, "good@firm.test", now=T0 + timedelta(seconds=1))
    with runtime.transaction() as session:  # written past enqueue's checks, e.g. by an old version
        broken = OutboxMessage(kind="test", recipient="x@firm.test\r\nBcc: all@firm.test", language="en",
                               subject="Hi", body_text="Hi", body_html="<p>Hi</p>", message_id="<broken@firm.test>",
                               status=MailStatus.queued, attempts=0, next_attempt_at=T0, created_at=T0)
        session.add(broken)
        session.flush()
        broken_id = broken.id
    report = mail.send_pending(runtime, now=T0 + timedelta(seconds=1))
    assert (report.dead, report.sent) == (1, 1)
    row = stored(runtime, broken_id)
    assert row.status == MailStatus.dead and "linefeed" in (row.last_error or "")
    assert stored(runtime, good).status == MailStatus.sent
    assert [r.rcpt_tos for r in mailer.received] == [["good@firm.test"]]

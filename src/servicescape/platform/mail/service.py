"""The outbox: enqueue inside a request's transaction; send later, at most once, never losing one.

Enqueueing
    ``enqueue`` renders the message (text and HTML, in the recipient's language) and adds it to
    the outbox in the caller's transaction: the e-mail exists exactly when the change that caused
    it (an invitation, a reset link) is committed. Nothing is sent from inside a request.

Sending, and why a kill loses nothing and sends nothing twice
    ``send_pending`` works through the due messages ONE AT A TIME, each in three steps, each step
    its own short transaction (no transaction is open while we talk to the SMTP server):

    1. claim: ``UPDATE … SET status='sending', claim_token=T, attempts=attempts+1 WHERE id=… AND
       status IN ('queued','retrying') AND next_attempt_at <= now``. The WHERE makes the claim a
       compare-and-set: of two senders, one wins (rowcount 1), the other skips the message.
       The SMTP connection is already open and signed in before the claim, so the claim is
       followed at once by MAIL FROM, RCPT TO and DATA.
    2. deliver over SMTP.
    3. settle: ``UPDATE … WHERE id=… AND claim_token=T`` to sent, retrying (with back-off), dead,
       or check, plus an audit event (without the body) for sent, dead and check.

    Where a kill (SIGKILL, power loss) can land, and what it leaves:

    - before the claim commits: the UPDATE is rolled back; the message is still queued and the
      next run sends it. Nothing was handed to the SMTP server.
    - between the claim's commit and the settle's commit: the row says ``sending``. The server
      may have received the whole message and answered 250 just before the kill; nobody can tell
      afterwards whether it did. Resending could send it twice; dropping it could lose it. So
      such a row is never resent automatically: once its claim is older than ``CLAIM_LEASE``
      (no live sender takes that long over one message), the next run moves it to ``check``,
      a state shown to owners on the outbox page, who ask the recipient and then either "send
      again" or "mark as sent". This claim-to-settle window (one message, a few round trips) is
      the only place a message can end up in ``check``; a connection that breaks while the
      content is handed over lands there too, for the same reason.
    - after the settle's commit: the outcome is recorded; nothing is left to do.

    A definite failure (connection refused, a 4xx reply, a failure before DATA) is retried after
    ``mail_retry_seconds * 2 ** (attempts - 1)`` (at most ``MAX_BACKOFF``); after
    ``mail_max_attempts`` tries, or at once on a permanent 5xx refusal, the message is ``dead``
    (the dead letter, shown to owners with its error). Each message keeps one Message-ID for life,
    so if an owner resends a ``check`` message that had in fact arrived, mail readers can tell.

    A settle whose claim was taken meanwhile (an owner pressed "send again" on a ``check`` row)
    changes nothing: the owner's decision stands.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.errors import MessageError
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from servicescape.audit.service import Actor, record
from servicescape.auth.permissions import Principal, require
from servicescape.config import LANGUAGES, Settings
from servicescape.db.compare_and_set import changed_rows
from servicescape.db.paging import Page, paginate
from servicescape.db.types import utcnow
from servicescape.errors import ConfigurationError, Conflict, NotFound, ValidationFailed
from servicescape.i18n import _
from servicescape.platform.mail import smtp
from servicescape.platform.mail.models import DUE_STATUSES, MailStatus, OutboxMessage
from servicescape.platform.mail.rendering import mime_message, new_message_id, render
from servicescape.runtime import Runtime
from servicescape.system.capability import OPERATE

log = logging.getLogger("servicescape.mail")

SENDER = Actor("mail sender")
#: a claim older than this belongs to a sender that stopped; its message goes to "check"
CLAIM_LEASE = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=6)
DEFAULT_BATCH = 200


class MailNotConfigured(ConfigurationError):
    code = "mail_not_configured"


# --- enqueueing ---------------------------------------------------------------------------------

def recipient_language(preferred: str | None, settings: Settings) -> str:
    """The recipient's own language when they chose one, else the firm's default language."""
    return preferred if preferred in LANGUAGES else settings.default_language


def enqueue(session: Session, settings: Settings, *, to: str, language: str, kind: str, template: str,
            values: Mapping[str, Any], now: datetime | None = None) -> OutboxMessage:
    """Render ``template`` in ``language`` and queue it for ``to`` (in the caller's transaction)."""
    try:
        address = validate_email(to, check_deliverability=False, globally_deliverable=False,
                                 test_environment=True).normalized
    except EmailNotValidError as exc:
        raise ValidationFailed(_("Not a valid e-mail address: %(email)s.", email=to), field="email") from exc
    language = recipient_language(language, settings)
    rendered = render(template, language=language, settings=settings, values=values)
    moment = now or utcnow()
    message = OutboxMessage(
        kind=kind, recipient=address, language=language, subject=rendered.subject,
        body_text=rendered.text, body_html=rendered.html, message_id=new_message_id(settings),
        status=MailStatus.queued, attempts=0, next_attempt_at=moment, created_at=moment,
    )
    session.add(message)
    session.flush()
    return message


# --- sending ------------------------------------------------------------------------------------

@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    dead: int = 0
    check: int = 0       # outcome unknown in this run (the connection broke during DATA)
    stale: int = 0       # claims of senders that stopped, moved to check
    left: int = 0        # due but not tried in this run (the batch limit, or the connection broke)


@dataclass(frozen=True)
class _Claim:
    id: int
    token: str
    attempts: int
    kind: str
    recipient: str
    content: bytes  # the whole message, as handed to DATA


def backoff(settings: Settings, attempts: int) -> timedelta:
    return min(timedelta(seconds=settings.mail_retry_seconds * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def send_pending(runtime: Runtime, *, now: datetime | None = None, limit: int = DEFAULT_BATCH) -> SendReport:
    """Send what is due (at most ``limit`` messages); see the module docstring for the guarantees.

    ``now`` fixes the clock (tests). Raises MailNotConfigured without an SMTP host: the messages
    stay queued, and the caller (a job, the CLI) shows that instead of dropping them.
    """
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    settings = runtime.settings
    report = SendReport(stale=_expire_stale_claims(runtime, clock()))
    if not settings.mail_configured:
        with runtime.transaction(SENDER) as session:
            waiting = session.scalar(select(func.count()).select_from(OutboxMessage)
                                     .where(OutboxMessage.status.in_(DUE_STATUSES))) or 0
        raise MailNotConfigured(_("SMTP is not configured (set SERVICESCAPE_SMTP_HOST); %(n)s e-mail(s) wait "
                                  "in the outbox.", n=waiting))
    with runtime.transaction(SENDER) as session:
        due = list(session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.status.in_(DUE_STATUSES), OutboxMessage.next_attempt_at <= clock())
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
        ))
    if not due:
        return report
    try:
        connection = smtp.connect(settings)
    except smtp.TRANSPORT_ERRORS as exc:
        _count_failed_try(runtime, due, smtp.describe(exc), clock(), report)
        return report
    try:
        for position, message_id in enumerate(due):
            claim = _claim(runtime, message_id, clock(), report)
            if claim is None:
                continue  # another sender took it, or an owner changed it
            outcome = smtp.deliver(connection, claim.content, sender=settings.mail_from, recipient=claim.recipient)
            _settle(runtime, claim, outcome, clock(), report)
            if not outcome.usable:
                report.left = len(due) - position - 1
                break
    finally:
        problem = smtp.close(connection)
        if problem:
            log.warning("closing the SMTP connection failed: %s", problem)
    return report


def _expire_stale_claims(runtime: Runtime, now: datetime) -> int:
    with runtime.transaction(SENDER) as session:
        stale = list(session.execute(
            select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.recipient)
            .where(OutboxMessage.status == MailStatus.sending, OutboxMessage.claimed_at < now - CLAIM_LEASE)
        ))
        moved = 0
        for message_id, kind, recipient in stale:
            changed = changed_rows(session, update(OutboxMessage).where(
                OutboxMessage.id == message_id, OutboxMessage.status == MailStatus.sending,
            ).values(status=MailStatus.check, last_error=None))  # the page explains "check"
            if changed:
                moved += 1
                record(session, "mail_check", entity="mail_outbox", entity_id=message_id,
                       changes={"kind": kind, "to": recipient, "reason": "sender stopped"})
    return moved


def _count_failed_try(runtime: Runtime, due: list[int], error: str, now: datetime, report: SendReport) -> None:
    """No connection: every due message had a try that failed for sure (nothing was handed over)."""
    settings = runtime.settings
    with runtime.transaction(SENDER) as session:
        rows = list(session.execute(
            select(OutboxMessage.id, OutboxMessage.attempts, OutboxMessage.kind, OutboxMessage.recipient)
            .where(OutboxMessage.id.in_(due), OutboxMessage.status.in_(DUE_STATUSES),
                   OutboxMessage.next_attempt_at <= now)
        ))
        for message_id, attempts, kind, recipient in rows:
            values = _failure(settings, attempts + 1, error, now, permanent=False)
            changed = changed_rows(session, update(OutboxMessage).where(
                OutboxMessage.id == message_id, OutboxMessage.attempts == attempts,
                OutboxMessage.status.in_(DUE_STATUSES),
            ).values(attempts=attempts + 1, **values))
            if not changed:
                continue  # another sender got to it
            if values["status"] == MailStatus.dead:
                report.dead += 1
                record(session, "mail_dead", entity="mail_outbox", entity_id=message_id,
                       changes={"kind": kind, "to": recipient, "attempts": attempts + 1, "error": error})
            else:
                report.retrying += 1


def _failure(settings: Settings, attempts: int, error: str, now: datetime, *, permanent: bool) -> dict[str, Any]:
    dead = permanent or attempts >= settings.mail_max_attempts
    return {"status": MailStatus.dead if dead else MailStatus.retrying, "last_error": error,
            "next_attempt_at": now if dead else now + backoff(settings, attempts), "claim_token": None}


def _claim(runtime: Runtime, message_id: int, now: datetime, report: SendReport | None = None) -> _Claim | None:
    """Step 1: take the message (compare-and-set) and build what to send, in one short transaction.

    A message that cannot even be built (a header no SMTP server could take) is dead at once.
    """
    token = secrets.token_hex(16)
    with runtime.transaction(SENDER) as session:
        changed = changed_rows(session, update(OutboxMessage).where(
            OutboxMessage.id == message_id, OutboxMessage.status.in_(DUE_STATUSES),
            OutboxMessage.next_attempt_at <= now,
        ).values(status=MailStatus.sending, claim_token=token, claimed_at=now, attempts=OutboxMessage.attempts + 1))
        if changed != 1:
            return None
        message = session.get_one(OutboxMessage, message_id)
        try:
            content = mime_message(
                subject=message.subject, recipient=message.recipient, language=message.language,
                text=message.body_text, html=message.body_html, message_id=message.message_id,
                settings=runtime.settings, date=now,
            ).as_bytes()
        except (ValueError, TypeError, MessageError) as exc:
            error = smtp.describe(exc)
            message.status, message.last_error, message.claim_token = MailStatus.dead, error, None
            record(session, "mail_dead", entity="mail_outbox", entity_id=message_id,
                   changes={"kind": message.kind, "to": message.recipient, "error": error})
            if report is not None:
                report.dead += 1
            return None
        return _Claim(message_id, token, message.attempts, message.kind, message.recipient, content)


def _settle(runtime: Runtime, claim: _Claim, outcome: smtp.Outcome, now: datetime, report: SendReport) -> None:
    settings = runtime.settings
    if outcome.state == "sent":
        values: dict[str, Any] = {"status": MailStatus.sent, "sent_at": now, "last_error": None, "claim_token": None}
    elif outcome.state == "unknown":
        values = {"status": MailStatus.check, "last_error": outcome.error}  # the claim stays: see above
    else:
        values = _failure(settings, claim.attempts, outcome.error or "", now, permanent=outcome.permanent)
    with runtime.transaction(SENDER) as session:
        changed = changed_rows(session, update(OutboxMessage).where(
            OutboxMessage.id == claim.id, OutboxMessage.claim_token == claim.token,
        ).values(**values))
        if not changed:
            log.warning("mail %s was changed while it was being sent; its outcome (%s) is not recorded",
                        claim.id, outcome.state)
            return
        status = values["status"]
        counter = {MailStatus.sent: "sent", MailStatus.check: "check", MailStatus.dead: "dead",
                   MailStatus.retrying: "retrying"}[status]
        setattr(report, counter, getattr(report, counter) + 1)
        if status != MailStatus.retrying:
            changes = {"kind": claim.kind, "to": claim.recipient, "attempts": claim.attempts}
            if outcome.error:
                changes["error"] = outcome.error
            record(session, f"mail_{status.value}", entity="mail_outbox", entity_id=claim.id, changes=changes)


# --- owners: the outbox -------------------------------------------------------------------------

def get_message(session: Session, message_id: int, *, by: Principal) -> OutboxMessage:
    require(by, OPERATE)
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(_("E-mail %(id)s is not in the outbox.", id=message_id))
    return message


def outbox_page(session: Session, *, statuses: Sequence[MailStatus] = (), page: int = 1, per_page: int = 50,
                by: Principal) -> Page[OutboxMessage]:
    """The outbox, newest first; ``statuses`` keeps only those (all when empty)."""
    require(by, OPERATE)
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if statuses:
        query = query.where(OutboxMessage.status.in_(statuses))
    return paginate(session, query, page=page, per_page=per_page)


def status_counts(session: Session, *, by: Principal) -> dict[MailStatus, int]:
    require(by, OPERATE)
    counts = dict.fromkeys(MailStatus, 0)
    for status, count in session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ):
        counts[MailStatus(status)] = count
    return counts


def send_again(session: Session, message_id: int, *, by: Principal) -> OutboxMessage:
    """Queue a dead, check or retrying message for the next run, with a fresh set of tries.

    For a ``check`` message this may deliver it twice; the owner decides that, knowing it.
    """
    message = get_message(session, message_id, by=by)
    if message.status not in (MailStatus.dead, MailStatus.check, MailStatus.retrying):
        raise Conflict(_("Only e-mails that failed or need checking can be sent again."), field="status")
    previous = message.status
    message.status = MailStatus.queued
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.claim_token = None
    session.flush()
    record(session, "mail_send_again", entity="mail_outbox", entity_id=message.id,
           changes={"kind": message.kind, "to": message.recipient, "was": previous.value})
    return message


def mark_sent(session: Session, message_id: int, *, by: Principal) -> OutboxMessage:
    """An owner confirmed that a ``check`` message did arrive."""
    message = get_message(session, message_id, by=by)
    if message.status != MailStatus.check:
        raise Conflict(_("Only e-mails that need checking can be marked as sent."), field="status")
    message.status = MailStatus.sent
    message.sent_at = message.claimed_at
    message.claim_token = None
    session.flush()
    record(session, "mail_marked_sent", entity="mail_outbox", entity_id=message.id,
           changes={"kind": message.kind, "to": message.recipient})
    return message

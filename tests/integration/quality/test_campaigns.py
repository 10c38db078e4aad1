"""Survey campaigns on both databases: choosing the audience, the private links (only their hashes
stored), the mail-merge export, sending through a real SMTP server and answering through the
link in the e-mail, reminders (one e-mail a day per address, never after an unsubscribe or an
answer), the reminder job, and closing."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.db.types import utcnow
from servicescape.errors import Conflict, PermissionDenied, ValidationFailed
from servicescape.platform.jobs.runner import RunStatus, run_job
from servicescape.platform.mail import service as mail
from servicescape.platform.mail.models import OutboxMessage
from servicescape.promises.capability import RECOVERY
from servicescape.quality import answers, campaigns, jobs, surveys
from servicescape.quality.models import (
    Campaign,
    CampaignStatus,
    Invitation,
    SurveyKind,
    SurveyOptOut,
    SurveyResponse,
)
from servicescape.runtime import Runtime
from servicescape.tasks.models import Task, TaskStatus
from tests.conftest import make_staff
from tests.integration.mail.conftest import link_in, parts, use_smtp
from tests.support.smtp import SmtpServer

PERIOD = (date(2026, 3, 1), date(2026, 3, 31))
FIRM = ZoneInfo("Asia/Kuala_Lumpur")  # the settings fixture's zone


@dataclass(frozen=True)
class Book:
    """The clients of these tests (ids)."""

    bunga: int      # key, retail, the owner's; no own address: its contact Aminah (ms); completed in March
    kovacs: int     # growth, retail, another staff member's; its own address (upper case), Hungarian
    petrov: int     # key, logistics, the owner's; a contact's address; German (not one of the six)
    lost: int       # lost: never asked
    silent: int     # no address anywhere: never asked
    gone: int       # its address unsubscribed before
    colleague: int  # the other staff member


def make_book(runtime: Runtime, owner: Staff) -> Book:
    colleague = make_staff(runtime, Role.staff, email="farkas@firm.test", name="Farkas Anna")
    with runtime.transaction() as session:
        def client(**fields: object) -> int:
            return clients.clients.create(session, fields, by=SYSTEM).id

        bunga = client(name="Bunga Raya Sdn. Bhd.", tier="key", segment="Retail", owner_id=owner.id, language="ms")
        clients.contacts.create(session, {"client_id": bunga, "name": "Aminah Yusof", "email": "aminah@bungaraya.test",
                                          "language": "ms"}, by=SYSTEM)
        clients.engagements.create(session, {"client_id": bunga, "description": "Audit 2025", "status": "completed",
                                             "start_date": date(2026, 1, 5), "end_date": date(2026, 3, 10)}, by=SYSTEM)
        kovacs = client(name="Kovács és Társa Kft.", tier="growth", segment="Retail", owner_id=colleague.id,
                        language="hu", email="Info@Kovacs.test")
        clients.engagements.create(session, {"client_id": kovacs, "description": "Tax", "status": "completed",
                                             "end_date": date(2026, 5, 2)}, by=SYSTEM)
        clients.engagements.create(session, {"client_id": kovacs, "description": "Payroll", "status": "active",
                                             "end_date": date(2026, 3, 15)}, by=SYSTEM)
        petrov = client(name="Petrov EOOD", tier="key", segment="Logistics", owner_id=owner.id, language="de")
        clients.contacts.create(session, {"client_id": petrov, "name": "Ivan Petrov"}, by=SYSTEM)  # no address
        clients.contacts.create(session, {"client_id": petrov, "name": "Maria Petrova",
                                          "email": "maria@petrov.test"}, by=SYSTEM)
        lost = client(name="Former Client Ltd", tier="key", status="lost", email="former@client.test",
                      owner_id=owner.id)
        silent = client(name="Quiet Holdings", tier="key", owner_id=owner.id)
        gone = client(name="Unsubscribed Ltd", tier="key", email="no.more@surveys.test", owner_id=owner.id)
        session.add(SurveyOptOut(email="no.more@surveys.test", at=utcnow()))
    return Book(bunga, kovacs, petrov, lost, silent, gone, colleague.id)


def active_survey(runtime: Runtime, by: Staff, kind: SurveyKind = SurveyKind.nps) -> int:
    with runtime.transaction() as session:
        survey = surveys.create(session, name=f"{kind.value} 2026", kind=kind, by=by)
        surveys.activate(session, survey, by=by)
        return survey.id


def new_campaign(runtime: Runtime, survey_id: int, by: Staff, audience: campaigns.Audience | None = None,
                 now: datetime | None = None, **options: int) -> int:
    with runtime.transaction() as session:
        survey = surveys.get(session, survey_id, by=by)
        return campaigns.create(session, runtime.settings, survey, "Spring 2026", audience or campaigns.Audience(),
                                by=by, now=now, **options).id


def send(runtime: Runtime, campaign_id: int, by: Staff | None = None,
         now: datetime | None = None) -> campaigns.Mailing:
    with runtime.transaction() as session:
        return campaigns.open_and_send(session, runtime.settings, session.get_one(Campaign, campaign_id),
                                       by=by or SYSTEM, now=now)


def remind(runtime: Runtime, now: datetime) -> campaigns.Mailing:
    with runtime.transaction() as session:
        return campaigns.remind(session, runtime.settings, now=now, by=SYSTEM)


def links(runtime: Runtime, campaign_id: int) -> list[dict[str, str]]:
    """The mail-merge export as rows."""
    with runtime.transaction() as session:
        text = "".join(campaigns.links_csv(session, runtime.settings, session.get_one(Campaign, campaign_id),
                                           by=SYSTEM))
    return list(csv.DictReader(io.StringIO(text)))


def token_of(link: str) -> str:
    return link.rsplit("/s/", 1)[1]


def outbox(runtime: Runtime) -> list[OutboxMessage]:
    with runtime.transaction() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.fixture
def smtp(runtime: Runtime) -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        use_smtp(runtime, server)
        yield server


# ---- the audience -------------------------------------------------------------------------------

def _preview(runtime: Runtime, by: Staff, **criteria: object) -> dict[int, campaigns.Recipient]:
    with runtime.transaction() as session:
        found = campaigns.preview(session, runtime.settings, campaigns.Audience(**criteria), by=by)  # type: ignore[arg-type]
    assert found.count == len(found.sample)
    return {recipient.client_id: recipient for recipient in found.sample}


def test_the_audience_by_tier_segment_owner_and_completed_engagement(runtime: Runtime, owner: Staff) -> None:
    book = make_book(runtime, owner)
    everyone = _preview(runtime, owner)
    assert set(everyone) == {book.bunga, book.kovacs, book.petrov}      # not lost, silent or unsubscribed
    aminah, kovacs, petrov = everyone[book.bunga], everyone[book.kovacs], everyone[book.petrov]
    assert (aminah.email, aminah.greeting_name, aminah.language) == ("aminah@bungaraya.test", "Aminah Yusof", "ms")
    assert (kovacs.email, kovacs.greeting_name, kovacs.language) == ("info@kovacs.test", "Kovács és Társa Kft.", "hu")
    assert (petrov.email, petrov.greeting_name, petrov.language) == ("maria@petrov.test", "Maria Petrova", "en")
    assert set(_preview(runtime, owner, tiers=("key",))) == {book.bunga, book.petrov}
    assert set(_preview(runtime, owner, segments=("Retail",))) == {book.bunga, book.kovacs}
    assert set(_preview(runtime, owner, owner_id=book.colleague)) == {book.kovacs}
    assert set(_preview(runtime, owner, tiers=("key", "growth"), segments=("Retail",),
                        owner_id=owner.id)) == {book.bunga}
    march = _preview(runtime, owner, completed_from=PERIOD[0], completed_to=PERIOD[1])
    assert set(march) == {book.bunga}       # Kovács: completed in May; its March one is still active
    assert march[book.bunga].engagement_id is not None
    assert set(_preview(runtime, owner, completed_from=date(2026, 4, 1))) == {book.kovacs}
    with runtime.transaction() as session:
        with pytest.raises(ValidationFailed) as bad:
            campaigns.preview(session, runtime.settings, campaigns.Audience(tiers=("gold",)), by=owner)
        assert bad.value.field == "tiers"
        with pytest.raises(ValidationFailed) as backwards:
            campaigns.preview(session, runtime.settings, campaigns.Audience(completed_from=PERIOD[1],
                                                                            completed_to=PERIOD[0]), by=owner)
        assert backwards.value.field == "completed_to"


def _recovery(session: Any, client_id: int, closed_local: datetime | None, status: TaskStatus = TaskStatus.done,
              kind: str = RECOVERY) -> None:
    """A task for the client closed at ``closed_local`` on the firm's clock (Kuala Lumpur, UTC+8)."""
    closed = closed_local.replace(tzinfo=FIRM).astimezone(UTC) if closed_local else None
    session.add(Task(kind=kind, title="Put it right", client_id=client_id, status=status, closed_at=closed,
                     outcome="done" if closed else None))


def test_the_audience_by_a_service_recovery_closed_in_a_period(runtime: Runtime, owner: Staff) -> None:
    book = make_book(runtime, owner)
    with runtime.transaction() as session:
        start = clients.clients.create(session, {"name": "First Day Bhd.", "email": "first@day.test"}, by=SYSTEM).id
        other = clients.clients.create(session, {"name": "Other Task Ltd", "email": "other@task.test"}, by=SYSTEM).id
        _recovery(session, book.bunga, datetime(2026, 3, 31, 23, 30))      # the period's last evening
        _recovery(session, start, datetime(2026, 3, 1, 0, 10))             # its first minutes (Feb 28 in UTC)
        _recovery(session, start, datetime(2026, 2, 28, 23, 50))           # and the day before: no matter
        _recovery(session, book.kovacs, datetime(2026, 4, 1, 0, 30))       # the day after (still March 31 in UTC)
        _recovery(session, book.petrov, datetime(2026, 3, 12, 10), TaskStatus.cancelled)
        _recovery(session, book.petrov, None, TaskStatus.open)              # still open
        _recovery(session, other, datetime(2026, 3, 12, 10), kind="follow_up")
        _recovery(session, book.gone, datetime(2026, 3, 12, 10))           # unsubscribed: never asked
        _recovery(session, book.lost, datetime(2026, 3, 12, 10))           # lost: never asked
    march = _preview(runtime, owner, recovered_from=PERIOD[0], recovered_to=PERIOD[1])
    assert set(march) == {book.bunga, start}
    assert all(r.engagement_id is None for r in march.values())
    assert set(_preview(runtime, owner, recovered_from=date(2026, 4, 1))) == {book.kovacs}
    assert set(_preview(runtime, owner, recovered_to=date(2026, 2, 28))) == {start}
    assert set(_preview(runtime, owner, recovered_from=PERIOD[0], recovered_to=PERIOD[1],
                        completed_from=PERIOD[0], completed_to=PERIOD[1])) == {book.bunga}
    assert set(_preview(runtime, owner, recovered_from=PERIOD[0], tiers=("key",))) == {book.bunga}

    audience = campaigns.Audience(recovered_from=PERIOD[0], recovered_to=PERIOD[1])
    assert campaigns.Audience.from_dict(audience.as_dict()) == audience
    assert audience.as_dict()["recovered_from"] == "2026-03-01"
    campaign_id = new_campaign(runtime, active_survey(runtime, owner, SurveyKind.csat), owner, audience)
    with runtime.transaction() as session:
        invited = session.execute(select(Invitation.client_id, Invitation.engagement_id).where(
            Invitation.campaign_id == campaign_id)).all()
        stored = session.get_one(Campaign, campaign_id).audience
        found = campaigns.preview(session, runtime.settings, audience, by=owner)
    assert found.count == len(invited) == 2
    assert sorted(invited) == sorted((client_id, None) for client_id in (book.bunga, start))
    assert stored["recovered_from"] == "2026-03-01" and stored["recovered_to"] == "2026-03-31"

    with runtime.transaction() as session:
        with pytest.raises(ValidationFailed) as backwards:
            campaigns.preview(session, runtime.settings, campaigns.Audience(recovered_from=PERIOD[1],
                                                                            recovered_to=PERIOD[0]), by=owner)
        assert backwards.value.field == "recovered_to"
        with pytest.raises(ValidationFailed) as edge:
            campaigns.preview(session, runtime.settings, campaigns.Audience(recovered_to=date.max), by=owner)
        assert edge.value.field == "recovered_to"
        with pytest.raises(ValidationFailed) as bad:
            campaigns.Audience.from_dict({"recovered_from": "March"})
        assert bad.value.field == "recovered_from"


def test_a_campaign_has_one_private_link_each_and_stores_only_its_hash(runtime: Runtime, owner: Staff) -> None:
    book = make_book(runtime, owner)
    survey_id = active_survey(runtime, owner)
    campaign_id = new_campaign(runtime, survey_id, owner, campaigns.Audience(completed_from=PERIOD[0],
                                                                             completed_to=PERIOD[1]))
    everyone = new_campaign(runtime, survey_id, owner, expires_in_days=14)
    with runtime.transaction() as session:
        [march] = session.scalars(select(Invitation).where(Invitation.campaign_id == campaign_id)).all()
        assert march.client_id == book.bunga and march.engagement_id is not None
        assert session.get_one(Campaign, everyone).status == CampaignStatus.draft
        stored = {row.client_id: row for row in session.scalars(select(Invitation).where(
            Invitation.campaign_id == everyone))}
        session.expunge_all()
    rows = links(runtime, everyone)
    assert [row["client_external_id"] == "" for row in rows] == [True] * 3
    assert {row["client_name"] for row in rows} == {"Bunga Raya Sdn. Bhd.", "Kovács és Társa Kft.", "Petrov EOOD"}
    assert list(rows[0]) == list(campaigns.CSV_COLUMNS)
    tokens = set()
    for row in rows:
        invitation = next(i for i in stored.values() if i.email == row["email"])
        token = token_of(row["link"])
        assert row["link"] == f"{runtime.settings.public_url}/s/{token}"
        assert len(base64.urlsafe_b64decode(token + "=")) * 8 >= 128          # 256 bits in fact
        assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert re.fullmatch(r"[0-9a-f]{32}", invitation.nonce)
        columns = " ".join(str(getattr(invitation, c.key)) for c in Invitation.__table__.columns)
        assert token not in columns                                          # never stored
        assert (row["greeting_name"], row["language"]) == (invitation.greeting_name, invitation.language)
        assert datetime.fromisoformat(row["expires_at"]) == invitation.expires_at
        tokens.add(token)
    assert len(tokens) == 3
    assert {i.expires_at - i.created_at for i in stored.values()} == {timedelta(days=14)}


def test_only_an_active_survey_and_staff_who_may_write_make_campaigns(runtime: Runtime, owner: Staff) -> None:
    make_book(runtime, owner)
    viewer = make_staff(runtime, Role.viewer)
    with runtime.transaction() as session:
        draft = surveys.create(session, name="Draft", kind=SurveyKind.csat, by=owner)
        with pytest.raises(Conflict):
            campaigns.create(session, runtime.settings, draft, "Too early", campaigns.Audience(), by=owner)
        surveys.activate(session, draft, by=owner)
        with pytest.raises(PermissionDenied):
            campaigns.create(session, runtime.settings, draft, "Not mine", campaigns.Audience(), by=viewer)
        with pytest.raises(ValidationFailed) as nobody:
            campaigns.create(session, runtime.settings, draft, "Nobody", campaigns.Audience(segments=("Mining",)),
                             by=owner)
        assert nobody.value.field == "audience"
        with pytest.raises(ValidationFailed) as days:
            campaigns.create(session, runtime.settings, draft, "Forever", campaigns.Audience(), expires_in_days=0,
                             by=owner)
        assert days.value.field == "expires_in_days"
        assert session.scalar(select(Campaign.id)) is None and session.scalar(select(Invitation.id)) is None


def test_links_csv_guards_cells_a_spreadsheet_would_run(runtime: Runtime, owner: Staff) -> None:
    with runtime.transaction() as session:
        clients.clients.create(session, {"name": "=HYPERLINK(\"http://evil.test\")", "external_id": "C-1",
                                         "email": "formula@client.test"}, by=SYSTEM)
    campaign_id = new_campaign(runtime, active_survey(runtime, owner), owner)
    [row] = links(runtime, campaign_id)
    assert row["client_name"] == "'=HYPERLINK(\"http://evil.test\")" and row["client_external_id"] == "C-1"


# ---- sending and answering ----------------------------------------------------------------------

def test_the_invitation_travels_over_smtp_and_its_link_is_answered(runtime: Runtime, owner: Staff, smtp: SmtpServer,
                                                                   app) -> None:  # type: ignore[no-untyped-def]
    book = make_book(runtime, owner)
    campaign_id = new_campaign(runtime, active_survey(runtime, owner), owner)
    sent = send(runtime, campaign_id, by=owner)
    assert (sent.invited, sent.waiting, sent.bad_address) == (3, 0, 0)
    queued = outbox(runtime)
    assert sorted((m.recipient, m.kind, m.language) for m in queued) == [
        ("aminah@bungaraya.test", "survey_invitation", "ms"), ("info@kovacs.test", "survey_invitation", "hu"),
        ("maria@petrov.test", "survey_invitation", "en")]
    assert smtp.received == []                      # only queued so far

    assert mail.send_pending(runtime).sent == 3
    received = {got.rcpt_tos[0]: got.message for got in smtp.received}
    message = received["maria@petrov.test"]
    assert message["Subject"] == "Nagy & Tan would like to hear from you"
    text, html = parts(message)
    assert "Dear Maria Petrova," in text and "Petrov EOOD" not in text
    path = link_in(text, "/s/")
    assert link_in(html, "/s/") == path
    assert f"{path}/unsubscribe" in text
    assert received["aminah@bungaraya.test"]["Content-Language"] == "ms"

    with TestClient(app, base_url="http://127.0.0.1") as respondent:
        page = respondent.get(path)
        assert page.status_code == 200 and "Maria Petrova" in page.text and "Petrov EOOD" not in page.text
        done = respondent.post(path, data={"action": "submit", "lang": "en", "nps": "9", "nps_why": "Quick replies"})
        assert done.status_code == 200 and "Thank you!" in done.text
        assert respondent.post(path, data={"action": "submit", "lang": "en", "nps": "3"}).status_code == 409
    with runtime.transaction() as session:
        [response] = session.scalars(select(SurveyResponse)).all()
        assert (response.client_id, response.nps, response.comment, response.campaign_id) == (
            book.petrov, 9, "Quick replies", campaign_id)
        assert response.submitted_at is not None
        progress = campaigns.status(session, session.get_one(Campaign, campaign_id), by=owner)
    assert (progress.invited, progress.with_address, progress.mailed, progress.opened, progress.answered,
            progress.started, progress.reminded, progress.opted_out) == (3, 3, 3, 1, 1, 0, 0, 0)
    assert progress.response_rate == pytest.approx(1 / 3)


def test_reminders_after_n_days_never_twice_a_day_never_after_an_unsubscribe_or_an_answer(
        runtime: Runtime, owner: Staff) -> None:
    book = make_book(runtime, owner)
    start = utcnow()
    campaign_id = new_campaign(runtime, active_survey(runtime, owner), owner, now=start, remind_after_days=3,
                               max_reminders=2)
    assert send(runtime, campaign_id, now=start).invited == 3
    by_client = {row["client_name"]: token_of(row["link"]) for row in links(runtime, campaign_id)}
    with runtime.transaction() as session:       # Aminah answers, Kovács unsubscribes
        answers.answer_by_link(session, runtime.settings, by_client["Bunga Raya Sdn. Bhd."], {"nps": "10"},
                               submit=True, now=start + timedelta(hours=5))
        campaigns.opt_out(session, by_client["Kovács és Társa Kft."])
        assert session.get(SurveyOptOut, "info@kovacs.test") is not None

    assert remind(runtime, start + timedelta(days=2)).reminded == 0              # not yet due
    first = remind(runtime, start + timedelta(days=3, minutes=1))
    assert (first.reminded, first.invited) == (1, 0)
    assert remind(runtime, start + timedelta(days=3, minutes=2)).reminded == 0   # the job again: nothing
    assert remind(runtime, start + timedelta(days=5)).reminded == 0              # 3 days after the reminder: not before
    assert remind(runtime, start + timedelta(days=6, minutes=5)).reminded == 1   # the second reminder
    assert remind(runtime, start + timedelta(days=9, minutes=10)).reminded == 0  # at most two
    reminders = [m for m in outbox(runtime) if m.kind == "survey_reminder"]
    assert [(m.recipient, m.language) for m in reminders] == [("maria@petrov.test", "en")] * 2
    assert reminders[0].subject == f"A reminder: {runtime.settings.firm_name} would like to hear from you"
    with runtime.transaction() as session:
        petrov = session.scalar(select(Invitation).where(Invitation.client_id == book.petrov))
        assert petrov is not None and petrov.reminders == 2
        progress = campaigns.status(session, session.get_one(Campaign, campaign_id), by=owner)
    assert (progress.reminded, progress.answered, progress.opted_out) == (1, 1, 1)


def test_one_survey_email_a_day_per_address_across_campaigns(runtime: Runtime, owner: Staff) -> None:
    with runtime.transaction() as session:     # two clients share one address
        for name in ("Tan Holdings", "Tan Logistics"):
            clients.clients.create(session, {"name": name, "email": "office@tan.test", "tier": "key"}, by=SYSTEM)
        clients.clients.create(session, {"name": "Lim Trading", "email": "lim@trading.test", "tier": "key"},
                               by=SYSTEM)
    survey_id = active_survey(runtime, owner)
    start = utcnow()
    first = new_campaign(runtime, survey_id, owner, now=start)
    sent = send(runtime, first, now=start)
    assert (sent.invited, sent.waiting) == (2, 1)          # office@tan.test once
    second = new_campaign(runtime, active_survey(runtime, owner, SurveyKind.csat), owner,
                          now=start + timedelta(hours=2))
    later = send(runtime, second, now=start + timedelta(hours=2))
    assert (later.invited, later.waiting) == (0, 3)        # everyone had one today
    assert remind(runtime, start + timedelta(hours=20)).invited == 0
    next_day = remind(runtime, start + timedelta(hours=24, minutes=1))
    assert next_day.invited == 2                           # the second campaign's, one for office@tan.test
    assert remind(runtime, start + timedelta(hours=24, minutes=2)).invited == 0
    assert remind(runtime, start + timedelta(hours=48, minutes=3)).invited == 1   # the Tan ones left: one a day
    assert remind(runtime, start + timedelta(hours=72, minutes=4)).invited == 1
    assert remind(runtime, start + timedelta(hours=96, minutes=5)).invited == 0
    mailed = [(m.recipient, m.created_at) for m in outbox(runtime)]
    for address in {recipient for recipient, _at in mailed}:
        times = sorted(at for recipient, at in mailed if recipient == address)
        assert all(b - a >= timedelta(hours=24) for a, b in itertools.pairwise(times)), (address, times)
    assert len(mailed) == 6


@pytest.mark.parametrize("batch", [1000, 2])
def test_the_reminder_job_runs_and_a_second_run_sends_nothing(runtime: Runtime, owner: Staff, batch: int,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "BATCH", batch)     # 2: three reminders in two transactions
    batches: list[int] = []
    real = campaigns.remind

    def counted(*args: Any, **kwargs: Any) -> campaigns.Mailing:
        report = real(*args, **kwargs)
        batches.append(report.queued)
        return report

    monkeypatch.setattr(campaigns, "remind", counted)
    make_book(runtime, owner)
    campaign_id = new_campaign(runtime, active_survey(runtime, owner), owner, remind_after_days=1)
    send(runtime, campaign_id, now=utcnow() - timedelta(days=2))     # mailed two days ago: a reminder is due
    with runtime.transaction() as session:
        session.execute(Campaign.__table__.update().values(expires_at=utcnow() + timedelta(days=5)))
        session.execute(Invitation.__table__.update().values(expires_at=utcnow() + timedelta(days=5)))
    result = run_job(runtime, "quality.reminders")
    assert result.status == RunStatus.succeeded, result.error
    assert result.counts == {"invited": 0, "reminded": 3, "closed": 0, "waiting": 0, "bad_address": 0}
    assert batches == ([3] if batch == 1000 else [2, 1])
    again = run_job(runtime, "quality.reminders")
    assert again.status == RunStatus.succeeded and again.counts["reminded"] == 0
    assert len([m for m in outbox(runtime) if m.kind == "survey_reminder"]) == 3


def test_a_closed_or_expired_campaign_answers_410_and_sends_nothing(runtime: Runtime, owner: Staff,
                                                                     app) -> None:  # type: ignore[no-untyped-def]
    make_book(runtime, owner)
    survey_id = active_survey(runtime, owner)
    start = utcnow()
    closing = new_campaign(runtime, survey_id, owner)
    expiring = new_campaign(runtime, survey_id, owner, now=start - timedelta(days=2), expires_in_days=3)
    send(runtime, closing)
    send(runtime, expiring, now=start - timedelta(days=2))
    closing_link = links(runtime, closing)[0]["link"]
    expiring_link = links(runtime, expiring)[0]["link"]
    with TestClient(app, base_url="http://127.0.0.1") as respondent:
        assert respondent.get(f"/s/{token_of(closing_link)}").status_code == 200
        with runtime.transaction() as session:
            campaign = session.get_one(Campaign, closing)
            with pytest.raises(PermissionDenied):
                campaigns.close(session, campaign, by=make_staff(runtime, Role.staff, email="s@firm.test"))
            campaigns.close(session, campaign, by=owner)
        closed = respondent.get(f"/s/{token_of(closing_link)}")
        assert closed.status_code == 410 and "This survey has closed" in closed.text
        assert respondent.post(f"/s/{token_of(closing_link)}", data={"action": "submit", "nps": "9"}).status_code == 410

        assert respondent.get(f"/s/{token_of(expiring_link)}").status_code == 200
        report = remind(runtime, start + timedelta(days=1, minutes=1))
        assert report.closed == 1 and report.reminded == 0
        assert respondent.get(f"/s/{token_of(expiring_link)}").status_code == 410
    with runtime.transaction() as session:
        assert session.get_one(Campaign, expiring).status == CampaignStatus.closed
        with pytest.raises(Conflict):
            campaigns.open_and_send(session, runtime.settings, session.get_one(Campaign, expiring), by=owner)
        campaigns.delete(session, session.get_one(Campaign, expiring), by=owner)
        assert session.scalar(select(Invitation.id).where(Invitation.campaign_id == expiring)) is None

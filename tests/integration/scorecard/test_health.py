"""Client health on a client whose every part is counted by hand, on both databases: each part's figure
and score, the weighted health and the one 90 days before, the risk level raised by the fall, the
playbook's task for the owner (once), the list (key accounts first), the API, the CLI, the pages and
the client page's section; bad input named."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from servicescape.auth import service as auth
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app as cli
from servicescape.clients.models import Channel, Interaction, Invoice, Tier
from servicescape.clients.service import clients
from servicescape.platform.jobs import runner
from servicescape.promises.models import Complaint, ComplaintStatus, Promise, PromiseStatus
from servicescape.quality.models import Survey, SurveyKind, SurveyResponse
from servicescape.runtime import Runtime
from servicescape.scorecard import health
from servicescape.tasks.models import Task
from servicescape.voice.models import Comment
from tests.conftest import PASSWORD, api_as, sign_in
from tests.contract.shape import assert_error

NOW = datetime.now(UTC).replace(microsecond=0)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@pytest.fixture
def book(runtime: Runtime) -> dict[str, int]:
    """A key account whose parts are, now and 90 days before (by hand):

    - promises (window ended in the last 180 days): 4 kept, 1 missed, 1 cancelled → 4/5 = 80% → 60;
      before: none ended in its 180 days → no data
    - complaints: one received 30 days ago, resolved on time → 1 → 75; before: none → 100
    - survey: NPS 9 (20 days ago) and 6 (200 days ago) → mean 7.5 → 75; before: 6 → 60
    - sentiment: 0.5 (10 days ago) and −0.1 (100 days ago) → 0.2 → 60; before: −0.1 → 45
    - contact: last 21 days ago, key cadence 14 → 1.5 cadences → 75; before: 5 days after a contact → 100
    - rhythm: invoices 560, 420, 280, 200 days ago → gap 120, 200 days since → 1.67 gaps → 88.89;
      before: 110 days since → 100
    - spend: 300 in the last 365 days against 400 before → 75% → 50; before: 400 against 300 → 100
    health = (60·2 + 75·2 + 75·1.5 + 60·1 + 75·1.5 + 88.89·1 + 50·1.5) / 10.5 = 68.47;
    before = (100·2 + 60·1.5 + 45·1 + 100·1.5 + 100·1 + 100·1.5) / 8.5 = 86.47;
    a fall of 18 points raises "low" (≥ 65) to medium risk.
    And a standard client with nothing but an old contact: contact only, 100 days / 90 → 1.11 → 94.44."""
    currency = runtime.settings.reporting_currency
    with runtime.transaction() as session:
        owner = auth.create_staff(session, name="Muhammad Hafiz", email="hafiz@firm.test", role=Role.staff,
                                  password=PASSWORD, by=SYSTEM)
        key = clients.create(session, {"name": "Permata Timur Hospitaliti", "tier": Tier.key, "owner_id": owner.id},
                             by=SYSTEM)
        quiet = clients.create(session, {"name": "Szabó és Társa Kft."}, by=SYSTEM)
        key.created_at = quiet.created_at = ago(1000)
        for days, status in ((10, PromiseStatus.kept), (20, PromiseStatus.kept), (30, PromiseStatus.kept),
                             (40, PromiseStatus.kept), (50, PromiseStatus.missed), (60, PromiseStatus.cancelled)):
            session.add(Promise(client_id=key.id, title=f"Visit {days}", window_start=ago(days + 0.1),
                                window_end=ago(days), status=status,
                                kept_at=ago(days + 0.05) if status == PromiseStatus.kept else None,
                                cancelled_at=ago(70) if status == PromiseStatus.cancelled else None))
        session.add(Complaint(client_id=key.id, received_at=ago(30), text="Late again", response_due_at=ago(29),
                              resolution_due_at=ago(25), first_response_at=ago(29.5), resolved_at=ago(27),
                              status=ComplaintStatus.resolved))
        survey = Survey(name="Relationship survey", kind=SurveyKind.nps)
        session.add(survey)
        session.flush()
        for days, nps in ((20, 9), (200, 6)):
            session.add(SurveyResponse(survey_id=survey.id, client_id=key.id, language="en", started_at=ago(days),
                                       saved_at=ago(days), submitted_at=ago(days), nps=nps))
        for days, sentiment in ((10, 0.5), (100, -0.1)):
            session.add(Comment(source="interaction", source_key=f"note-{days}", client_id=key.id, text="Notes",
                                said_at=ago(days), sentiment_score=sentiment))
        for days in (21, 95):
            session.add(Interaction(client_id=key.id, channel=Channel.meeting, occurred_at=ago(days)))
        session.add(Interaction(client_id=quiet.id, channel=Channel.call, occurred_at=ago(100)))
        for days, amount in ((560, 300), (420, 100), (280, 200), (200, 100)):
            session.add(Invoice(client_id=key.id, issued_on=(NOW - timedelta(days=days)).date(),
                                amount=Decimal(amount), currency=currency))
        return {"key": key.id, "quiet": quiet.id, "owner": owner.id}


def test_every_part_is_the_hand_counted_one(runtime: Runtime, book: dict[str, int]) -> None:
    with runtime.transaction() as session:
        found = health.of_client(session, runtime.settings, book["key"], now=NOW, by=SYSTEM)
    parts = {p.part.key: p for p in found.parts}
    assert (parts["promises"].value, parts["promises"].score, parts["promises"].previous_score) == (80.0, 60.0, None)
    assert (parts["complaints"].value, parts["complaints"].score, parts["complaints"].previous_score) == (1, 75, 100)
    assert (parts["survey"].value, parts["survey"].score, parts["survey"].previous_score) == (7.5, 75.0, 60.0)
    assert parts["sentiment"].value == pytest.approx(0.2) and parts["sentiment"].score == pytest.approx(60)
    assert parts["sentiment"].previous_score == pytest.approx(45)
    assert parts["contact"].value == pytest.approx(1.5) and parts["contact"].score == pytest.approx(75)
    assert parts["contact"].previous_score == 100
    assert parts["rhythm"].value == pytest.approx(200 / 120)
    assert parts["rhythm"].score == pytest.approx(88.889, abs=1e-3)
    assert parts["spend"].value == pytest.approx(75) and parts["spend"].score == pytest.approx(50)
    assert parts["spend"].previous_score == 100
    assert found.score == pytest.approx(718.889 / 10.5, abs=1e-3) and found.coverage == 1.0
    assert found.previous_score == pytest.approx(735 / 8.5, abs=1e-3)
    assert found.trend == "down" and found.risk == "medium"          # 68.5 is low risk, but it fell 18 points


def test_a_client_with_one_part_is_scored_by_it_alone(runtime: Runtime, book: dict[str, int]) -> None:
    with runtime.transaction() as session:
        found = health.of_client(session, runtime.settings, book["quiet"], now=NOW, by=SYSTEM)
    scored = [p for p in found.parts if p.score is not None]
    # complaints count for every client once the firm records any: none is the best score
    assert {p.part.key for p in scored} == {"contact", "complaints"}
    assert found.score == pytest.approx((100 * 2 + (100 * (3 - 100 / 90) / 2) * 1.5) / 3.5, abs=1e-3)
    assert found.coverage == pytest.approx(3.5 / 10.5)


def test_risk_levels() -> None:
    assert health.risk_of(39.9, None) == "high" and health.risk_of(40, 41) == "medium"
    assert health.risk_of(70, 84.9) == "low" and health.risk_of(70, 85) == "medium"
    assert health.risk_of(50, 70) == "high" and health.risk_of(None, 50) == "unknown"
    assert health.trend_of(60, 55) == "flat" and health.trend_of(60, 54.9) == "up" and health.trend_of(None, 1) is None


def test_refresh_keeps_the_list_and_opens_the_playbooks_tasks_once(runtime: Runtime, book: dict[str, int]) -> None:
    with runtime.transaction() as session:
        done = health.refresh(session, runtime.settings, now=NOW, by=SYSTEM)
        assert done["clients"] == 2 and done["risk"]["medium"] == 1 and done["tasks_opened"] == 1
        task = session.scalars(select(Task).where(Task.kind == health.TASK_KIND)).one()
        assert task.client_id == book["key"] and task.owner_id == book["owner"]
        assert task.title == "Check in with Permata Timur Hospitaliti"
        assert health.refresh(session, runtime.settings, now=NOW, by=SYSTEM)["tasks_opened"] == 0   # once a quarter
        found = health.listing(session, by=SYSTEM)
        assert [line.client_id for line in found.items] == [book["key"], book["quiet"]]     # key accounts first
        assert found.risk_counts == {"high": 0, "medium": 1, "low": 1, "unknown": 0} and found.total == 2
        assert health.listing(session, risk="low", by=SYSTEM).total == 1
        by_change = health.listing(session, sort="change", by=SYSTEM)
        assert by_change.items[0].change == pytest.approx(68.466 - 86.471, abs=1e-2)


def test_api_cli_pages_and_the_client_page(app, runtime: Runtime, db_url: str, api: TestClient,  # type: ignore[no-untyped-def]
                                           web: TestClient, owner, book: dict[str, int]) -> None:
    never = api.get("/api/v1/health")
    assert never.status_code == 200 and never.json()["computed_at"] is None and never.json()["items"] == []
    refreshed = api.post("/api/v1/health/refresh")
    assert refreshed.status_code == 200 and refreshed.json()["clients"] == 2
    listed = api.get("/api/v1/health", params={"risk": "medium"}).json()
    assert [i["client_id"] for i in listed["items"]] == [book["key"]] and listed["items"][0]["tier"] == "key"
    one = api.get(f"/api/v1/health/{book['key']}").json()
    assert one["risk"] == "medium" and {p["key"] for p in one["parts"]} == {p.key for p in health.PARTS}
    assert_error(api.get("/api/v1/health", params={"risk": "extreme"}), 422, "validation_failed")
    assert_error(api.get("/api/v1/health/999999"), 404, "not_found")
    staff = api_as(app, runtime, Role.staff)
    assert staff.get("/api/v1/health").status_code == 200                  # staff see their clients' health
    assert_error(staff.post("/api/v1/health/refresh"), 403, "permission_denied")
    assert_error(api_as(app, runtime, Role.viewer).get("/api/v1/health"), 403, "permission_denied")

    cli_runner = CliRunner()
    shown = cli_runner.invoke(cli, ["health", "show", str(book["key"]), "--json", "--db", db_url])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["risk"] == "medium"
    table = cli_runner.invoke(cli, ["health", "list", "--db", db_url])
    assert table.exit_code == 0 and "Permata Timur" in table.stdout and "medium" in table.stdout
    bad = cli_runner.invoke(cli, ["health", "list", "--risk", "extreme", "--db", db_url])
    assert bad.exit_code == 1 and "Risk" in bad.output
    again = cli_runner.invoke(cli, ["health", "refresh", "--json", "--db", db_url])
    assert again.exit_code == 0 and json.loads(again.stdout)["tasks_opened"] == 0

    sign_in(web, owner.email)
    page = web.get("/scorecard/health")
    assert page.status_code == 200 and "Permata Timur Hospitaliti" in page.text and "Medium risk" in page.text
    assert web.get("/scorecard/health", params={"risk": "nonsense"}).status_code == 422
    detail = web.get(f"/scorecard/health/{book['key']}")
    assert detail.status_code == 200 and "Purchase rhythm" in detail.text and "Check in within two weeks" in detail.text
    assert web.get("/scorecard/health/999999").status_code == 404
    client_page = web.get(f"/clients/{book['key']}")
    assert client_page.status_code == 200 and 'id="health"' in client_page.text and "Medium risk" in client_page.text
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    posted = web.post("/scorecard/health/refresh", data={"csrf_token": token}, follow_redirects=False)
    assert posted.status_code == 303


def test_the_job_keeps_the_health(runtime: Runtime, book: dict[str, int]) -> None:
    first = runner.run_job(runtime, "scorecard.health")
    assert first.status.value == "succeeded", first.error
    with runtime.transaction() as session:
        assert health.listing(session, by=SYSTEM).total == 2


def test_the_list_pages_through_every_order_as_sorting_every_row_would(runtime: Runtime) -> None:
    """The list read in the kept health's indexes, page by page, equals sorting every kept row of the
    active clients (key accounts first) by each order, filter and owner; a client lost since the refresh
    is neither listed nor counted, and a tier changed since the refresh counts at once."""
    import random

    from servicescape.clients.models import Client, ClientStatus
    from servicescape.scorecard.models import ClientHealth

    chance = random.Random(20261204)
    with runtime.transaction() as session:
        owners = [auth.create_staff(session, name=f"Owner {n}", email=f"owner{n}@firm.test", role=Role.staff,
                                    password=PASSWORD, by=SYSTEM).id for n in range(2)]
        for n in range(37):
            client = clients.create(session, {"name": f"Klien {n:02d}", "owner_id": chance.choice(owners),
                                              "tier": chance.choice([Tier.key, Tier.growth, Tier.standard])}, by=SYSTEM)
            score = None if n % 9 == 0 else float(chance.choice([20, 35, 50, 50, 70, 90]))
            previous = None if score is None or n % 4 == 0 else float(chance.choice([40, 50, 80]))
            risk = health.risk_of(score, previous)
            change = None if score is None or previous is None else score - previous
            session.add(ClientHealth(client_id=client.id, score=score, previous_score=previous, change=change,
                                     change_order=health.CHANGE_UNKNOWN if change is None else change, coverage=1.0,
                                     risk=risk, risk_rank=health.RISK_ORDER[risk], parts={}, computed_at=NOW))
        session.flush()
        lost, promoted = session.scalars(select(Client).where(Client.tier == Tier.standard).limit(2)).all()
        lost.status, promoted.tier = ClientStatus.lost, Tier.key          # since the refresh
        session.flush()
        kept = session.execute(select(ClientHealth, Client.tier, Client.owner_id).join(Client)
                               .where(Client.status == ClientStatus.active)).all()

        def expected(sort: str, risk: str | None, owner: int | None) -> list[int]:
            rows = [(h, tier) for h, tier, owner_id in kept
                    if (risk is None or h.risk == risk) and (owner is None or owner_id == owner)]
            if sort == "change":
                rows.sort(key=lambda r: (r[1] != Tier.key, r[0].change is None, r[0].change or 0, r[0].risk_rank,
                                         r[0].client_id))
            else:
                rows.sort(key=lambda r: (r[1] != Tier.key, r[0].risk_rank, r[0].score or 0, r[0].client_id))
            return [h.client_id for h, _tier in rows]

        for sort in health.SORTS:
            for risk in (None, "high", "low", "unknown"):
                for owner in (None, owners[0]):
                    listed, page = [], 1
                    while True:
                        found = health.listing(session, sort=sort, risk=risk, owner_id=owner, page=page, per_page=4,
                                               by=SYSTEM)
                        listed += [line.client_id for line in found.items]
                        if page >= found.pages:
                            break
                        page += 1
                    assert listed == expected(sort, risk, owner), (sort, risk, owner)
                    assert found.total == len(listed)
        assert sum(health.listing(session, by=SYSTEM).risk_counts.values()) == 36       # not the lost client
        assert promoted.id in expected("health", None, None)[:sum(tier == Tier.key for _h, tier, _o in kept)]

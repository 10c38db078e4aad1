"""The demo firm's surveys on both databases: eight quarterly SERVQUAL waves whose answers are
complete and in range, reliability the weak dimension (and getting better), NPS after engagements,
CSAT after recoveries, comments in the clients' languages, the follow-up tasks of the last 30 days,
and the same rows again for the same seed."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from statistics import fmean

import pytest
from sqlalchemy import Connection, delete, func, select

from servicescape.auth.permissions import SYSTEM
from servicescape.clients.models import Engagement
from servicescape.config import LANGUAGES
from servicescape.db.models import Base
from servicescape.demo import firm
from servicescape.demo.digest import Digest
from servicescape.demo.generator import DemoSpec
from servicescape.demo.load import DemoLoad, load_demo
from servicescape.demo.steps import DemoRun
from servicescape.errors import Gone
from servicescape.promises.demo import demo_now
from servicescape.quality import answers, followups, results, surveys
from servicescape.quality.campaigns import Audience
from servicescape.quality.demo import FOLLOW_UP_DAYS, load_surveys
from servicescape.quality.demo_texts import COMMENTS, SURVEY_NAMES
from servicescape.quality.instrument import DIMENSIONS
from servicescape.quality.models import (
    Campaign,
    CampaignStatus,
    Invitation,
    ItemKind,
    ResponseSource,
    Survey,
    SurveyAnswer,
    SurveyItem,
    SurveyKind,
    SurveyResponse,
    SurveyStatus,
)
from servicescape.runtime import Runtime
from servicescape.tasks.models import Task, TaskStatus

TODAY = date(2026, 11, 20)
SPEC = DemoSpec(clients=300, seed=firm.DEMO_SEED, today=TODAY)
TABLES = ("survey", "survey_item", "survey_campaign", "survey_invitation", "survey_response", "survey_answer")
QUALITY_RULES = ("quality.detractor", "quality.promoter")


@pytest.fixture
def loaded(runtime: Runtime) -> DemoLoad:
    return load_demo(runtime, SPEC, batch_clients=128)


def _now(runtime: Runtime) -> datetime:
    return demo_now(SPEC, runtime.settings)


def _survey(runtime: Runtime, kind: SurveyKind) -> Survey:
    with runtime.transaction() as session:
        found = session.scalars(select(Survey).where(Survey.kind == kind)).all()
        assert len(found) == 1
        return found[0]


def test_eight_quarterly_servqual_waves_with_complete_answers(runtime: Runtime, loaded: DemoLoad) -> None:
    now, settings = _now(runtime), runtime.settings
    servqual = _survey(runtime, SurveyKind.servqual)
    names = SURVEY_NAMES[settings.default_language]
    with runtime.transaction() as session:
        kinds = {s.kind: (s.name, s.status) for s in session.scalars(select(Survey))}
        custom = surveys.get(session, session.scalars(select(Survey.id).where(Survey.kind == SurveyKind.custom)).one(),
                             by=SYSTEM)
        own = [(item.kind, item.texts, item.choices) for item in custom.items]
        missing = surveys.missing_texts(custom)
        waves = session.scalars(select(Campaign).where(Campaign.survey_id == servqual.id).order_by(Campaign.opened_at)
                                ).all()
        per_wave = {c: (n, answered, opened) for c, n, answered, opened in session.execute(
            select(Invitation.campaign_id, func.count(), func.count(Invitation.answered_at),
                   func.count(Invitation.opened_at)).group_by(Invitation.campaign_id))}
    assert kinds == {SurveyKind.servqual: (names["servqual"], SurveyStatus.active),
                     SurveyKind.nps: (names["nps"], SurveyStatus.active),
                     SurveyKind.csat: (names["csat"], SurveyStatus.active),
                     SurveyKind.custom: (names["custom"], SurveyStatus.draft)}
    # the firm's own questions, written in all six languages: the draft could be activated as it is
    assert [kind for kind, _texts, _choices in own] == [ItemKind.scale, ItemKind.single, ItemKind.text]
    assert missing == [] and all(set(texts or {}) == set(LANGUAGES) for _kind, texts, _choices in own)
    assert len(own[1][2] or []) == 3

    assert len(waves) == 8
    assert [w.status for w in waves] == [CampaignStatus.closed] * 7 + [CampaignStatus.open]
    quarters = [((w.opened_at.year * 12 + w.opened_at.month - 1) // 3) for w in waves]  # type: ignore[union-attr]
    assert quarters == list(range(quarters[0], quarters[0] + 8))
    assert waves[-1].opened_at < now < waves[-1].expires_at  # type: ignore[operator]
    assert all(w.closed_at == w.expires_at < now for w in waves[:-1])
    for wave in waves:
        invited, answered, opened = per_wave[wave.id]
        assert invited >= 60 and answered < opened
        if wave.status == CampaignStatus.closed:
            assert 0.3 <= answered / invited <= 0.65, (wave.name, answered, invited)

    with runtime.transaction() as session:
        responses = session.execute(
            select(SurveyResponse, Invitation, Campaign)
            .join(Invitation, Invitation.id == SurveyResponse.invitation_id)
            .join(Campaign, Campaign.id == SurveyResponse.campaign_id)
            .where(SurveyResponse.survey_id == servqual.id)).all()
        pairs = dict(session.execute(
            select(SurveyAnswer.response_id, func.count()).join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
            .where(SurveyItem.kind == ItemKind.servqual, SurveyAnswer.expected.between(1, 7),
                   SurveyAnswer.perceived.between(1, 7)).group_by(SurveyAnswer.response_id)).all())
        points = {r: (n, total) for r, n, total in session.execute(
            select(SurveyAnswer.response_id, func.count(), func.sum(SurveyAnswer.number))
            .join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
            .where(SurveyItem.kind == ItemKind.importance).group_by(SurveyAnswer.response_id))}
        scores = dict(session.execute(
            select(SurveyAnswer.response_id, SurveyAnswer.number)
            .join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id).where(SurveyItem.kind == ItemKind.nps)).all())
    submitted = [(r, i, c) for r, i, c in responses if r.submitted_at is not None]
    partial = [(r, i, c) for r, i, c in responses if r.submitted_at is None]
    assert len(submitted) > 250 and 0 < len(partial) < len(submitted) / 10
    for response, invitation, campaign in submitted:
        assert response.source == ResponseSource.link and response.client_id == invitation.client_id
        assert response.language == invitation.language and response.language in LANGUAGES
        at, mailed = response.submitted_at, invitation.first_mailed_at
        assert at is not None and mailed is not None and campaign.opened_at is not None
        assert campaign.opened_at <= mailed < response.started_at < at < min(now, campaign.expires_at)
        assert at == invitation.answered_at
        assert pairs[response.id] == 22, response.id            # every statement, both halves, 1–7
        assert points[response.id] == (5, 100), response.id     # the importance split
        assert response.nps is not None and response.nps == scores[response.id] and 0 <= response.nps <= 10
    for response, invitation, _campaign in partial:
        assert invitation.answered_at is None and invitation.opened_at is not None and response.nps is None
        assert 0 < pairs.get(response.id, 0) < 22 and response.id not in points

    # the links work: the open wave's unanswered ones answer, a closed wave's say it has closed
    with runtime.transaction() as session:
        waiting = session.scalars(select(Invitation).where(Invitation.campaign_id == waves[-1].id,
                                                           Invitation.answered_at.is_(None))).first()
        old = session.scalars(select(Invitation).where(Invitation.campaign_id == waves[0].id,
                                                       Invitation.answered_at.is_(None))).first()
        assert waiting is not None and old is not None
        token = answers.token_of(settings, waiting.id, waiting.nonce)
        assert answers.invitation_for(session, token, now=now).id == waiting.id
        with pytest.raises(Gone):
            answers.invitation_for(session, answers.token_of(settings, old.id, old.nonce), now=now)


def _gaps(connection: Connection, survey_id: int) -> list[tuple[int, str, float]]:
    """(campaign, dimension, mean P − E) over the submitted answers."""
    gap = SurveyAnswer.perceived - SurveyAnswer.expected
    return [(c, d, float(g)) for c, d, g in connection.execute(
        select(SurveyResponse.campaign_id, SurveyItem.dimension, func.avg(gap))
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
        .where(SurveyResponse.survey_id == survey_id, SurveyResponse.submitted_at.is_not(None),
               SurveyItem.kind == ItemKind.servqual)
        .group_by(SurveyResponse.campaign_id, SurveyItem.dimension))]


def test_reliability_is_the_weak_dimension_and_getting_better(runtime: Runtime, loaded: DemoLoad) -> None:
    servqual = _survey(runtime, SurveyKind.servqual)
    with runtime.engine.connect() as connection:
        gap = SurveyAnswer.perceived - SurveyAnswer.expected
        overall = {d: float(g) for d, g in connection.execute(
            select(SurveyItem.dimension, func.avg(gap)).join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .where(SurveyResponse.submitted_at.is_not(None), SurveyItem.kind == ItemKind.servqual)
            .group_by(SurveyItem.dimension))}
        per_wave = _gaps(connection, servqual.id)
        waves = list(connection.scalars(select(Campaign.id).where(Campaign.survey_id == servqual.id)
                                        .order_by(Campaign.opened_at)))
        importance = {code: float(p) for code, p in connection.execute(
            select(SurveyItem.code, func.avg(SurveyAnswer.number))
            .join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
            .where(SurveyItem.kind == ItemKind.importance).group_by(SurveyItem.code))}
        perceived = connection.execute(
            select(SurveyResponse.nps, func.avg(SurveyAnswer.perceived))
            .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
            .join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
            .where(SurveyResponse.survey_id == servqual.id, SurveyResponse.submitted_at.is_not(None),
                   SurveyItem.dimension == "reliability", SurveyItem.kind == ItemKind.servqual)
            .group_by(SurveyResponse.id, SurveyResponse.nps)).all()
    assert set(overall) == set(DIMENSIONS)
    assert min(overall, key=lambda d: overall[d]) == "reliability"
    assert -1.6 <= overall["reliability"] <= -1.2
    assert -0.9 <= overall["responsiveness"] <= -0.5
    assert -0.15 <= overall["tangibles"] <= 0.25
    assert all(-0.55 <= overall[d] <= -0.15 for d in ("assurance", "empathy"))
    assert overall["reliability"] < overall["responsiveness"] - 0.4 < overall["assurance"] - 0.4

    # reliability the weakest in every wave, and better in the last two than in the six before
    reliability = {c: g for c, d, g in per_wave if d == "reliability"}
    for campaign in waves:
        assert reliability[campaign] == min(g for c, _d, g in per_wave if c == campaign)
    before = fmean(reliability[c] for c in waves[:6])
    assert reliability[waves[-2]] > before + 0.1 and reliability[waves[-1]] > before + 0.25

    # reliability matters most to the clients; the NPS follows how reliable they find the firm
    assert max(importance, key=lambda code: importance[code]) == "importance_reliability"
    assert 26 <= importance["importance_reliability"] <= 34
    low = [nps for nps, p in perceived if float(p) < 4.8]
    high = [nps for nps, p in perceived if float(p) >= 5.8]
    assert len(low) > 20 and len(high) > 20 and fmean(high) > fmean(low) + 1.5

    # the product's own analysis says the same: fix reliability first
    with runtime.transaction() as session:
        analysis = results.servqual(session, results.ResultFilter(survey_id=servqual.id), by=SYSTEM)
    assert analysis.fix_first[0] == "reliability"
    assert analysis.dimensions["reliability"].mean == pytest.approx(
        min(e.mean for e in analysis.dimensions.values() if e.mean is not None))


def test_comments_nps_csat_and_the_follow_ups_of_the_last_month(runtime: Runtime, loaded: DemoLoad) -> None:
    now, settings = _now(runtime), runtime.settings
    nps, csat = _survey(runtime, SurveyKind.nps), _survey(runtime, SurveyKind.csat)
    with runtime.transaction() as session:
        submitted = session.scalars(select(SurveyResponse).where(SurveyResponse.submitted_at.is_not(None))).all()
        engagements = {e.id: e for e in session.scalars(select(Engagement))}
        recovered = defaultdict(list)
        for client_id, closed in session.execute(select(Task.client_id, Task.closed_at).where(
                Task.kind == "recovery", Task.closed_at.is_not(None), Task.rule.not_in(QUALITY_RULES))):
            recovered[client_id].append(closed)
        tasks = session.scalars(select(Task).where(Task.rule.in_(QUALITY_RULES))).all()

    # comments: the demo's sentences, in the respondent's language, in at least four languages
    commented = [r for r in submitted if r.comment]
    languages = Counter(r.language for r in commented)
    assert len(languages) >= 4 and 0.2 < len(commented) / len(submitted) < 0.5
    for response in commented:
        texts = COMMENTS[response.language]
        assert response.comment in {*texts.broken, *texts.mixed, *texts.praise, *texts.better, *texts.recovered,
                                    *texts.not_recovered}, response.comment

    # NPS after completed engagements, CSAT after recoveries
    after_engagements = [r for r in submitted if r.survey_id == nps.id]
    assert 120 <= len(after_engagements) <= 260
    for response in after_engagements:
        engagement = engagements[response.engagement_id]  # type: ignore[index]
        assert engagement.client_id == response.client_id and engagement.status.value == "completed"
        assert engagement.end_date is not None and response.submitted_at.date() > engagement.end_date  # type: ignore[union-attr]
        assert response.nps is not None and response.csat is None
    assert {r.nps for r in after_engagements} & {0, 1, 2, 3, 4, 5, 6} and {9, 10} <= {r.nps for r in after_engagements}
    after_recoveries = [r for r in submitted if r.survey_id == csat.id]
    assert len(after_recoveries) >= 15
    for response in after_recoveries:
        assert response.csat is not None and 1 <= response.csat <= 5 and response.nps is None
        assert any(closed < response.submitted_at for closed in recovered[response.client_id])  # type: ignore[operator]

    # the CSAT waves ask the clients whose recovery closed (done) in the wave's quarter, on the firm's clock
    with runtime.transaction() as session:
        audiences = {c.id: Audience.from_dict(c.audience) for c in session.scalars(
            select(Campaign).where(Campaign.survey_id == csat.id))}
        invited = session.execute(select(Invitation.campaign_id, Invitation.client_id).where(
            Invitation.campaign_id.in_(audiences))).all()
        done = defaultdict(list)
        for client_id, closed in session.execute(select(Task.client_id, Task.closed_at).where(
                Task.kind == "recovery", Task.status == TaskStatus.done, Task.closed_at.is_not(None))):
            done[client_id].append(closed.astimezone(settings.zone).date())
    assert len(audiences) == 8 and len(invited) >= len(after_recoveries)
    for audience in audiences.values():
        assert audience.recovered_from is not None and audience.recovered_to is not None
        assert audience.recovered_from.day == 1 and audience.recovered_from.month in (1, 4, 7, 10)
        assert 89 <= (audience.recovered_to - audience.recovered_from).days <= 91 and not audience.by_engagement
    for campaign_id, client_id in invited:
        period = audiences[campaign_id]
        assert any(period.recovered_from <= day <= period.recovered_to  # type: ignore[operator]
                   for day in done[client_id]), (campaign_id, client_id)

    # follow-up tasks only for the answers of the last 30 days: each detractor's and promoter's
    recent = [r for r in submitted if r.submitted_at >= now - timedelta(days=FOLLOW_UP_DAYS)]  # type: ignore[operator]
    expected = {followups.recovery_key(r.id) for r in recent if followups.is_detractor(r)}
    expected |= {followups.ask_key(r.id) for r in recent if followups.is_promoter(r)}
    assert {t.dedupe_key for t in tasks} == expected and len(tasks) == len(expected)
    by_rule = Counter(t.rule for t in tasks)
    assert by_rule["quality.detractor"] >= 3 and by_rule["quality.promoter"] >= 3 and len(tasks) < 100
    for task in tasks:
        assert task.related_type == "survey_response" and task.created_at <= now
        assert (task.closed_at is None) == (task.outcome is None) and (task.closed_at or now) <= now
    with runtime.transaction() as session:
        detractor = session.get(SurveyResponse, next(t.related_id for t in tasks if t.rule == "quality.detractor"))
        assert detractor is not None
        again = followups.after_answer(session, settings, detractor)   # the live rule finds the demo's task
        assert [t.dedupe_key for t in again] == [followups.recovery_key(detractor.id)]
        assert session.scalar(select(func.count()).select_from(Task).where(Task.rule.in_(QUALITY_RULES))) == len(tasks)


def _digest(connection: Connection) -> Digest:
    """The quality tables and the follow-up tasks (less their ids), less the invitations' random nonces
    and hashes."""
    digest = Digest((*TABLES, "task"))
    digest.table_columns["survey_invitation"] = [c for c in digest.table_columns["survey_invitation"]
                                                 if c not in ("nonce", "token_hash")]
    # a task's id comes after the highest one: later demo steps (the plan's renewals, the portal's
    # requests) open tasks too, so the surveys' tasks loaded again get other ids, the same content
    digest.table_columns["task"] = [c for c in digest.table_columns["task"] if c != "id"]
    for name in digest.tables:
        table = Base.metadata.tables[name]
        query = select(*(table.c[c] for c in digest.table_columns[name])).order_by(*table.primary_key.columns)
        if name == "task":
            query = query.where(table.c.rule.in_(QUALITY_RULES))
        digest.add(name, (dict(row) for row in connection.execute(query).mappings()))
    return digest


def test_the_same_seed_gives_the_same_surveys(runtime: Runtime, loaded: DemoLoad) -> None:
    with runtime.engine.connect() as connection:
        first = _digest(connection)
    assert {t: first.counts[t] for t in TABLES} == {t: loaded.counts[t] for t in TABLES}
    with runtime.transaction() as session:
        session.execute(delete(Task).where(Task.rule.in_(QUALITY_RULES)))
        for model in (SurveyAnswer, SurveyResponse, Invitation, Campaign, SurveyItem, Survey):
            session.execute(delete(model))
    run = DemoRun(runtime, SPEC)
    load_surveys(run)
    with runtime.engine.connect() as connection:
        second = _digest(connection)
    assert second.counts == first.counts and second.hexdigest() == first.hexdigest()
    assert {t: run.counts[t] for t in TABLES} == {t: loaded.counts[t] for t in TABLES}

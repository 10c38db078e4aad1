"""The demo firm's knowledge and plan, loaded on both databases: key accounts' profiles (some from
SERVQUAL, some never recorded), the price map's six competitors with what clients reported and the
mentions found in the notes that name them, the plan of the year with its targets and an
environment review in all five areas, empowerment, qualifications whose renewals have their tasks
(the daily jobs then open none again), and articles and talks."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from servicescape.auth.permissions import SYSTEM
from servicescape.demo import firm
from servicescape.demo.generator import DemoSpec
from servicescape.demo.steps import DemoRun
from servicescape.offerings.demo import COMPETITORS as PRICED
from servicescape.plan import knowledge, people, planning
from servicescape.plan.models import (
    AccountProfile,
    Competitor,
    CompetitorMention,
    CompetitorObservation,
    DecisionCriterion,
    Empowerment,
    EnvironmentEntry,
    PrestigeItem,
    Qualification,
)
from servicescape.platform.jobs.runner import run_job
from servicescape.platform.registry import registry, resolve
from servicescape.runtime import Runtime
from servicescape.tasks.models import Task

TODAY = date(2026, 11, 20)


def load_until_knowledge(runtime: Runtime) -> DemoRun:
    """The demo's steps up to and including this one (those after it build on other capabilities)."""
    (ours,) = [s for s in registry().demo_steps() if s.run == "servicescape.plan.knowledge_demo:load_knowledge"]
    run = DemoRun(runtime, DemoSpec(clients=60, seed=firm.DEMO_SEED, today=TODAY), batch_clients=64)
    for step in registry().demo_steps():
        if step.order <= ours.order:
            resolve(step.run)(run)
    return run


def test_the_demo_knows_its_key_accounts_competitors_plan_and_people(runtime: Runtime) -> None:
    loaded = load_until_knowledge(runtime)
    with runtime.transaction() as session:
        def count(model: type) -> int:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

        names = set(session.scalars(select(Competitor.name)))
        assert names == {who for _service, who, *_rest in PRICED}
        assert count(CompetitorObservation) >= 10 and count(CompetitorMention) >= 5
        assert count(CompetitorMention) == loaded.counts["competitor_mention"]
        sources = set(session.scalars(select(CompetitorMention.source).distinct()))
        assert "interaction" in sources
        assert count(AccountProfile) > 0 and count(DecisionCriterion) > 0
        by_source = dict(session.execute(select(DecisionCriterion.source, func.count(func.distinct(
            DecisionCriterion.client_id))).group_by(DecisionCriterion.source)).all())
        assert by_source.get("servqual", 0) > 0 and by_source.get("entered", 0) > 0
        for client_id in session.scalars(select(DecisionCriterion.client_id).distinct()):
            weights = session.scalars(select(DecisionCriterion.weight).where(DecisionCriterion.client_id == client_id))
            assert sum(weights) == 100
        plan = planning.current_plan(session, TODAY, by=SYSTEM)
        assert plan is not None and plan.name == "Plan 2026"
        targets = planning.targets_for(session, TODAY, by=SYSTEM)
        assert len(targets) == 11 and all(t.target.owner_id for t in targets)
        areas = set(session.scalars(select(EnvironmentEntry.area).distinct()))
        assert {a.value for a in areas} == {"internal", "market", "public", "competitive", "macro"}
        assert count(Empowerment) > 0 and count(Qualification) == 10 and count(PrestigeItem) == 8
        assert session.scalar(select(func.sum(PrestigeItem.enquiries))) == 28
        renewals = session.scalars(select(Task.dedupe_key).where(Task.rule == "plan.renewals")).all()
        assert len(renewals) == 5            # renewing within 60 days (four) or lapsed lately (one)
        profiles = knowledge.profiles_for(session, session.scalars(select(AccountProfile.client_id)).all(), by=SYSTEM)
        assert any(p.review_overdue(TODAY) for p in profiles.values())
    assert run_job(runtime, "plan.competitor_mentions").counts["added"] == 0
    with runtime.transaction() as session:
        assert people.open_renewal_tasks(session, today=TODAY, zone=runtime.settings.zone, by=SYSTEM) == 0
        assert knowledge.share_with_needs_recorded(session, reporting_currency=runtime.settings.reporting_currency,
                                                   by=SYSTEM)[1] >= 1

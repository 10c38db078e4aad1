"""The demo firm's promise ledger and relationships on both databases: promises settled by the rules,
broken ones re-promised (the air-conditioner story among them), complaints against their targets,
recovery tasks, key accounts overdue for contact, and what the sweep finds right after the load."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from servicescape.auth.permissions import SYSTEM
from servicescape.clients.models import Client, ClientStatus, Tier
from servicescape.demo import firm
from servicescape.demo.generator import DemoSpec
from servicescape.demo.load import DemoLoad, load_demo
from servicescape.offerings.models import ExchangeRate
from servicescape.promises import complaints, policies, recovery, rules, service
from servicescape.promises.demo import client_texts, demo_now
from servicescape.promises.models import Complaint, ComplaintStatus, Promise, PromiseStatus
from servicescape.promises.sweep import sweep
from servicescape.relationships.demo import review_key
from servicescape.relationships.models import CadencePolicy
from servicescape.relationships.service import overdue_contacts
from servicescape.runtime import Runtime
from servicescape.tasks.models import Task, TaskStatus

TODAY = date(2026, 11, 20)
SPEC = DemoSpec(clients=300, seed=firm.DEMO_SEED, today=TODAY)


@pytest.fixture
def loaded(runtime: Runtime) -> DemoLoad:
    return load_demo(runtime, SPEC, batch_clients=128)


def _now(runtime: Runtime) -> datetime:
    return demo_now(SPEC, runtime.settings)


def test_promises_follow_the_rules_and_broken_ones_are_repromised(runtime: Runtime, loaded: DemoLoad) -> None:
    now, zone = _now(runtime), runtime.settings.zone
    opens, closes = runtime.settings.working_hours
    with runtime.transaction() as session:
        promises = session.scalars(select(Promise).order_by(Promise.id)).all()
        tiers = dict(session.execute(select(Client.id, Client.tier)).all())
    assert len(promises) == loaded.counts["promise"] > 300
    for p in promises:
        assert p.status == rules.outcome_of(p.window_end, p.kept_at, p.status == PromiseStatus.cancelled, now), p.id
        start, end = p.window_start.astimezone(zone), p.window_end.astimezone(zone)
        assert start.date() == end.date() and opens <= start.time() < end.time() <= closes, p.id
        assert now - timedelta(days=366) < p.window_start < now + timedelta(days=22)
        assert p.created_at <= min(p.window_start, now) and p.updated_at <= now
        if p.status in (PromiseStatus.kept, PromiseStatus.late):
            assert p.delivered_by_id is not None and p.missed_at is None
            assert p.lateness_minutes == rules.lateness_minutes(p.window_end, p.kept_at)  # type: ignore[arg-type]
        elif p.status == PromiseStatus.missed:
            assert p.missed_at is not None and p.missed_at < now and p.delivered_by_id is None
        elif p.status == PromiseStatus.open:
            assert p.window_end >= now and p.missed_at is None and p.cancelled_at is None
        else:
            assert p.cancelled_at is not None and p.cancelled_at <= now
    statuses = Counter(p.status for p in promises)
    assert statuses[PromiseStatus.kept] > 0.6 * len(promises) and statuses[PromiseStatus.cancelled] > 0
    assert statuses[PromiseStatus.late] > 10 and statuses[PromiseStatus.missed] > 10
    assert statuses[PromiseStatus.open] > 20
    assert sum(tiers[p.client_id] in (Tier.key, Tier.growth) for p in promises) > 0.9 * len(promises)
    assert sum(p.other_person_came for p in promises) > 5
    assert any(p.announced_at is not None for p in promises if p.status in (PromiseStatus.late, PromiseStatus.missed))
    assert {p.kind.value for p in promises} == {"appointment", "site_visit", "call_back", "deliverable", "document"}

    # re-promises point back at broken promises, once each; the story is the longest chain
    by_id = {p.id: p for p in promises}
    followed = [p.repromised_from_id for p in promises if p.repromised_from_id is not None]
    assert len(followed) > 15 and len(followed) == len(set(followed))
    assert all(by_id[i].status in (PromiseStatus.missed, PromiseStatus.late) for i in followed)
    with runtime.transaction() as session:
        last = max((p for p in promises if p.repromised_from_id is not None),
                   key=lambda p: len(service.chain(session, p, by=SYSTEM)))
        story = service.chain(session, last, by=SYSTEM)
        client = session.get(Client, story[0].client_id)
    assert client is not None and client.tier == Tier.key and len(story) >= 4
    first, second, third = story[:3]
    assert first.status == second.status == PromiseStatus.missed and third.status == PromiseStatus.late
    assert third.other_person_came and story[-1].status == PromiseStatus.open
    assert first.window_start.astimezone(zone).hour == 14 and first.window_end.astimezone(zone).hour == 17
    texts = client_texts(client.language)
    assert [p.client_words for p in story[:3]] == list(texts.story[:3])


def test_complaints_run_on_the_tiers_targets_and_failures_have_recovery_tasks(runtime: Runtime,
                                                                              loaded: DemoLoad) -> None:
    now = _now(runtime)
    with runtime.transaction() as session:
        found = session.scalars(select(Complaint).order_by(Complaint.id)).all()
        clients = {c.id: c for c in session.scalars(select(Client).where(
            Client.id.in_({c.client_id for c in found})))}
        due = {c.id: complaints.due_times(session, clients[c.client_id], c.received_at)
               for c in found}
        tolerance = {tier: policies.policy_for(session, tier).late_tolerance_minutes for tier in Tier}
        promises = session.execute(select(Promise.id, Promise.status, Promise.lateness_minutes, Client.tier)
                                   .join(Client, Client.id == Promise.client_id)).all()
        # the promise ledger's recovery tasks (a survey's detractor opens one too: the quality step's)
        tasks = session.scalars(select(Task).where(Task.kind == "recovery",
                                                   Task.related_type.in_(("promise", "complaint")))).all()
    assert 20 <= len(found) == loaded.counts["complaint"] <= 120
    for c in found:
        assert c.response_due_at == due[c.id]["response_due_at"] and c.resolution_due_at == due[c.id][
            "resolution_due_at"]
        responded, resolved = c.first_response_at, c.resolved_at
        assert c.response_breached_at == (c.response_due_at if (responded is None and c.response_due_at < now)
                                          or (responded is not None and responded > c.response_due_at) else None)
        assert c.resolution_breached_at == (c.resolution_due_at if (resolved is None and c.resolution_due_at < now)
                                            or (resolved is not None and resolved > c.resolution_due_at) else None)
        expected = (ComplaintStatus.resolved if resolved else ComplaintStatus.responded if responded
                    else ComplaintStatus.open)
        assert c.status == expected and (c.outcome is not None) == (resolved is not None)
        assert c.received_at <= (responded or now) <= (resolved or now) <= now
        texts = client_texts(clients[c.client_id].language)
        assert c.text in (*texts.complaints.values(), *texts.general, texts.story[3])
    breached = [c for c in found if c.breached]
    assert 3 <= len(breached) < len(found) / 2
    assert any(c.status == ComplaintStatus.open for c in found)

    # one recovery task per failure, with the rules' keys: the old ones done, the recent ones open
    failures = {recovery.promise_key(i) for i, status, late, tier in promises
                if status == PromiseStatus.missed or (status == PromiseStatus.late and (late or 0) > tolerance[tier])}
    failures |= {recovery.complaint_key(c.id) for c in breached}
    assert {t.dedupe_key for t in tasks} == failures and len(tasks) == len(failures)
    for t in tasks:
        key = recovery.promise_key if t.related_type == "promise" else recovery.complaint_key
        assert t.dedupe_key == key(t.related_id)  # type: ignore[arg-type]
        assert t.rule in ("promises.missed", "promises.late", "complaints.breach")
        assert t.created_at <= now and (t.status == TaskStatus.open) == (t.closed_at is None)
        if t.status == TaskStatus.done:
            assert t.outcome and t.closed_by_id is not None and t.created_at < t.closed_at <= now  # type: ignore[operator]
    recent = [t for t in tasks if t.created_at > now - recovery.HORIZON]
    old = [t for t in tasks if t.created_at <= now - recovery.HORIZON]
    assert any(t.status == TaskStatus.open for t in recent)
    assert sum(t.status == TaskStatus.done for t in old) > 0.8 * len(old) > 10


def test_some_key_accounts_are_overdue_and_the_sweep_finds_promises_at_risk(runtime: Runtime,
                                                                           loaded: DemoLoad) -> None:
    now = _now(runtime)
    with runtime.transaction() as session:
        rates = dict(session.execute(select(ExchangeRate.currency, ExchangeRate.rate)).all())
        cadence = dict(session.execute(select(CadencePolicy.tier, CadencePolicy.every_days)).all())
        key_accounts = session.scalar(select(func.count()).select_from(Client).where(
            Client.tier == Tier.key, Client.status == ClientStatus.active)) or 0
        overdue = overdue_contacts(session, now=now, reporting_currency="EUR", tier=Tier.key, per_page=500,
                                   by=SYSTEM)
        reviews = session.scalars(select(Task).where(Task.kind == "review")).all()
    assert rates == {"MYR": 0.2, "USD": 0.92} and cadence[Tier.key] == 14
    assert 0 < overdue.total < key_accounts / 2 and key_accounts > 10
    assert all(item.days_overdue >= 0 and item.tier == Tier.key for item in overdue.items)
    assert {t.status for t in reviews} == {TaskStatus.open, TaskStatus.done}
    quarter = (now.month - 1) // 3 + 1
    for t in reviews:
        assert t.rule == "relationships.review" and t.client_id is not None
        if t.status == TaskStatus.open:
            assert t.dedupe_key == review_key(t.client_id, now.year, quarter) and t.due_at > now  # type: ignore[operator]

    with runtime.transaction() as session:
        report = sweep(session, runtime.settings, now=now, by=SYSTEM)
        reasons = Counter(r for value in session.scalars(select(Promise.at_risk).where(Promise.at_risk.is_not(None)))
                          for r in (value or "").split(","))
    # the ledger is as the sweep leaves it: nothing to mark missed or breached, no recovery missing
    assert (report.missed, report.response_breaches, report.resolution_breaches, report.recovery_tasks) == (0, 0, 0, 0)
    assert report.at_risk >= 3 and report.risk_tasks == report.at_risk
    assert reasons["unconfirmed"] >= 3 and reasons["double_booked"] == 2

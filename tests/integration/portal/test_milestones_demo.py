"""The demo's portal records on both databases: three to six milestones on every active engagement,
their statuses as their dates say (past ones done, then one in progress, the rest planned), one to
three text reports shared with every key account, the same bytes for the same seed, and the demo
digest reading them back."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import select

from servicescape.clients.models import Client, Engagement, EngagementStatus, Tier
from servicescape.demo.digest import database_digest
from servicescape.demo.generator import DemoSpec
from servicescape.demo.load import DemoLoad, load_demo
from servicescape.portal.models import Milestone, MilestoneStatus, SharedDocument
from servicescape.runtime import Runtime, open_runtime

TODAY = date(2026, 11, 20)
SPEC = DemoSpec(clients=60, seed=3, today=TODAY)


@pytest.fixture
def loaded(runtime: Runtime) -> DemoLoad:
    return load_demo(runtime, SPEC, batch_clients=32)


def test_milestones_follow_the_engagements_dates(runtime: Runtime, loaded: DemoLoad) -> None:
    with runtime.transaction() as session:
        active = set(session.scalars(select(Engagement.id).where(Engagement.status == EngagementStatus.active)))
        steps: dict[int, list[Milestone]] = defaultdict(list)
        for m in session.scalars(select(Milestone).order_by(Milestone.engagement_id, Milestone.position)):
            steps[m.engagement_id].append(m)
    assert active and set(steps) == active
    assert loaded.counts["engagement_milestone"] == sum(len(found) for found in steps.values())
    for found in steps.values():
        assert 3 <= len(found) <= 6
        assert [m.position for m in found] == list(range(len(found)))
        assert [m.due_on for m in found] == sorted(m.due_on for m in found if m.due_on)
        statuses = [m.status for m in found]
        assert statuses.count(MilestoneStatus.in_progress) == 1
        first_open = statuses.index(MilestoneStatus.in_progress)
        assert all(s == MilestoneStatus.done for s in statuses[:first_open])
        assert all(s == MilestoneStatus.planned for s in statuses[first_open + 1:])
        for m in found:
            assert m.due_on is not None
            assert (m.status == MilestoneStatus.done) == (m.due_on < TODAY)
            assert (m.done_at is not None) == (m.status == MilestoneStatus.done)
            if m.done_at is not None:
                assert m.done_at.date() <= m.due_on < TODAY


def test_key_accounts_have_reports_to_download(runtime: Runtime, loaded: DemoLoad) -> None:
    with runtime.transaction() as session:
        key = {c.id: c for c in session.scalars(select(Client).where(Client.tier == Tier.key,
                                                                     Client.status == "active"))}
        shared: dict[int, list[SharedDocument]] = defaultdict(list)
        for d in session.scalars(select(SharedDocument)):
            shared[d.client_id].append(d)
            assert d.content.startswith(key[d.client_id].name.encode()) and len(d.content) == d.size
            assert d.content_type.startswith("text/plain") and d.filename.endswith(".txt")
            assert "/" not in d.filename and d.created_at.date() < TODAY
        engagements = {e.id: e.client_id for e in session.scalars(select(Engagement))}
    assert key and set(shared) == set(key)
    assert all(1 <= len(found) <= 3 for found in shared.values())
    assert all(engagements[d.engagement_id] == d.client_id
               for found in shared.values() for d in found if d.engagement_id is not None)


def test_the_same_seed_gives_the_same_records(runtime: Runtime, loaded: DemoLoad) -> None:
    with runtime.engine.connect() as connection:
        first = database_digest(connection, tables=("engagement_milestone", "shared_document"))
        everything = database_digest(connection)
    assert first.counts["shared_document"] == loaded.counts["shared_document"] > 0
    assert everything.counts["engagement_milestone"] == loaded.counts["engagement_milestone"]
    again = load_demo_elsewhere(runtime)
    assert again == first.hexdigest()


def load_demo_elsewhere(runtime: Runtime) -> str:
    """The digest of the portal records of a second load of the same demo, into a fresh SQLite file
    (whichever database the first went to: the digest reads the same from both)."""
    settings = runtime.settings
    path = settings.data_dir / "again.db"
    other = open_runtime(settings.model_copy(update={"database_url": f"sqlite:///{path}"}), upgrade=True)
    try:
        load_demo(other, SPEC, batch_clients=32)
        with other.engine.connect() as connection:
            return database_digest(connection, tables=("engagement_milestone", "shared_document")).hexdigest()
    finally:
        other.close()

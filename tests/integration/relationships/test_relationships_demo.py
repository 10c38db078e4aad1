"""The demo firm's relationships on both databases: one office (firm.SLIPPING, Budapest) has let its
contact slip while the others keep their cadence, so the scorecard's contact cadence is weak and it
recommends contacting that office's key accounts, naming their owners."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from servicescape.auth.models import Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.clients.models import Client, ClientStatus, Interaction, Tier
from servicescape.demo import firm
from servicescape.demo.generator import DemoSpec
from servicescape.demo.load import DemoLoad, load_demo
from servicescape.promises.demo import demo_now
from servicescape.relationships.service import overdue_contacts
from servicescape.runtime import Runtime
from servicescape.scorecard import recommendations
from servicescape.scorecard import service as scorecard

TODAY = date(2026, 11, 20)
SPEC = DemoSpec(clients=300, seed=firm.DEMO_SEED, today=TODAY)


@pytest.fixture
def loaded(runtime: Runtime) -> DemoLoad:
    return load_demo(runtime, SPEC, batch_clients=128)


def test_one_office_lets_contact_slip_and_the_scorecard_recommends_contacting_its_key_accounts(
        runtime: Runtime, loaded: DemoLoad) -> None:
    now = demo_now(SPEC, runtime.settings)
    roster = firm.staff_by_key()
    with runtime.transaction() as session:
        staff = dict(session.execute(select(Staff.email, Staff.id)).all())
        slipping = {staff[roster[key].email] for key in firm.SLIPPING}
        last = (select(Interaction.client_id, func.max(Interaction.occurred_at).label("last"))
                .group_by(Interaction.client_id).subquery())
        clients = session.execute(select(Client.id, Client.owner_id, Client.tier, last.c.last)
                                  .outerjoin(last, last.c.client_id == Client.id)
                                  .where(Client.status == ClientStatus.active)).all()
        overdue = {item.client_id for item in overdue_contacts(session, now=now, reporting_currency="EUR",
                                                                per_page=500, by=SYSTEM).items}
        card = scorecard.scorecard(session, runtime.settings, period=None, now=now, by=SYSTEM)
        found = recommendations.recommendations(session, runtime.settings, card=card, by=SYSTEM)

    theirs = [c for c in clients if c.owner_id in slipping]
    others = [c for c in clients if c.owner_id not in slipping]
    assert len(theirs) > 20 and len(others) > 150
    # nobody in that office has been in touch with their clients for weeks ...
    quiet = now - timedelta(days=firm.SLIPPED_DAYS)
    assert all(c.last is None or c.last.replace(tzinfo=now.tzinfo) < quiet for c in theirs)
    assert all(c.id in overdue for c in theirs if c.tier in (Tier.key, Tier.growth))
    # ... while the other offices keep their cadence: every key account and most other clients in touch
    assert not [c for c in others if c.tier == Tier.key and c.id in overdue]

    def kept(group: list[Any]) -> float:
        return sum(c.id not in overdue for c in group) / len(group)

    assert kept(theirs) < 0.25 < 0.65 < kept(others)

    cadence = next(m for m in card.measures if m.measure.key == "cadence_adherence")
    assert cadence.score is not None and cadence.score < recommendations.WEAK
    rules = {r.rule.key: r for r in found}
    assert "contact_key_accounts" in rules
    contact = rules["contact_key_accounts"]
    assert contact.items and {item.owner_id for item in contact.items} <= slipping
    assert {owner for owner, _count in contact.owners} <= {roster[key].name for key in firm.SLIPPING}
    # the scorecard's weakest element has a recommendation of its own, owned by name
    weakest = min((e for e in card.elements if e.now.score is not None), key=lambda e: e.now.score)
    assert weakest.now.score < recommendations.WEAK
    elements_of = {m.measure.key: m.measure.elements for m in card.measures}
    assert any(weakest.key in elements_of[r.rule.measure] for r in found), (weakest.key, sorted(rules))

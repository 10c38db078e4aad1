"""The store on both backends: migrations agree with the models, money and time stay exact."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import func, select

from servicescape.audit.models import AuditEvent
from servicescape.audit.service import Actor, data_version
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import listing, service
from servicescape.clients.models import Client, Interaction, Invoice
from servicescape.db import migrate
from servicescape.db.expressions import epoch_days, epoch_seconds
from servicescape.runtime import Runtime


def test_migrations_and_models_agree(runtime: Runtime) -> None:
    """`alembic check`: autogenerate finds nothing to add, drop or alter."""
    assert migrate.pending_differences(runtime.engine) == []


def test_upgrade_is_idempotent(runtime: Runtime) -> None:
    migrate.upgrade(runtime.engine)
    assert runtime.is_initialised()


def _client(runtime: Runtime) -> int:
    with runtime.transaction() as session:
        return service.clients.create(session, {"name": "Syarikat Maju Jaya Sdn. Bhd."}, by=SYSTEM).id


@pytest.mark.parametrize("amount", ["0.01", "1234567890.12", "15.50", "0.0001", "9999999999999.9999"])
def test_money_is_exact(runtime: Runtime, amount: str) -> None:
    client_id = _client(runtime)
    with runtime.transaction() as session:
        invoice_id = service.invoices.create(session, {
            "client_id": client_id, "issued_on": date(2025, 3, 5), "amount": Decimal(amount), "currency": "MYR",
        }, by=SYSTEM).id
    with runtime.transaction() as session:
        stored = session.get(Invoice, invoice_id)
        assert stored is not None
        assert stored.amount == Decimal(amount)
        assert isinstance(stored.amount, Decimal)


def test_money_refuses_more_than_four_places(runtime: Runtime) -> None:
    client_id = _client(runtime)
    with pytest.raises(Exception, match="more than 4 decimal places"), runtime.transaction() as session:
        service.invoices.create(session, {
            "client_id": client_id, "issued_on": date(2025, 3, 5), "amount": Decimal("1.00001"), "currency": "EUR",
        }, by=SYSTEM)


def test_timestamps_are_stored_in_utc_and_come_back_aware(runtime: Runtime) -> None:
    client_id = _client(runtime)
    kuala_lumpur = timezone(timedelta(hours=8))
    when = datetime(2025, 6, 1, 9, 30, tzinfo=kuala_lumpur)
    with runtime.transaction() as session:
        interaction_id = service.interactions.create(
            session, {"client_id": client_id, "channel": "meal", "occurred_at": when, "summary": "午餐"}, by=SYSTEM
        ).id
    with runtime.transaction() as session:
        stored = service.interactions.get(session, interaction_id, by=SYSTEM)
        assert stored.occurred_at == when
        assert stored.occurred_at.tzinfo == UTC
        assert stored.occurred_at.hour == 1


def test_times_and_days_as_numbers_in_the_database(runtime: Runtime) -> None:
    """``db.expressions``: a stored timestamp as seconds and a date as days since 1970-01-01 UTC, NULL kept."""
    client_id = _client(runtime)
    when = datetime(2025, 6, 1, 9, 30, 15, 250_000, tzinfo=timezone(timedelta(hours=8)))
    with runtime.transaction() as session:
        service.interactions.create(session, {"client_id": client_id, "channel": "call", "occurred_at": when,
                                              "summary": "Panggilan"}, by=SYSTEM)
        service.invoices.create(session, {"client_id": client_id, "issued_on": date(2025, 3, 5), "amount": 10,
                                          "currency": "MYR"}, by=SYSTEM)
    with runtime.transaction() as session:
        seconds = session.scalar(select(epoch_seconds(func.max(Interaction.occurred_at)))
                                 .where(Interaction.client_id == client_id))
        days = session.scalar(select(epoch_days(func.min(Invoice.issued_on))).where(Invoice.client_id == client_id))
        nothing = session.scalar(select(epoch_days(func.min(Invoice.issued_on))).where(Invoice.client_id == -1))
    assert seconds == pytest.approx(when.timestamp(), abs=0.001)
    assert days == (date(2025, 3, 5) - date(1970, 1, 1)).days
    assert nothing is None


def test_every_write_is_audited_with_its_actor(runtime: Runtime) -> None:
    before = 0
    with runtime.transaction() as session:
        before = data_version(session)
    actor = Actor(label="ana@firm.test", staff_id=None, address="127.0.0.1")
    with runtime.transaction(actor) as session:
        client = service.clients.create(session, {"name": "Балкан Консулт ООД", "country": "BG"}, by=SYSTEM)
        client_id = client.id
    with runtime.transaction(actor) as session:
        client = session.get(Client, client_id)
        assert client is not None
        service.clients.update(session, client, {"tier": "key"}, by=SYSTEM)
    with runtime.transaction(actor) as session:
        client = session.get(Client, client_id)
        assert client is not None
        service.clients.delete(session, client, by=SYSTEM)
    with runtime.transaction() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "client").order_by(AuditEvent.id)).all()
        assert [e.action for e in events] == ["create", "update", "delete"]
        assert {e.actor for e in events} == {"ana@firm.test"}
        assert {e.entity_id for e in events} == {str(client_id)}
        assert events[0].changes is not None and events[0].changes["name"] == "Балкан Консулт ООД"
        assert events[1].changes is not None and events[1].changes == {"tier": "key"}
        assert all(e.at.tzinfo == UTC for e in events)
        assert data_version(session) == before + 3


@hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1,
                    max_size=80).filter(lambda s: s.strip()))
def test_any_unicode_name_round_trips(runtime: Runtime, name: str) -> None:
    with runtime.transaction() as session:
        client_id = service.clients.create(session, {"name": name}, by=SYSTEM).id
    with runtime.transaction() as session:
        assert service.clients.get(session, client_id, by=SYSTEM).name == name


def test_search_treats_wildcards_literally(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        for name in ("100% Design Kft.", "1000 Design Kft.", "Under_score Sdn. Bhd.", "Underscore Bhd."):
            service.clients.create(session, {"name": name}, by=SYSTEM)
    with runtime.transaction() as session:
        def names(q: str) -> list[str]:
            page = listing.list_clients(session, listing.ClientFilters(q=q), by=SYSTEM)
            return [c.name for c in page.items]
        assert names("100%") == ["100% Design Kft."]
        assert names("under_") == ["Under_score Sdn. Bhd."]
        assert sorted(names("design")) == ["100% Design Kft.", "1000 Design Kft."]

"""`servicescape demo` on SQLite and PostgreSQL: what it writes, who can sign in, --if-empty."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Connection, func, select
from typer.testing import CliRunner

from servicescape.audit.models import AuditEvent
from servicescape.audit.service import data_version
from servicescape.auth import service as auth
from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.auth.sign_in import PasswordAttempt, authenticate
from servicescape.cli.main import app
from servicescape.clients import service as clients
from servicescape.clients.models import Client, Contact, Engagement, Interaction, Invoice
from servicescape.db.models import Base
from servicescape.demo import firm
from servicescape.demo.catalogue import EUR_RATES
from servicescape.demo.digest import Digest, database_digest
from servicescape.demo.generator import TABLES, DemoGenerator, DemoSpec
from servicescape.demo.load import DemoLoad, load_demo
from servicescape.demo.roster import package_rows, sequential_ids, staff_rows
from servicescape.errors import Conflict
from servicescape.offerings.models import ServicePackage
from servicescape.runtime import Runtime

TODAY = date(2026, 11, 20)
SPEC = DemoSpec(clients=300, seed=firm.DEMO_SEED, today=TODAY)
runner = CliRunner(env={"SERVICESCAPE_MODE": "dev"})


@pytest.fixture
def loaded(runtime: Runtime) -> DemoLoad:
    return load_demo(runtime, SPEC, batch_clients=128)


CLIENT_BOOK = ("staff", "service_package", *TABLES)


def generated_digest(spec: DemoSpec) -> Digest:
    staff_ids, package_ids = sequential_ids()
    digest = Digest(CLIENT_BOOK)
    digest.add("staff", staff_rows(staff_ids, None, spec.today))
    digest.add("service_package", package_rows(package_ids, spec.today))
    rows: dict[str, list[dict[str, object]]] = {table: [] for table in TABLES}
    for batch in DemoGenerator(spec, staff_ids=staff_ids, package_ids=package_ids).batches():
        for table in TABLES:
            rows[table].extend(batch[table])
    for table in TABLES:
        digest.add(table, rows[table])
    return digest


def stored_digest(connection: Connection, interactions: int) -> Digest:
    """The client book as stored, with the generator's interactions only (ids up to ``interactions``:
    the relationships step adds recent contact with key accounts after them)."""
    digest = Digest(CLIENT_BOOK)
    for name in CLIENT_BOOK:
        table = Base.metadata.tables[name]
        query = select(*(table.c[c] for c in digest.table_columns[name])).order_by(table.c.id)
        if name == "interaction":
            query = query.where(table.c.id <= interactions)
        digest.add(name, (dict(row) for row in connection.execute(query).mappings()))
    return digest


def test_the_database_holds_exactly_the_generated_firm(runtime: Runtime, loaded: DemoLoad) -> None:
    generated = generated_digest(SPEC)
    with runtime.engine.connect() as connection:
        stored = stored_digest(connection, generated.counts["interaction"])
        everything = database_digest(connection, chunk=500)
    assert stored.counts == generated.counts
    assert {t: n for t, n in loaded.counts.items() if t in TABLES and t != "interaction"} == {
        t: n for t, n in generated.counts.items() if t in TABLES and t != "interaction"}
    assert loaded.counts["interaction"] > generated.counts["interaction"]  # recent contact, key accounts
    assert loaded.counts["task"] > 0 and loaded.counts["promise"] > 0 and loaded.counts["complaint"] > 0
    assert stored.hexdigest() == generated.hexdigest()
    # every table once (several steps fill tasks), read back in primary-key order (rates have no id)
    assert len(everything.tables) == len(set(everything.tables))
    assert {t: everything.counts[t] for t in ("interaction", "task", "promise", "complaint", "exchange_rate")} == {
        t: loaded.counts[t] for t in ("interaction", "task", "promise", "complaint", "exchange_rate")}
    assert loaded.counts["client"] == 300 and loaded.rows > 3000


def test_one_audit_event_records_the_whole_load(runtime: Runtime, loaded: DemoLoad) -> None:
    with runtime.transaction() as session:
        events = session.scalars(select(AuditEvent)).all()
        assert [e.action for e in events] == ["demo_load"]
        assert events[0].actor == "system"
        assert events[0].changes is not None
        assert events[0].changes["rows"] == loaded.counts
        assert events[0].changes["seed"] == firm.DEMO_SEED and events[0].changes["today"] == "2026-11-20"
        # the load and the figures it derives in bulk (counted as writes to their tables) changed the data
        assert data_version(session) >= 1


def test_the_owner_and_the_staff_sign_in_with_the_demo_password(runtime: Runtime, loaded: DemoLoad) -> None:
    def sign_in(email: str, password: str = firm.DEMO_OWNER_PASSWORD) -> Staff | None:
        return authenticate(runtime, PasswordAttempt(email, password, "127.0.0.1"))

    owner = sign_in(firm.DEMO_OWNER_EMAIL)
    assert owner is not None and owner.role == Role.owner and owner.name == "Aisyah Rahman"
    manager = sign_in("georgi.dimitrov@demo.servicescape.test")
    assert manager is not None and manager.role == Role.manager
    assert sign_in("bence.horvath@demo.servicescape.test") is None
    assert sign_in(firm.DEMO_OWNER_EMAIL, "not-the-password") is None


def test_revenue_is_pareto_shaped_and_money_exact(runtime: Runtime, loaded: DemoLoad) -> None:
    with runtime.transaction() as session:
        per_client = session.execute(
            select(Invoice.client_id, Invoice.currency, func.count()).group_by(Invoice.client_id, Invoice.currency)
        ).all()
        invoices = session.execute(select(Invoice.client_id, Invoice.engagement_id, Invoice.amount,
                                          Invoice.currency)).all()
        engagements = session.execute(select(Engagement.id, Engagement.value, Engagement.status)).all()
    assert len({currency for _, currency, _ in per_client}) == 3
    revenue: defaultdict[int, Decimal] = defaultdict(Decimal)
    billed: defaultdict[int | None, Decimal] = defaultdict(Decimal)
    for client_id, engagement_id, amount, currency in invoices:
        assert isinstance(amount, Decimal) and amount.as_tuple().exponent == -2
        revenue[client_id] += amount * EUR_RATES[currency]
        billed[engagement_id] += amount
    ranked = sorted(revenue.values(), reverse=True)
    share = sum(ranked[:60], Decimal(0)) / sum(ranked, Decimal(0))
    assert Decimal("0.75") <= share <= Decimal("0.85")
    completed = [(i, value) for i, value, status in engagements if status.value == "completed"]
    assert completed and all(billed[i] == value for i, value in completed)


def test_countries_scripts_and_continuity_are_in_the_database(runtime: Runtime, loaded: DemoLoad) -> None:
    with runtime.transaction() as session:
        countries = set(session.scalars(select(Client.country).distinct()))
        names = {cc: list(session.scalars(select(Client.name).where(Client.country == cc)))
                 for cc in ("BG", "CN", "TW", "HU")}
        same = session.scalar(select(func.count()).select_from(Engagement)
                              .where(Engagement.sold_by_id == Engagement.delivered_by_id))
        different = session.scalar(select(func.count()).select_from(Engagement)
                                   .where(Engagement.sold_by_id != Engagement.delivered_by_id))
        lost = session.scalar(select(func.count()).select_from(Client).where(Client.status == "lost"))
        contacts = session.scalar(select(func.count()).select_from(Contact))
        custom = session.scalars(select(Client.custom_fields).where(Client.kind == "organisation")).first()
        languages = set(session.scalars(select(Contact.language).distinct()))
    assert {"MY", "BG", "CN", "TW", "HK", "HU"} < countries
    assert any("ООД" in n for n in names["BG"]) and any(n.endswith("有限公司") for n in names["CN"])
    assert any("股份有限公司" in n for n in names["TW"]) and any("ő" in n for n in names["HU"])
    assert same and different and same > 2 * different
    assert lost and contacts and custom and "VAT number" in custom
    assert {"ms", "bg", "zh-Hans", "zh-Hant", "hu"} <= languages


def test_new_rows_after_the_demo_get_fresh_ids(runtime: Runtime, loaded: DemoLoad) -> None:
    with runtime.transaction() as session:
        client = clients.clients.create(session, {"name": "Nová Klientka s.r.o.", "country": "CZ"}, by=SYSTEM)
        session.add(ServicePackage(name="Extra package", currency="EUR"))
        note = Interaction(client_id=client.id, summary="First call.")
        session.add(note)
        session.flush()
        assert client.id == 301 and note.id == loaded.counts["interaction"] + 1


def test_the_demo_needs_an_empty_client_book(runtime: Runtime, loaded: DemoLoad) -> None:
    with pytest.raises(Conflict, match="already has 300 clients"):
        load_demo(runtime, SPEC)


def test_the_command_creates_the_demo_and_prints_the_sign_in(db_url: str, runtime: Runtime) -> None:
    result = runner.invoke(app, ["demo", "--clients", "40", "--seed", "3", "--today", "2026-11-20",
                                 "--db", db_url], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for text in ("http://127.0.0.1:8000", firm.DEMO_OWNER_EMAIL, firm.DEMO_OWNER_PASSWORD,
                 firm.DEMO_FIRM_NAME, "same password"):
        assert text in result.output
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Client)) == 40


def test_if_empty_leaves_a_database_with_clients_alone(db_url: str, runtime: Runtime) -> None:
    with runtime.transaction() as session:
        clients.clients.create(session, {"name": "Syarikat Sedia Ada Sdn. Bhd.", "country": "MY"}, by=SYSTEM)
    with runtime.engine.connect() as connection:
        before = database_digest(connection).hexdigest()
    with runtime.transaction() as session:
        version = data_version(session)
    result = runner.invoke(app, ["demo", "--if-empty", "--db", db_url], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "already there" in result.output and firm.DEMO_OWNER_PASSWORD in result.output
    assert "no demo owner account" in result.output
    refused = runner.invoke(app, ["demo", "--db", db_url], catch_exceptions=False)
    assert refused.exit_code == 1 and "--if-empty" in refused.output
    with runtime.engine.connect() as connection:
        assert database_digest(connection).hexdigest() == before
    with runtime.transaction() as session:
        assert data_version(session) == version
        assert session.scalar(select(func.count()).select_from(Client)) == 1


def test_if_empty_fills_an_empty_database(db_url: str, runtime: Runtime) -> None:
    result = runner.invoke(app, ["demo", "--if-empty", "--clients", "25", "--today", "2026-11-20",
                                 "--db", db_url], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["demo", "--if-empty", "--db", db_url], catch_exceptions=False)
    assert again.exit_code == 0 and "already there: 25 clients" in again.output
    assert "Aisyah Rahman" in again.output
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_existing_staff_are_kept_and_the_ids_continue_after_them(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        first = auth.create_staff(session, name="Maria Petrova", email="maria@firm.example", role=Role.owner,
                                  password="a-strong-passphrase", by=SYSTEM)
        session.add(Staff(name="Aisyah R.", email=firm.DEMO_OWNER_EMAIL, role=Role.owner))
    result = load_demo(runtime, DemoSpec(clients=20, seed=2, today=TODAY))
    assert result.reused_staff == [firm.DEMO_OWNER_EMAIL]
    with runtime.transaction() as session:
        staff = session.scalars(select(Staff).order_by(Staff.id)).all()
        assert [s.email for s in staff][:2] == ["maria@firm.example", firm.DEMO_OWNER_EMAIL]
        assert len(staff) == len(firm.ROSTER) + 1 and staff[1].name == "Aisyah R."
        assert staff[1].password_hash is None  # left as it was
        owners = set(session.scalars(select(Client.owner_id)))
        assert first.id not in owners and owners <= {s.id for s in staff}

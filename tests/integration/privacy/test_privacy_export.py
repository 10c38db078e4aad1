"""Data-protection export: every table with personal data is declared by its capability, and the
export of a demo client (and of one contact person) holds all their rows, and only theirs, as JSON and
CSV; bad subjects and folders are named; the request is audited; only owners export."""

from __future__ import annotations

import csv
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from servicescape.audit.models import AuditEvent
from servicescape.auth import service as auth
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app as cli
from servicescape.clients.models import Client, Contact, Interaction
from servicescape.db.base import Base
from servicescape.demo import firm
from servicescape.demo.generator import DemoSpec
from servicescape.demo.load import load_demo
from servicescape.errors import NotFound, PermissionDenied, ValidationFailed
from servicescape.platform.registry import load_models, registry
from servicescape.portal.models import PortalUser
from servicescape.privacy import service
from servicescape.quality.models import SurveyAnswer, SurveyResponse
from servicescape.runtime import Runtime
from tests.conftest import PASSWORD

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)

#: tables that a declared table's foreign key or an e-mail column would flag, and why they hold no
#: client's personal data
NOT_A_CLIENTS = {
    "staff": "the firm's own people",
    "password_reset_request": "staff's e-mail (sign-in links)",
}
EMAIL = re.compile(r"(^|_)(e?mail|recipient)$")


def test_every_table_with_personal_data_is_declared() -> None:
    load_models()
    declared = registry().personal_data()
    for name, entry in declared.items():      # the declarations name real tables and columns
        table = Base.metadata.tables[name]
        for column in [entry.client, entry.contact, entry.email, *(c for c, _kind in entry.erase if c != "*"),
                       *(c for _p, c, _pc in entry.via)]:
            assert column is None or column in table.c, f"{name}.{column}"
        for parent, _column, parent_column in entry.via:
            assert parent in declared and parent_column in Base.metadata.tables[parent].c, (name, parent)
    missing = []
    for name, table in Base.metadata.tables.items():
        points_at = {fk.column.table.name for fk in table.foreign_keys}
        emails = [c.name for c in table.columns if EMAIL.search(c.name)]
        if (points_at & set(declared) or emails) and name not in declared and name not in NOT_A_CLIENTS:
            missing.append(f"{name} (refers to {sorted(points_at & set(declared))}, e-mail columns {emails})")
    assert not missing, "tables with personal data that no capability declares: " + "; ".join(missing)


@pytest.fixture
def demo_runtime(runtime: Runtime) -> Runtime:
    load_demo(runtime, DemoSpec(clients=40, seed=firm.DEMO_SEED, today=NOW.date()), batch_clients=40)
    return runtime


def _richest_client(runtime: Runtime) -> int:
    """A demo client with a portal user and survey answers: rows in many capabilities' tables."""
    with runtime.transaction() as session:
        answered = select(SurveyResponse.client_id).join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        return session.execute(select(PortalUser.client_id).where(PortalUser.client_id.in_(answered))
                               .group_by(PortalUser.client_id).order_by(PortalUser.client_id).limit(1)).scalar_one()


def test_a_clients_export_holds_all_their_rows_and_only_theirs(demo_runtime: Runtime, tmp_path: Path) -> None:
    client_id = _richest_client(demo_runtime)
    with demo_runtime.transaction() as session:
        manifest = service.export(session, str(client_id), tmp_path, now=NOW, by=SYSTEM)
        interactions = session.scalar(select(func.count()).where(Interaction.client_id == client_id))
        answers = session.scalar(select(func.count()).select_from(SurveyAnswer).join(SurveyResponse)
                                 .where(SurveyResponse.client_id == client_id))
        audited = session.scalars(select(AuditEvent).where(AuditEvent.action == "privacy.export")).one()
    counts = manifest["counts"]
    assert counts["client"] == 1 and counts["interaction"] == interactions and counts["survey_answer"] == answers
    assert {"contact", "engagement", "invoice", "promise", "survey_response", "portal_user"} <= set(counts)
    bundle = json.loads((tmp_path / "subject.json").read_text(encoding="utf-8"))
    assert bundle["subject"] == {"kind": "client", "id": client_id, "client_id": client_id,
                                 "name": bundle["tables"]["client"][0]["name"]}
    declared = registry().personal_data()
    for name, rows in bundle["tables"].items():
        assert len(rows) == counts[name]
        column = declared[name].client
        if column:      # a row found another way (a referral naming them as referred) may name another client
            named = {row[column] for row in rows}
            assert client_id in named or declared[name].via or declared[name].email, name
        with (tmp_path / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            assert len(list(csv.DictReader(handle))) == len(rows)
    assert all(row["client_id"] == client_id for row in bundle["tables"]["interaction"])
    assert all(row["client_id"] == client_id for row in bundle["tables"]["survey_response"])
    assert audited.entity == "client" and audited.entity_id == str(client_id)
    assert audited.changes == {"tables": counts}


def test_the_export_holds_the_audit_trails_events_about_them(demo_runtime: Runtime, tmp_path: Path) -> None:
    """What was changed in their rows, when and by whom — and no event about anyone else's."""
    client_id = _richest_client(demo_runtime)
    with demo_runtime.transaction() as session:
        other = session.scalars(select(Interaction).where(Interaction.client_id != client_id).limit(1)).one()
        theirs = session.scalars(select(Interaction).where(Interaction.client_id == client_id).limit(1)).one()
        theirs.summary, other.summary = "Telefonon egyeztettünk a szerződésről.", "Другият клиент."
        client = session.get(Client, client_id)
        assert client is not None
        client.phone = "+36 1 234 5678"
    with demo_runtime.transaction() as session:
        manifest = service.export(session, str(client_id), tmp_path, now=NOW, by=SYSTEM)
    trail = json.loads((tmp_path / "subject.json").read_text(encoding="utf-8"))["audit_trail"]
    about = {(event["entity"], event["entity_id"]) for event in trail}
    assert ("interaction", str(theirs.id)) in about and ("client", str(client_id)) in about
    assert ("interaction", str(other.id)) not in about
    assert manifest["audit_events"] == len(trail)
    changed = next(event for event in trail if event["entity"] == "interaction")
    assert changed["changes"]["summary"] == "Telefonon egyeztettünk a szerződésről."
    with (tmp_path / "audit_trail.csv").open(encoding="utf-8", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == len(trail)


def test_a_contact_persons_export_holds_their_rows(demo_runtime: Runtime, tmp_path: Path) -> None:
    with demo_runtime.transaction() as session:
        user = session.scalars(select(PortalUser).order_by(PortalUser.id).limit(1)).one()
        contact = session.get(Contact, user.contact_id)
        assert contact is not None
        found = service.collect(session, service.subject(session, f"contact:{contact.id}"))
    assert [row["id"] for row in found["contact"]] == [contact.id]
    assert [row["id"] for row in found["portal_user"]] == [user.id]
    assert "client" not in found and "invoice" not in found        # the firm's dealings are the client's
    for row in found.get("mail_outbox", []):
        assert row["recipient"].casefold() == (contact.email or "").casefold()


def test_bad_subjects_folders_and_people_are_refused(demo_runtime: Runtime, db_url: str, tmp_path: Path) -> None:
    with demo_runtime.transaction() as session:
        for bad in ("", "client:x", "person:3", "-4", "４２", "²", "9" * 30, "contact:"):
            with pytest.raises(ValidationFailed) as refused:
                service.subject(session, bad)
            assert refused.value.field == "subject"
        with pytest.raises(NotFound):
            service.subject(session, "99999999")
        with pytest.raises(NotFound):
            service.subject(session, "contact:99999999")
        (tmp_path / "subject.json").write_text("{}", encoding="utf-8")
        client_id = _richest_client(demo_runtime)
        with pytest.raises(ValidationFailed) as refused:
            service.export(session, str(client_id), tmp_path, now=NOW, by=SYSTEM)
        assert refused.value.field == "out" and "subject.json" in str(refused.value)
        manager = auth.create_staff(session, name="Nagy Réka", email="reka@firm.test", role=Role.manager,
                                    password=PASSWORD, by=SYSTEM)
        with pytest.raises(PermissionDenied):
            service.export(session, str(client_id), tmp_path / "other", now=NOW, by=manager)
    runner = CliRunner()
    done = runner.invoke(cli, ["privacy", "export", str(client_id), "--out", str(tmp_path / "cli"), "--json",
                               "--db", db_url])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["counts"]["client"] == 1 and (tmp_path / "cli" / "client.csv").exists()
    refused_cli = runner.invoke(cli, ["privacy", "export", "contact:abc", "--out", str(tmp_path / "x"), "--db", db_url])
    assert refused_cli.exit_code != 0 and "contact:7" in refused_cli.output

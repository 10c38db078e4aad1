"""Helpers of the import/export tests: the staff the corpus files name, a client book the related
corpus files can refer to, and readers of what is stored."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from servicescape.audit.models import AuditEvent
from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.clients.importing import ImportReport, import_file
from servicescape.clients.models import Client
from servicescape.runtime import Runtime
from tests.conftest import make_staff, sign_in

CORPUS = Path(__file__).resolve().parents[2] / "data" / "imports"
STAFF = (("Aminah Yusof", "aminah@firm.test"), ("Georgi Ivanov", "georgi@firm.test"), ("Li Na", "li.na@firm.test"))
#: clients the related corpus files name that salesforce_accounts.csv does not hold
MORE_CLIENTS = ("Szűcs; Erdős Könyvelő Bt.", "Szűcs Könyvelő Bt.", "Perunding Keyakinan Enterprise",
                "Erdős Tanácsadó Zrt.", "Győri Fővállalkozó Kft.")


@pytest.fixture
def staff(runtime: Runtime) -> dict[str, int]:
    """The firm's staff as the corpus files name them: name → id."""
    return {name: make_staff(runtime, Role.staff, email=email, name=name).id for name, email in STAFF}


@pytest.fixture
def book(runtime: Runtime, staff: dict[str, int], tmp_path: Path) -> dict[str, int]:
    """Every client the related corpus files refer to, each once: name → id."""
    assert run(runtime, "clients", CORPUS / "salesforce_accounts.csv").imported == 8
    extra = write_csv(tmp_path / "more.csv", ["Name", "Country"], [[name, "HU"] for name in MORE_CLIENTS])
    assert run(runtime, "clients", extra).imported == len(MORE_CLIENTS)
    with runtime.transaction() as session:
        return {name: client_id for client_id, name in session.execute(select(Client.id, Client.name))}


@pytest.fixture
def browser(app, runtime: Runtime, owner: Staff):  # type: ignore[no-untyped-def]
    """The owner signed in to the pages."""
    with TestClient(app, base_url="http://127.0.0.1") as client:
        sign_in(client, owner.email)
        yield client


def run(runtime: Runtime, kind: str, path: Path, **options: Any) -> ImportReport:
    options.setdefault("by", SYSTEM)
    return import_file(runtime, kind, path, **options)


def write_csv(path: Path, headers: list[str], rows: list[list[Any]], *, delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def count(runtime: Runtime, model: Any) -> int:
    with runtime.transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def rows(runtime: Runtime, model: Any, *columns: str, order: str = "id") -> list[tuple[Any, ...]]:
    with runtime.transaction() as session:
        query = select(*(getattr(model, c) for c in columns)).order_by(getattr(model, order))
        return [tuple(row) for row in session.execute(query)]


def import_events(runtime: Runtime) -> list[dict[str, Any]]:
    with runtime.transaction() as session:
        found = session.scalars(select(AuditEvent).where(AuditEvent.action == "import").order_by(AuditEvent.id))
        return [{"entity": e.entity, **(e.changes or {})} for e in found]


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))

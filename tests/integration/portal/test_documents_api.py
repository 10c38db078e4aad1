"""Shared documents through the API and the CLI on both databases: shared (multipart), listed newest
first without their files, read, downloaded as an attachment with a safe file name, deleted by a
manager only; empty files, files over 10 MB, names with folders and another client's engagement
refused with the field named and nothing saved; the audit trail keeps what was shared, not the bytes;
and the portal's reads, which give one client's documents and a "not found" for anyone else's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from servicescape.audit.models import AuditEvent
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app as cli
from servicescape.clients import service as clients
from servicescape.errors import NotFound
from servicescape.portal import documents
from servicescape.portal.models import SharedDocument
from servicescape.runtime import Runtime
from tests.conftest import api_as

runner = CliRunner()
REPORT = b"Quarterly service report\n\nAll visits made as planned.\n"


def two_clients(runtime: Runtime) -> tuple[int, int, int, int]:
    """(mine, my engagement, theirs, their engagement)."""
    with runtime.transaction() as session:
        ids = []
        for name in ("Gradina Hotels EOOD", "Kedai Runcit Sdn Bhd"):
            client = clients.clients.create(session, {"name": name}, by=SYSTEM).id
            ids += [client, clients.engagements.create(session, {"client_id": client, "status": "active",
                                                                 "description": "Planned maintenance"}, by=SYSTEM).id]
        return ids[0], ids[1], ids[2], ids[3]


def share(api: TestClient, client_id: int, name: str = "report.txt", content: bytes = REPORT,
          kind: str = "text/plain", **fields: Any) -> Any:
    return api.post(f"/api/v1/clients/{client_id}/documents", files={"file": (name, content, kind)},
                    data={key: str(value) for key, value in fields.items()})


def stored(runtime: Runtime) -> int:
    with runtime.transaction() as session:
        return session.scalar(select(func.count()).select_from(SharedDocument)) or 0


def test_share_list_read_download_and_delete(app: Any, api: TestClient, runtime: Runtime) -> None:
    mine, engagement, _theirs, _their_engagement = two_clients(runtime)
    first = share(api, mine, title="  Service report Q3  ", engagement_id=engagement)
    assert first.status_code == 201, first.text
    made = first.json()
    assert first.headers["location"] == f"/api/v1/documents/{made['id']}"
    assert (made["title"], made["filename"], made["content_type"], made["size"], made["engagement_id"]) == \
        ("Service report Q3", "report.txt", "text/plain", len(REPORT), engagement)
    assert "content" not in made and made["shared_by_id"] is not None
    second = share(api, mine, name="Jelentés – 2026 “Q3”.bin", content=b"\x00\x01binary", kind="")
    assert second.status_code == 201, second.text
    assert second.json()["title"] == "Jelentés – 2026 “Q3”.bin"                  # the file's name by default
    assert second.json()["content_type"] == "application/octet-stream"

    listed = api.get(f"/api/v1/clients/{mine}/documents").json()
    assert [d["id"] for d in listed["items"]] == [second.json()["id"], made["id"]] and listed["total"] == 2
    assert api.get(f"/api/v1/documents/{made['id']}").json() == made

    download = api.get(f"/api/v1/documents/{made['id']}/content")
    assert download.status_code == 200 and download.content == REPORT
    assert download.headers["content-type"].startswith("text/plain")
    assert download.headers["content-disposition"] == \
        "attachment; filename=\"report.txt\"; filename*=UTF-8''report.txt"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in download.headers["content-security-policy"]
    odd = api.get(f"/api/v1/documents/{second.json()['id']}/content")
    assert odd.content == b"\x00\x01binary"
    disposition = odd.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="Jelent-s - 2026 -Q3-.bin"; filename*=UTF-8\'\'')
    assert "Jelent%C3%A9s%20%E2%80%93%202026%20%E2%80%9CQ3%E2%80%9D.bin" in disposition
    assert disposition.isascii()

    with api_as(app, runtime, Role.viewer) as viewer:
        assert viewer.get(f"/api/v1/documents/{made['id']}/content").content == REPORT
        assert share(viewer, mine).status_code == 403
    with api_as(app, runtime, Role.staff) as staff:
        assert share(staff, mine).status_code == 201
        refused = staff.delete(f"/api/v1/documents/{made['id']}")
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    assert api.delete(f"/api/v1/documents/{made['id']}").status_code == 204
    assert api.get(f"/api/v1/documents/{made['id']}").status_code == 404
    assert api.get(f"/api/v1/documents/{made['id']}/content").status_code == 404
    assert api.delete(f"/api/v1/documents/{made['id']}").status_code == 404
    assert api.get(f"/api/v1/clients/{mine}/documents").json()["total"] == 2


def test_refusals_are_named_and_nothing_is_saved(api: TestClient, runtime: Runtime) -> None:
    mine, _engagement, theirs, their_engagement = two_clients(runtime)
    share(api, theirs)
    before = stored(runtime)
    cases = (
        (share(api, mine, content=b""), 422, "file"),
        (share(api, mine, content=b"x" * (10 * 1024 * 1024 + 1)), 413, "file"),
        (share(api, mine, name="../etc/passwd"), 422, "file"),
        (share(api, mine, name="reports/2026/q3.txt"), 422, "file"),
        (share(api, mine, name="r" * 256), 422, "file"),
        (share(api, mine, title="t" * 301), 422, "title"),
        (share(api, mine, engagement_id=their_engagement), 422, "engagement_id"),
        (share(api, mine, engagement_id=999_999), 422, "engagement_id"),
        (share(api, mine, engagement_id="first"), 422, "engagement_id"),
        (api.post(f"/api/v1/clients/{mine}/documents", data={"title": "No file"}), 422, "file"),
    )
    for answer, status, field in cases:
        assert answer.status_code == status, answer.text
        assert answer.json()["error"]["field"] == field, answer.text
    assert share(api, 999_999).status_code == 404
    assert api.get("/api/v1/clients/999999/documents").status_code == 404
    assert stored(runtime) == before
    assert share(api, mine, content=b"x" * (10 * 1024 * 1024)).status_code == 201      # exactly 10 MB is fine


def test_the_audit_trail_keeps_what_was_shared_not_the_file(api: TestClient, runtime: Runtime) -> None:
    mine, *_rest = two_clients(runtime)
    made = share(api, mine, title="Site visit summary").json()
    with runtime.transaction() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.entity == "shared_document",
                                                         AuditEvent.action == "create")).one()
        assert event.entity_id == str(made["id"]) and event.actor_id is not None
        assert event.changes["title"] == "Site visit summary" and event.changes["size"] == len(REPORT)
        assert "content" not in event.changes


def test_the_portal_reads_only_the_clients_own_documents(api: TestClient, runtime: Runtime) -> None:
    mine, _engagement, theirs, _their_engagement = two_clients(runtime)
    older = share(api, mine, title="Older").json()["id"]
    newer = share(api, mine, title="Newer").json()["id"]
    foreign = share(api, theirs, title="Theirs").json()["id"]
    with runtime.transaction() as session:
        lines = documents.client_documents(session, mine)
        assert [(d.id, d.title) for d in lines] == [(newer, "Newer"), (older, "Older")]
        assert not hasattr(lines[0], "content")
        found = documents.document_for_client(session, mine, older)
        assert found.content == REPORT and found.client_id == mine
        with pytest.raises(NotFound) as refused:
            documents.document_for_client(session, mine, foreign)
        with pytest.raises(NotFound) as missing:
            documents.document_for_client(session, mine, 999_999)
        assert refused.value.message == missing.value.message.replace("999999", str(foreign))
        assert [d.id for d in documents.client_documents(session, theirs)] == [foreign]
        assert documents.client_documents(session, 999_999) == []


def test_the_documents_commands(runtime: Runtime, db_url: str, tmp_path: Path) -> None:
    mine, engagement, _theirs, their_engagement = two_clients(runtime)
    file = tmp_path / "handover-checklist.txt"
    file.write_bytes(REPORT)

    def run(*args: str) -> Any:
        result = runner.invoke(cli, [*args, "--db", db_url])
        assert result.exit_code == 0, result.output
        return result

    made = json.loads(run("documents", "share", str(mine), str(file), "--title", "Handover checklist",
                          "--engagement", str(engagement), "--json").stdout)
    assert (made["title"], made["filename"], made["content_type"], made["size"]) == \
        ("Handover checklist", "handover-checklist.txt", "text/plain", len(REPORT))
    listed = json.loads(run("documents", "list", str(mine), "--json").stdout)
    assert [d["id"] for d in listed] == [made["id"]]
    assert "Handover checklist" in run("documents", "list", str(mine)).stdout
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    for args, said in ((["share", str(mine), str(empty)], "empty"),
                       (["share", str(mine), str(file), "--engagement", str(their_engagement)], "engagement_id"),
                       (["share", str(mine), str(tmp_path / "missing.txt")], "missing.txt"),
                       (["delete", "999999"], "999999")):
        refused = runner.invoke(cli, ["documents", *args, "--db", db_url])
        assert refused.exit_code == 1 and said in refused.output, refused.output
    assert "deleted document" in run("documents", "delete", str(made["id"])).stdout
    assert json.loads(run("documents", "list", str(mine), "--json").stdout) == []

"""``servicescape messages …`` on both databases: a message added, drafted, approved (a manager's own
draft refused), used on an interaction, listed and shown as JSON, and the adoption figures."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from typer.testing import CliRunner

from servicescape.auth.models import Role
from servicescape.cli.main import app
from servicescape.runtime import Runtime
from tests.conftest import make_staff
from tests.integration.plan.message_firm import a_client, an_interaction

runner = CliRunner()


def as_json(*args: str) -> Any:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_message_from_draft_to_use(runtime: Runtime, db_url: str) -> None:
    manager = make_staff(runtime, Role.manager, email="mei@firm.test", name="Mei Ling")
    make_staff(runtime, Role.manager, email="georgi@firm.test", name="Georgi")
    client_id = a_client(runtime, "Permata Timur Sdn Bhd", language="ms")
    talk = an_interaction(runtime, client_id, manager.id, datetime.now(UTC) - timedelta(days=2))

    made = as_json("messages", "add", "Your plant keeps running", "--kind", "positioning", "--segment", "Industrial",
                   "--owner", "mei@firm.test", "--db", db_url)
    assert made["kind"] == "positioning" and made["owner_id"] == manager.id
    message = str(made["id"])
    draft = as_json("messages", "version", message, "ms", "Loji anda terus berjalan.", "--by", "mei@firm.test",
                    "--db", db_url)
    assert (draft["language"], draft["version"], draft["status"]) == ("ms", 1, "draft")
    unapproved = runner.invoke(app, ["messages", "use", message, "--interaction", str(talk), "--db", db_url])
    assert unapproved.exit_code == 1 and "message_id" in unapproved.output
    own = runner.invoke(app, ["messages", "approve", str(draft["id"]), "--by", "mei@firm.test", "--db", db_url])
    assert own.exit_code == 1 and "another manager" in own.output
    approved = as_json("messages", "approve", str(draft["id"]), "--by", "georgi@firm.test", "--db", db_url)
    assert approved["status"] == "approved" and approved["approved_by_id"] != manager.id

    use = as_json("messages", "use", message, "--interaction", str(talk), "--db", db_url)
    assert use["client_id"] == client_id and use["version_id"] == draft["id"]
    listed = as_json("messages", "list", "--db", db_url)
    assert [(m["name"], m["approved"], m["uses"]) for m in listed] == [("Your plant keeps running", {"ms": 1}, 1)]
    assert listed[0]["missing"] == ["en", "bg", "zh-Hans", "zh-Hant", "hu"]
    shown = as_json("messages", "show", message, "--db", db_url)
    assert shown["approved"] == {"ms": "Loji anda terus berjalan."} and len(shown["versions"]) == 1
    plain = runner.invoke(app, ["messages", "show", message, "--db", db_url])
    assert plain.exit_code == 0 and "Loji anda terus berjalan." in plain.output

    adoption = as_json("messages", "adoption", "--db", db_url)
    assert (adoption["interactions"], adoption["with_message"], adoption["share"]) == (1, 1, 1.0)
    assert adoption["staff"][0]["name"] == "Mei Ling"
    table = runner.invoke(app, ["messages", "adoption", "--since", "2020-01-01", "--db", db_url])
    assert table.exit_code == 0 and "1 of 1 interactions" in table.output
    assert runner.invoke(app, ["messages", "list", "--db", db_url]).exit_code == 0
    assert runner.invoke(app, ["messages", "adoption", "--since", "yesterday", "--db", db_url]).exit_code == 1
    assert runner.invoke(app, ["messages", "show", "99999", "--db", db_url]).exit_code == 1

"""``servicescape milestones list|add|set|delete|order`` and ``servicescape documents list|share|delete``:
the milestones of an engagement and the documents shared with a client in the portal."""

from __future__ import annotations

import mimetypes
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.table import Table

from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, fail, opened, out, print_json, user_errors
from servicescape.portal import documents, milestones
from servicescape.portal.models import Milestone, MilestoneStatus, SharedDocument
from servicescape.portal.records_schemas import DocumentOut, MilestoneOut, MilestonePatch

milestones_app = typer.Typer(help="The milestones of an engagement, which the client's contacts follow in the "
                                  "portal.", no_args_is_help=True)
documents_app = typer.Typer(help="Documents shared with a client's contacts in the portal.", no_args_is_help=True)

STATUSES = ", ".join(s.value for s in MilestoneStatus)
DueOption = Annotated[str | None, typer.Option("--due", help="When it is due, YYYY-MM-DD (\"\" clears it).")]
StatusOption = Annotated[str | None, typer.Option("--status", help=f"One of: {STATUSES}.")]
NoteOption = Annotated[str | None, typer.Option("--note", help="A note the client reads (\"\" clears it).")]


def register(app: typer.Typer) -> None:
    app.add_typer(milestones_app, name="milestones")
    app.add_typer(documents_app, name="documents")


def _milestone(found: Milestone) -> dict[str, Any]:
    return MilestoneOut.model_validate(found).model_dump()


def _document(found: SharedDocument) -> dict[str, Any]:
    return DocumentOut.model_validate(found).model_dump()


def _changes(**given: Any) -> dict[str, Any]:
    """The options given, read as the API reads a body ("" empties a field that may be empty)."""
    raw = {name: (None if value == "" and name in ("due_on", "note") else value)
           for name, value in given.items() if value is not None}
    try:
        return MilestonePatch.model_validate(raw).model_dump(exclude_unset=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        fail(f"{first['loc'][0] if first['loc'] else 'input'}: {first['msg']}")


def _milestone_table(found: list[dict[str, Any]]) -> None:
    table = Table("id", "#", "milestone", "due", "status", "done at")
    for m in found:
        due: date | None = m["due_on"]
        table.add_row(str(m["id"]), str(m["position"] + 1), m["name"], due.isoformat() if due else "",
                      m["status"].value, m["done_at"].isoformat(timespec="minutes") if m["done_at"] else "")
    out.print(table)


@milestones_app.command("list")
def milestones_list(engagement_id: int, db: DbOption = None, json: JsonOption = False) -> None:
    """An engagement's milestones, in order."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        found = [_milestone(m) for m in milestones.engagement_milestones(session, engagement_id, by=SYSTEM)]
    if json:
        print_json(found)
        return
    _milestone_table(found)


@milestones_app.command("add")
def milestones_add(engagement_id: int, name: str, due: DueOption = None, status: StatusOption = None,
                   note: NoteOption = None, db: DbOption = None, json: JsonOption = False) -> None:
    """Add a milestone to an engagement (it goes last)."""
    data = _changes(name=name, due_on=due, status=status, note=note)
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        made = _milestone(milestones.add_to_engagement(session, engagement_id, data, by=SYSTEM))
    if json:
        print_json(made)
        return
    out.print(f"milestone {made['id']}: {made['name']} ({made['status'].value})")


@milestones_app.command("set")
def milestones_set(milestone_id: int, name: Annotated[str | None, typer.Option("--name", help="A new name.")] = None,
                   due: DueOption = None, status: StatusOption = None, note: NoteOption = None,
                   db: DbOption = None, json: JsonOption = False) -> None:
    """Change a milestone: only what is given (marking it done records when)."""
    data = _changes(name=name, due_on=due, status=status, note=note)
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        found = milestones.milestones.get(session, milestone_id, by=SYSTEM)
        changed = _milestone(milestones.milestones.update(session, found, data, by=SYSTEM))
    if json:
        print_json(changed)
        return
    out.print(f"milestone {changed['id']}: {changed['name']} ({changed['status'].value})")


@milestones_app.command("order")
def milestones_order(engagement_id: int, ids: Annotated[list[int], typer.Argument(help="Every milestone's id, in "
                                                                                      "the new order.")],
                     db: DbOption = None, json: JsonOption = False) -> None:
    """Put an engagement's milestones in a new order."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        found = [_milestone(m) for m in milestones.reorder(session, engagement_id, ids, by=SYSTEM)]
    if json:
        print_json(found)
        return
    _milestone_table(found)


@milestones_app.command("delete")
def milestones_delete(milestone_id: int, db: DbOption = None) -> None:
    """Delete a milestone."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        found = milestones.milestones.get(session, milestone_id, by=SYSTEM)
        name = found.name
        milestones.milestones.delete(session, found, by=SYSTEM)
    out.print(f"deleted milestone {milestone_id}: {name}")


# --- documents ----------------------------------------------------------------------------------

@documents_app.command("list")
def documents_list(client_id: int, db: DbOption = None, json: JsonOption = False) -> None:
    """The documents shared with a client, newest first."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        found = [_document(d) for d in documents.documents_page(session, client_id, per_page=500, by=SYSTEM).items]
    if json:
        print_json(found)
        return
    table = Table("id", "title", "file", "bytes", "shared")
    for d in found:
        table.add_row(str(d["id"]), d["title"], d["filename"], str(d["size"]),
                      d["created_at"].isoformat(timespec="minutes"))
    out.print(table)


@documents_app.command("share")
def documents_share(client_id: int, file: Annotated[Path, typer.Argument(help="The file to share.")],
                    title: Annotated[str | None, typer.Option("--title", help="Default: the file's name.")] = None,
                    engagement: Annotated[int | None, typer.Option("--engagement",
                                                                   help="One of the client's engagements.")] = None,
                    content_type: Annotated[str | None, typer.Option("--content-type",
                                                                     help="Default: guessed from the name.")] = None,
                    db: DbOption = None, json: JsonOption = False) -> None:
    """Share a file (at most 10 MB) with the client's contacts."""
    with opened(db) as runtime, user_errors():
        limit = documents.upload_limit(runtime.settings.max_upload_bytes)
        with file.open("rb") as stream:
            content = documents.read_capped(stream, limit)
        kind = content_type or mimetypes.guess_type(file.name)[0]
        with runtime.transaction() as session:
            made = _document(documents.share(session, client_id, title=title, filename=file.name, content_type=kind,
                                             content=content, engagement_id=engagement, limit=limit, by=SYSTEM))
    if json:
        print_json(made)
        return
    out.print(f"document {made['id']}: {made['title']} ({made['size']} bytes) shared with client {client_id}")


@documents_app.command("delete")
def documents_delete(document_id: int, db: DbOption = None) -> None:
    """Stop sharing a document and delete it."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        gone = documents.delete_document(session, document_id, by=SYSTEM)
        title = gone.title
    out.print(f"deleted document {document_id}: {title}")

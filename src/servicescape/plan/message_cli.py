"""``servicescape messages list|show|add|version|approve|use|adoption``, ``cases list|add|approve|export``
and ``proposals list|make|pdf``: the message library, its adoption, case studies (the approved-only
website export) and proposal packs. Commands act as the system unless ``--by`` names the person
acting (recorded as the writer or approver; their role's rights apply)."""

from __future__ import annotations

import json as jsonlib
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from servicescape.auth import service as auth
from servicescape.auth.permissions import SYSTEM, Principal
from servicescape.cli.common import DbOption, JsonOption, fail, opened, out, print_json, user_errors
from servicescape.clients.service import find_client
from servicescape.db.types import utcnow
from servicescape.plan import case_studies, message_uses, proposal_document, proposals
from servicescape.plan import messages as library
from servicescape.plan.message_schemas import CaseStudyOut, MessageOut, MessageUseOut, ProposalOut, VersionOut
from servicescape.plan.models import CaseStudyStatus, MessageKind
from servicescape.platform.files import write_whole

messages_app = typer.Typer(help="The message library: approved positioning and benefit statements per segment and "
                                "language, their versions, approval, uses and adoption.", no_args_is_help=True)
cases_app = typer.Typer(help="Case studies: a client's problem, what was done, the measured result; the approved-only "
                             "export for the website.", no_args_is_help=True)
proposals_app = typer.Typer(help="Proposal packs in the client's language, as HTML and PDF.", no_args_is_help=True)

By = Annotated[str | None, typer.Option("--by", help="Who acts (e-mail); default: the system.")]


def register(app: typer.Typer) -> None:
    app.add_typer(messages_app, name="messages")
    app.add_typer(cases_app, name="cases")
    app.add_typer(proposals_app, name="proposals")


def _acting(session: Session, email: str | None) -> Principal:
    return auth.get_by_email(session, email) if email else SYSTEM


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{text} is not a date (YYYY-MM-DD)")


def _plain(schema: Any, record: Any) -> dict[str, Any]:
    return schema.model_validate(record).model_dump(mode="json")  # type: ignore[no-any-return]


# --- messages -------------------------------------------------------------------------------------

@messages_app.command("list")
def messages_list(retired: Annotated[bool, typer.Option(help="Include retired messages.")] = False,
                  db: DbOption = None, json: JsonOption = False) -> None:
    """Every message with the languages it is approved in, the drafts waiting and the languages missing."""
    with opened(db) as runtime, runtime.transaction() as session:
        found = [{**_plain(MessageOut, line.message), "owner": line.owner_name,
                  "approved": {code: v.version for code, v in line.approved.items()}, "drafts": line.drafts,
                  "missing": line.missing, "uses": line.uses}
                 for line in library.library(session, retired=retired, by=SYSTEM)]
    if json:
        print_json(found)
        return
    table = Table("id", "message", "kind", "segment", "approved in", "drafts", "missing", "uses")
    for row in found:
        table.add_row(str(row["id"]), row["name"], row["kind"], row["segment"] or "every client",
                      ", ".join(f"{code} v{n}" for code, n in row["approved"].items()), ", ".join(row["drafts"]),
                      ", ".join(row["missing"]), str(row["uses"]))
    out.print(table)


@messages_app.command("show")
def messages_show(message_id: int, db: DbOption = None, json: JsonOption = False) -> None:
    """A message's versions per language and its approved texts."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        found = library.view(session, message_id, by=SYSTEM)
        payload = {**_plain(MessageOut, found.message), "owner": found.owner_name,
                   "approved": {code: v.text for code, v in found.approved.items()}, "missing": found.missing,
                   "versions": [_plain(VersionOut, v) for group in found.versions.values() for v in group]}
    if json:
        print_json(payload)
        return
    out.print(f"[bold]{payload['name']}[/] ({payload['kind']}, {payload['segment'] or 'every client'})")
    for version in payload["versions"]:
        out.print(f"{version['language']} v{version['version']} [{version['status']}]: {version['text']}",
                  markup=False)
    if payload["missing"]:
        out.print(f"missing: {', '.join(payload['missing'])}")


@messages_app.command("add")
def messages_add(name: str, kind: Annotated[MessageKind, typer.Option(help="positioning or benefit")]
                 = MessageKind.benefit,
                 segment: Annotated[str | None, typer.Option(help="A segment; none: every client.")] = None,
                 owner: Annotated[str | None, typer.Option(help="The owner's e-mail.")] = None,
                 db: DbOption = None, json: JsonOption = False) -> None:
    """Add a message (its texts are versions: see ``messages version``)."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        owner_id = auth.get_by_email(session, owner).id if owner else None
        made = library.messages.create(session, {"name": name, "kind": kind, "segment": segment,
                                                 "owner_id": owner_id}, by=SYSTEM)
        row = _plain(MessageOut, made)
    print_json(row) if json else out.print(f"Added message {row['id']}: {row['name']}.")


@messages_app.command("version")
def messages_version(message_id: int, language: str, text: str, by: By = None, db: DbOption = None,
                     json: JsonOption = False) -> None:
    """A new draft of a message in a language (en, ms, bg, zh-Hans, zh-Hant, hu)."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        made = library.add_version(session, message_id, language, text, by=_acting(session, by))
        row = _plain(VersionOut, made)
    print_json(row) if json else out.print(f"Draft {row['id']}: {row['language']} v{row['version']}.")


@messages_app.command("approve")
def messages_approve(version_id: int, by: By = None, db: DbOption = None, json: JsonOption = False) -> None:
    """Approve a draft (the version approved before it in that language is superseded)."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        row = _plain(VersionOut, library.approve_version(session, version_id, by=_acting(session, by)))
    print_json(row) if json else out.print(f"Approved {row['language']} v{row['version']} of message "
                                           f"{row['message_id']}.")


@messages_app.command("use")
def messages_use(message_id: int, interaction: Annotated[int, typer.Option(help="The interaction's id.")],
                 language: Annotated[str | None, typer.Option(help="Default: the client's.")] = None,
                 by: By = None, db: DbOption = None, json: JsonOption = False) -> None:
    """Record that an interaction used an approved message."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        made = message_uses.record_use(session, message_id=message_id, interaction_id=interaction,
                                       language=language, by=_acting(session, by))
        row = _plain(MessageUseOut, made)
    print_json(row) if json else out.print(f"Recorded use {row['id']} of message {message_id}.")


@messages_app.command("adoption")
def messages_adoption(since: Annotated[str | None, typer.Option(help="YYYY-MM-DD; default: 90 days ago.")] = None,
                      until: Annotated[str | None, typer.Option(help="YYYY-MM-DD; default: today.")] = None,
                      db: DbOption = None, json: JsonOption = False) -> None:
    """The share of interactions that carried an approved message, per staff member and per message."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        last = _day(until) or utcnow().astimezone(runtime.settings.zone).date()
        found = message_uses.adoption(session, _day(since) or last - timedelta(days=89), last,
                                      zone=runtime.settings.zone, by=SYSTEM)
    if json:
        print_json(found.as_dict())
        return
    share = "—" if found.share is None else f"{found.share:.0%}"
    out.print(f"{found.since} – {found.until}: {found.with_message} of {found.interactions} interactions "
              f"carried an approved message ({share}).")
    table = Table("staff member", "interactions", "with a message", "share")
    for row in found.staff:
        table.add_row(row.name or "(nobody recorded)", str(row.interactions), str(row.with_message),
                      "—" if row.share is None else f"{row.share:.0%}")
    out.print(table)
    table = Table("message", "uses", "in interactions", "in proposals", "people")
    for item in found.messages:
        table.add_row(item.name, str(item.uses), str(item.in_interactions), str(item.in_proposals), str(item.people))
    out.print(table)


# --- case studies -----------------------------------------------------------------------------------

@cases_app.command("list")
def cases_list(status: Annotated[CaseStudyStatus | None, typer.Option(help="draft or approved")] = None,
               client: Annotated[str | None, typer.Option(help="The client (name, number or id).")] = None,
               db: DbOption = None, json: JsonOption = False) -> None:
    """Case studies, the latest first."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        client_id = find_client(session, client, by=SYSTEM).id if client else None
        found = [{**_plain(CaseStudyOut, study), "client": name}
                 for study, name in case_studies.listing(session, status=status, client_id=client_id, by=SYSTEM)]
    if json:
        print_json(found)
        return
    table = Table("id", "title", "client", "language", "result", "status")
    for row in found:
        table.add_row(str(row["id"]), row["title"], row["client"] or "", row["language"], row["result_figure"] or "",
                      row["status"])
    out.print(table)


@cases_app.command("add")
def cases_add(client: Annotated[str, typer.Option(help="The client (name, number or id).")],
              title: Annotated[str, typer.Option()], problem: Annotated[str, typer.Option()],
              approach: Annotated[str, typer.Option(help="What was done.")],
              result: Annotated[str, typer.Option(help="The measured result.")],
              figure: Annotated[str | None, typer.Option(help="The result in one figure.")] = None,
              language: Annotated[str | None, typer.Option(help="Default: the client's.")] = None,
              engagement: Annotated[int | None, typer.Option()] = None,
              outcome: Annotated[int | None, typer.Option(help="An outcome of the client's value case.")] = None,
              testimonial: Annotated[int | None, typer.Option(help="The client's approved testimonial.")] = None,
              package: Annotated[int | None, typer.Option()] = None,
              segment: Annotated[str | None, typer.Option()] = None,
              by: By = None, db: DbOption = None, json: JsonOption = False) -> None:
    """Add a case study (a draft until a manager approves it)."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        made = case_studies.case_studies.create(session, {
            "client_id": find_client(session, client, by=SYSTEM).id, "title": title, "problem": problem,
            "approach": approach, "result": result, "result_figure": figure, "language": language,
            "engagement_id": engagement, "outcome_id": outcome, "testimonial_id": testimonial, "package_id": package,
            "segment": segment}, by=_acting(session, by))
        row = _plain(CaseStudyOut, made)
    print_json(row) if json else out.print(f"Added case study {row['id']} ({row['status']}).")


@cases_app.command("approve")
def cases_approve(case_study_id: int, by: By = None, db: DbOption = None) -> None:
    """Approve a case study: it joins the website export and proposals."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        case_studies.approve(session, case_study_id, by=_acting(session, by))
    out.print(f"Case study {case_study_id} is approved.")


@cases_app.command("export")
def cases_export(out_file: Annotated[Path | None, typer.Option("--out", help="Write the JSON here.")] = None,
                 html: Annotated[Path | None, typer.Option("--html", help="Write a static HTML page here.")] = None,
                 language: Annotated[str | None, typer.Option(help="Only case studies in this language.")] = None,
                 db: DbOption = None) -> None:
    """The approved case studies for the website (JSON on the standard output unless --out)."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        found = case_studies.export(session, language=language, by=SYSTEM)
        payload = case_studies.export_json(found)
        if out_file is not None:
            out_file.write_text(jsonlib.dumps(payload, ensure_ascii=False, indent=2) + "\n", "utf-8")
        if html is not None:
            html.write_text(case_studies.export_html(found), "utf-8")
    if out_file is None and html is None:
        print_json(payload)
    else:
        out.print(f"Exported {len(payload)} approved case studies.")


# --- proposals -------------------------------------------------------------------------------------

@proposals_app.command("list")
def proposals_list(client: Annotated[str | None, typer.Option(help="The client (name, number or id).")] = None,
                   db: DbOption = None, json: JsonOption = False) -> None:
    """Proposals, the latest first."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        client_id = find_client(session, client, by=SYSTEM).id if client else None
        found = [{**_plain(ProposalOut, line.proposal), "client": line.client_name, "message": line.message_name}
                 for line in proposals.listing(session, client_id=client_id, by=SYSTEM)]
    if json:
        print_json(found)
        return
    table = Table("id", "title", "client", "language", "leads with", "sent on")
    for row in found:
        table.add_row(str(row["id"]), row["title"], row["client"], row["language"], row["message"] or "",
                      row["sent_on"] or "")
    out.print(table)


@proposals_app.command("make")
def proposals_make(client: Annotated[str, typer.Argument(help="The client (name, number or id).")],
                   title: Annotated[str, typer.Option()],
                   language: Annotated[str | None, typer.Option(help="Default: the client's.")] = None,
                   package: Annotated[int | None, typer.Option()] = None,
                   value_case: Annotated[int | None, typer.Option("--value-case")] = None,
                   message: Annotated[int | None, typer.Option(help="The message it leads with.")] = None,
                   case_study: Annotated[list[int] | None, typer.Option("--case-study")] = None,
                   testimonial: Annotated[list[int] | None, typer.Option("--testimonial")] = None,
                   by: By = None, db: DbOption = None, json: JsonOption = False) -> None:
    """Make a proposal pack (it records a use of its message)."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        made = proposals.proposals.create(session, {
            "client_id": find_client(session, client, by=SYSTEM).id, "title": title, "language": language,
            "package_id": package, "value_case_id": value_case, "message_id": message,
            "case_study_ids": case_study or [], "testimonial_ids": testimonial or []}, by=_acting(session, by))
        row = _plain(ProposalOut, made)
    print_json(row) if json else out.print(f"Made proposal {row['id']} in {row['language']}.")


@proposals_app.command("pdf")
def proposals_pdf(proposal_id: int, out_file: Annotated[Path, typer.Option("--out", help="The PDF file to write.")],
                  db: DbOption = None) -> None:
    """Write a proposal pack as a PDF, in the proposal's language."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        today = utcnow().astimezone(runtime.settings.zone).date()
        found = proposals.pack(session, proposal_id, day=today, by=SYSTEM)
        html = proposal_document.page(found, runtime.settings, for_pdf=True)
    with user_errors():
        write_whole(out_file, proposal_document.html_to_pdf(html))
    out.print(f"Wrote {out_file}.")

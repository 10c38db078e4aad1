"""``servicescape survey create|list|activate|send|links|results``: service-quality surveys from the
terminal — build one, send it to chosen clients, hand the private links to a mail-merge, and read
the SERVQUAL gaps and the NPS. (``survey import``, answers from another survey tool, is
``import_cli``'s: it joins this group.)"""

from __future__ import annotations

import csv
import io
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from servicescape.auth import service as auth
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, fail, opened, out, print_json
from servicescape.clients.models import Tier
from servicescape.quality import campaigns, overview, responses, results, surveys
from servicescape.quality.instrument import DIMENSIONS, dimension_label
from servicescape.quality.models import SurveyKind
from servicescape.quality.responses import ResponseFilter
from servicescape.quality.results import ResultFilter

survey_app = typer.Typer(
    help="Service-quality surveys: SERVQUAL, NPS, CSAT or your own questions; campaigns that e-mail each "
         "client a private link; the gaps between what clients expect and what they get.",
    no_args_is_help=True)

SurveyId = Annotated[int, typer.Argument(metavar="ID", help="The survey's id (`survey list` shows them).")]
CampaignId = Annotated[int, typer.Argument(metavar="CAMPAIGN_ID", help="The campaign's id (`survey send` prints it).")]


CREATE_HELP = (
    "Create a survey; prints its id.\n\n"
    "It starts as a draft with the built-in questions of its kind; `survey activate ID` makes it "
    "ready to send."
)

ACTIVATE_HELP = (
    "Activate a draft survey so that campaigns may send it.\n\n"
    "Its questions are fixed from then on; your own questions need their text in all six languages."
)

SEND_HELP = (
    "Send an active survey to chosen clients: one private link each, e-mailed now.\n\n"
    "Makes a campaign of the active clients with an e-mail address that match every choice (and did "
    "not opt out), opens it and queues the invitations in the outbox in each client's language. At "
    "most one survey e-mail a day goes to an address; reminders follow by themselves."
)

LINKS_HELP = (
    "Write a campaign's private links as CSV, for a mail-merge in your own e-mail tool.\n\n"
    "One row per recipient: client_external_id, client_name, greeting_name, email, language, link, "
    "expires_at."
)

RESULTS_HELP = (
    "Show the SERVQUAL gaps per dimension with their 95% intervals, and the NPS.\n\n"
    "A gap is perception minus expectation (−6..6; below 0: short of what clients expect). The "
    "dimensions to fix first are those with a negative importance-weighted gap, the largest first. "
    "The NPS is of the same period: every survey's answers from the wave's first answer to its last."
)


def register(app: typer.Typer) -> None:
    app.add_typer(survey_app, name="survey")


def _survey_row(survey: Any, answered: int) -> dict[str, Any]:
    return {"id": survey.id, "name": survey.name, "kind": survey.kind.value, "status": survey.status.value,
            "responses": answered, "created_at": survey.created_at.isoformat()}


# --- surveys ------------------------------------------------------------------------------------

@survey_app.command("create", help=CREATE_HELP)
def create(
    kind: Annotated[SurveyKind, typer.Option(help="servqual: the 22 statements, importance and NPS; nps; csat; "
                                                  "custom: only your own questions (add them on the survey's page).")],
    name: Annotated[str, typer.Option(help="The survey's name, e.g. \"Client survey 2026\".")],
    importance: Annotated[bool, typer.Option(
        "--importance/--no-importance",
        help="SERVQUAL: ask how 100 points of importance split across the five dimensions.")] = True,
    db: DbOption = None, json: JsonOption = False,
) -> None:
    """See CREATE_HELP."""
    with opened(db) as runtime, runtime.transaction() as session:
        survey = surveys.create(session, name=name, kind=kind, importance=importance, by=SYSTEM)
        row = {**_survey_row(survey, 0), "items": [item.code for item in survey.items]}
    if json:
        print_json(row)
    else:
        out.print(f"Created survey {row['id']} ({row['kind']}, a draft with {len(row['items'])} questions); "
                  f"`servicescape survey activate {row['id']}` makes it ready to send.")


@survey_app.command("list")
def list_surveys(db: DbOption = None, json: JsonOption = False) -> None:
    """List the surveys, newest first, with their submitted responses."""
    with opened(db) as runtime, runtime.transaction() as session:
        rows = [_survey_row(survey, count) for survey, count in surveys.listing(session, by=SYSTEM)]
    if json:
        print_json(rows)
        return
    table = Table("id", "name", "kind", "status", "responses", caption=f"{len(rows)} surveys")
    for row in rows:
        table.add_row(str(row["id"]), row["name"], row["kind"], row["status"], f"{row['responses']:,}")
    out.print(table)


@survey_app.command("activate", help=ACTIVATE_HELP)
def activate(survey_id: SurveyId, db: DbOption = None,
             json: JsonOption = False) -> None:
    """See ACTIVATE_HELP."""
    with opened(db) as runtime, runtime.transaction() as session:
        survey = surveys.activate(session, surveys.get(session, survey_id, by=SYSTEM), by=SYSTEM)
        row = _survey_row(survey, overview.answered_count(session, survey.id, by=SYSTEM))
    if json:
        print_json(row)
    else:
        out.print(f"Survey {survey_id} is active.")


# --- campaigns ----------------------------------------------------------------------------------

@survey_app.command("send", help=SEND_HELP)
def send(
    survey_id: SurveyId,
    name: Annotated[str, typer.Option(help="The campaign's name, e.g. \"Spring 2026\".")],
    tier: Annotated[list[Tier] | None, typer.Option(help="Only clients of this tier; repeatable.")] = None,
    segment: Annotated[list[str] | None, typer.Option(help="Only clients of this segment; repeatable.")] = None,
    owner: Annotated[str | None, typer.Option(help="Only the clients this staff member looks after (e-mail).")]
    = None,
    completed_from: Annotated[datetime | None, typer.Option(
        formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", show_default=False,
        help="Only clients with an engagement completed on or after this day (the invitation is about it).")]
    = None,
    completed_to: Annotated[datetime | None, typer.Option(
        formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", show_default=False,
        help="... completed on or before this day.")] = None,
    recovered_from: Annotated[datetime | None, typer.Option(
        formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", show_default=False,
        help="Only clients with a service recovery closed as done on or after this day (the firm's clock).")]
    = None,
    recovered_to: Annotated[datetime | None, typer.Option(
        formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", show_default=False,
        help="... closed on or before this day.")] = None,
    expires_days: Annotated[int, typer.Option(min=1, max=365, help="The links work this many days.")] = 30,
    remind_after: Annotated[int, typer.Option(min=1, max=90, help="Remind after this many days without an "
                                                                  "answer.")] = 7,
    max_reminders: Annotated[int, typer.Option(min=0, max=5, help="Reminders at most.")] = 2,
    db: DbOption = None, json: JsonOption = False,
) -> None:
    """See SEND_HELP."""
    with opened(db) as runtime, runtime.transaction() as session:
        audience = campaigns.Audience(
            tiers=tuple(t.value for t in tier or ()), segments=tuple(segment or ()),
            owner_id=auth.get_by_email(session, owner).id if owner else None,
            completed_from=completed_from.date() if completed_from else None,
            completed_to=completed_to.date() if completed_to else None,
            recovered_from=recovered_from.date() if recovered_from else None,
            recovered_to=recovered_to.date() if recovered_to else None)
        survey = surveys.get(session, survey_id, by=SYSTEM)
        campaign = campaigns.create(session, runtime.settings, survey, name, audience, expires_in_days=expires_days,
                                    remind_after_days=remind_after, max_reminders=max_reminders, by=SYSTEM)
        mailing = campaigns.open_and_send(session, runtime.settings, campaign, by=SYSTEM)
        progress = campaigns.status(session, campaign, by=SYSTEM)
        row = {"id": campaign.id, "survey_id": survey.id, "name": campaign.name, "status": campaign.status.value,
               "expires_at": campaign.expires_at.isoformat(), "invitations": progress.invited,
               "invited": mailing.invited, "waiting": mailing.waiting, "bad_address": mailing.bad_address}
    if json:
        print_json(row)
        return
    out.print(f"Campaign {row['id']} is open: {row['invitations']:,} private links, {row['invited']:,} "
              f"invitations e-mailed now, {row['waiting']:,} tomorrow (an e-mail in the last 24 hours).")
    out.print(f"`servicescape survey links {row['id']}` writes the links for a mail-merge.")


@survey_app.command("links", help=LINKS_HELP)
def links(
    campaign_id: CampaignId,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", dir_okay=False, help="The CSV file to write (default: print it).")] = None,
    db: DbOption = None, json: Annotated[bool, typer.Option("--json", help="Print JSON instead of CSV.")] = False,
) -> None:
    """See LINKS_HELP."""
    with opened(db) as runtime, runtime.transaction() as session:
        campaign = campaigns.get(session, campaign_id, by=SYSTEM)
        chunks = campaigns.links_csv(session, runtime.settings, campaign, by=SYSTEM)
        if json:
            print_json(list(csv.DictReader(io.StringIO("".join(chunks)))))
            return
        if output is None:
            for chunk in chunks:
                sys.stdout.write(chunk)
            return
        with output.open("w", encoding="utf-8", newline="") as handle:
            for chunk in chunks:
                handle.write(chunk)
        count = campaigns.status(session, campaign, by=SYSTEM).invited
    out.print(f"Wrote {count:,} links to {output}.")


# --- results ------------------------------------------------------------------------------------

def _span(session: Any, survey_id: int, campaign_id: int | None) -> tuple[datetime, datetime] | None:
    """The first and the last submission of a wave's answers."""
    where = ResponseFilter(survey_id=survey_id, campaign_id=campaign_id)
    newest = responses.responses_page(session, where, per_page=1, by=SYSTEM)
    if not newest.total:
        return None
    oldest = responses.responses_page(session, where, page=newest.total, per_page=1, by=SYSTEM)
    first, last = oldest.items[0].submitted_at, newest.items[0].submitted_at
    assert first is not None and last is not None
    return first, last


def _results(session: Any, survey_id: int | None) -> dict[str, Any]:
    """The SERVQUAL figures of a survey (or of the latest wave) and the NPS of its period."""
    campaign_id: int | None = None
    campaign_name: str | None = None
    if survey_id is None:
        wave = overview.latest_servqual_wave(session, by=SYSTEM)
        if wave is None:
            fail("No SERVQUAL survey has answers yet.")
        survey_id, survey_name = wave.survey_id, wave.survey_name
        campaign_id, campaign_name = wave.campaign_id, wave.campaign_name
    else:
        survey_name = surveys.get(session, survey_id, by=SYSTEM).name
    gaps = results.servqual(session, ResultFilter(survey_id=survey_id, campaign_id=campaign_id), by=SYSTEM)
    span = _span(session, survey_id, campaign_id)
    nps = None if span is None else results.nps(
        session, ResultFilter(since=span[0], until=span[1] + timedelta(microseconds=1)), by=SYSTEM).as_dict()
    return {"survey": {"id": survey_id, "name": survey_name},
            "campaign": None if campaign_id is None else {"id": campaign_id, "name": campaign_name},
            "period": None if span is None else {"from": span[0].isoformat(), "to": span[1].isoformat()},
            **gaps.as_dict(), "nps": nps}


@survey_app.command("results", help=RESULTS_HELP)
def show_results(
    survey_id: Annotated[int | None, typer.Argument(
        metavar="ID", show_default=False,
        help="A survey's id (default: the latest SERVQUAL wave: the campaign, or survey, of the newest answer).")]
    = None,
    db: DbOption = None, json: JsonOption = False,
) -> None:
    """See RESULTS_HELP."""
    with opened(db) as runtime, runtime.transaction() as session:
        found = _results(session, survey_id)
    if json:
        print_json(found)
        return
    wave = found["survey"]["name"] + (f" — {found['campaign']['name']}" if found["campaign"] else "")
    table = Table("dimension", "gap", "95% CI", "respondents", "importance", "", title=wave,
                  caption=f"{found['respondents']:,} respondents; gap = perception − expectation (−6..6)")
    for dimension in DIMENSIONS:
        row = found["dimensions"][dimension]
        interval = "" if row["ci_low"] is None else f"{row['ci_low']:+.2f} … {row['ci_high']:+.2f}"
        table.add_row(dimension_label(dimension), "—" if row["gap"] is None else f"{row['gap']:+.2f}", interval,
                      str(row["n"]), "" if row["importance"] is None else f"{row['importance']:.0f}",
                      "fix first" if found["fix_first"][:1] == [dimension] else
                      ("to fix" if dimension in found["fix_first"] else ""))
    out.print(table)
    if found["weighted_score"] is not None:
        out.print(f"Weighted SERVQUAL score: {found['weighted_score']:+.2f}"
                  + (" (equal weights: importance was not asked)" if found["equal_weights"] else ""))
    nps = found["nps"]
    if nps and nps["score"] is not None:
        out.print(f"NPS {nps['score']:+.0f} (95% CI {nps['ci_low']:+.0f} … {nps['ci_high']:+.0f}, "
                  f"{nps['n']:,} answers from {found['period']['from'][:10]} to {found['period']['to'][:10]})")

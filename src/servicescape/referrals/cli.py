"""``servicescape testimonials|referrals ...``: word of mouth from the terminal.

Times without a timezone are read on the firm's clock (the settings' timezone)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from servicescape.auth import service as auth
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, fail, opened, out, print_json
from servicescape.clients.service import resolve_client_ref
from servicescape.referrals import service
from servicescape.referrals.models import ConsentUse, ReferralStatus
from servicescape.referrals.schemas import ReferralOut, TestimonialOut
from servicescape.referrals.stats import referral_stats
from servicescape.runtime import Runtime

testimonials_app = typer.Typer(help="Testimonials: the client's words, their consent, approval and the export.",
                               no_args_is_help=True)
referrals_app = typer.Typer(help="Referrals: who sent us whom, what it won, and the top referrers.",
                            no_args_is_help=True)

ClientRef = Annotated[str, typer.Argument(help="The client (id or external id).")]
Year = Annotated[int | None, typer.Option(min=1900, max=9998, help="A calendar year.")]
Since = Annotated[str | None, typer.Option(help="Referred on or after this day, e.g. 2026-01-01.")]
Until = Annotated[str | None, typer.Option(help="Referred before this day.")]


def register(app: typer.Typer) -> None:
    app.add_typer(testimonials_app, name="testimonials")
    app.add_typer(referrals_app, name="referrals")


def _aware(runtime: Runtime, text: str | None, option: str) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        fail(f"{option}: not a date and time such as 2026-12-24T14:00: {text!r}", code=2)
    return moment if moment.tzinfo else moment.replace(tzinfo=runtime.settings.zone)


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        fail(f"{option}: not a day such as 2026-12-24: {text!r}", code=2)


def _testimonial_row(testimonial: Any) -> dict[str, Any]:
    return TestimonialOut.model_validate(testimonial).model_dump(mode="json")


def _referral_row(referral: Any, session: Any = None) -> dict[str, Any]:
    if session is not None:
        session.refresh(referral)   # what is stored (exact money)
    return ReferralOut.model_validate(referral).model_dump(mode="json")


# --- testimonials -------------------------------------------------------------------------------------

@testimonials_app.command("add")
def add_testimonial(
    client: ClientRef,
    author: Annotated[str, typer.Option(help="Who said it.")],
    text: Annotated[str, typer.Option(help="Their words.")],
    language: Annotated[str, typer.Option(help="en, ms, bg, zh-Hans, zh-Hant or hu.")] = "en",
    role: Annotated[str | None, typer.Option(help="Their role or title.")] = None,
    consent_by: Annotated[str | None, typer.Option(help="Who gave consent to its use.")] = None,
    consent_at: Annotated[str | None, typer.Option(help="When, e.g. 2026-03-01T10:00 (default: now if "
                                                        "--consent-by is given).")] = None,
    use: Annotated[list[ConsentUse] | None, typer.Option(help="Where it may be used (repeat the option).")] = None,
    db: DbOption = None, json: JsonOption = False,
) -> None:
    """Add a testimonial; it waits for approval once its consent is complete (else it is a draft)."""
    with opened(db) as runtime, runtime.transaction() as session:
        moment = _aware(runtime, consent_at, "--consent-at")
        if moment is None and consent_by:
            moment = datetime.now(runtime.settings.zone)
        found = service.testimonials.create(session, {
            "client_id": resolve_client_ref(session, client), "author_name": author, "author_role": role,
            "text": text, "language": language, "consent_by": consent_by, "consent_at": moment,
            "consent_uses": [u.value for u in use or ()]}, by=SYSTEM)
        row = _testimonial_row(found)
    if json:
        print_json(row)
    else:
        out.print(f"Added testimonial {row['id']} ({row['status']}).")


@testimonials_app.command("approve")
def approve_testimonial(testimonial_id: int, db: DbOption = None, json: JsonOption = False) -> None:
    """Approve a testimonial: it joins the export for the uses the client consented to."""
    with opened(db) as runtime, runtime.transaction() as session:
        found = service.approve(session, service.testimonials.get(session, testimonial_id, by=SYSTEM), by=SYSTEM)
        row = _testimonial_row(found)
    if json:
        print_json(row)
    else:
        out.print(f"Testimonial {testimonial_id} is approved.")


@testimonials_app.command("export")
def export_testimonials(
    use: Annotated[ConsentUse, typer.Option(help="For which use: website, proposals or case_studies.")],
    language: Annotated[str | None, typer.Option(help="Only this language.")] = None,
    db: DbOption = None, json: JsonOption = False,
) -> None:
    """Print the approved testimonials consented for a use: an HTML snippet, or JSON with --json."""
    with opened(db) as runtime, runtime.transaction() as session:
        found = service.export(session, use, language=language, by=SYSTEM)
    if json:
        print_json(service.export_json(found))
    else:
        typer.echo(service.export_html(found), nl=False)


# --- referrals ----------------------------------------------------------------------------------------

@referrals_app.command("add")
def add_referral(
    referrer: ClientRef,
    client: Annotated[str | None, typer.Option(help="The referred client (id or external id).")] = None,
    prospect: Annotated[str | None, typer.Option(help="Else: the prospect's name.")] = None,
    email: Annotated[str | None, typer.Option(help="The prospect's e-mail.")] = None,
    company: Annotated[str | None, typer.Option(help="The prospect's company.")] = None,
    on: Annotated[str | None, typer.Option(help="The day of the referral (default: today).")] = None,
    status: ReferralStatus = ReferralStatus.new,
    value: Annotated[str | None, typer.Option(help="The value won (a won referral).")] = None,
    currency: Annotated[str | None, typer.Option(help="The value's currency, e.g. MYR.")] = None,
    owner: Annotated[str | None, typer.Option(help="Who follows it up (e-mail).")] = None,
    note: str | None = None,
    db: DbOption = None, json: JsonOption = False,
) -> None:
    """Record a referral: who referred whom (a client of the book or a prospect)."""
    with opened(db) as runtime, runtime.transaction() as session:
        found = service.referrals.create(session, {
            "referrer_client_id": resolve_client_ref(session, referrer),
            "referred_client_id": resolve_client_ref(session, client) if client else None,
            "prospect_name": prospect, "prospect_email": email, "prospect_company": company,
            "referred_on": _day(on, "--on") or datetime.now(runtime.settings.zone).date(), "status": status,
            "value_won": value, "currency": currency,
            "owner_id": auth.get_by_email(session, owner).id if owner else None, "note": note}, by=SYSTEM)
        row = _referral_row(found, session)
    if json:
        print_json(row)
    else:
        out.print(f"Recorded referral {row['id']} ({row['status']}).")


@referrals_app.command("status")
def referral_status(
    referral_id: int, status: ReferralStatus,
    value: Annotated[str | None, typer.Option(help="The value won (needed when won).")] = None,
    currency: Annotated[str | None, typer.Option(help="The value's currency.")] = None,
    won_on: Annotated[str | None, typer.Option(help="When it was won (default: today).")] = None,
    db: DbOption = None, json: JsonOption = False,
) -> None:
    """Move a referral on: contacted, proposal, won (with its value), lost."""
    with opened(db) as runtime, runtime.transaction() as session:
        found = service.set_status(session, service.referrals.get(session, referral_id, by=SYSTEM), status,
                                   value_won=value, currency=currency, won_on=_day(won_on, "--won-on"), by=SYSTEM)
        row = _referral_row(found, session)
    if json:
        print_json(row)
    else:
        out.print(f"Referral {referral_id} is {row['status']}.")


@referrals_app.command("list")
def list_referrals(
    status: ReferralStatus | None = None,
    referrer: Annotated[str | None, typer.Option(help="Made by this client (id or external id).")] = None,
    year: Year = None, since: Since = None, until: Until = None,
    page: Annotated[int, typer.Option(min=1)] = 1,
    per_page: Annotated[int, typer.Option(min=1, max=500)] = 50,
    db: DbOption = None, json: JsonOption = False,
) -> None:
    """List referrals, newest first."""
    with opened(db) as runtime, runtime.transaction() as session:
        first, end = service.period_of(year, _day(since, "--since"), _day(until, "--until"))
        filters = service.ReferralFilters(status=status, since=first, until=end,
                                          referrer_client_id=resolve_client_ref(session, referrer) if referrer
                                          else None)
        found = service.referral_page(session, filters, page=page, per_page=per_page, by=SYSTEM)
        rows = [{**_referral_row(r), "referrer": r.referrer.name,
                 "referred": r.referred_client.name if r.referred_client else
                 ", ".join(p for p in (r.prospect_name, r.prospect_company) if p)} for r in found.items]
    if json:
        print_json({"items": rows, "total": found.total, "page": found.page, "pages": found.pages})
        return
    table = Table("id", "on", "referrer", "referred", "status", "value won",
                  caption=f"page {found.page} of {found.pages} — {found.total} referrals")
    for row in rows:
        won = f"{row['value_won']} {row['currency']}" if row["value_won"] is not None else ""
        table.add_row(str(row["id"]), row["referred_on"], row["referrer"], row["referred"], row["status"], won)
    out.print(table)


@referrals_app.command("stats")
def stats(
    year: Year = None, since: Since = None, until: Until = None,
    top: Annotated[int, typer.Option(min=1, max=100, help="How many top referrers.")] = 10,
    db: DbOption = None, json: JsonOption = False,
) -> None:
    """Conversion (won ÷ all, won ÷ decided), value won in the reporting currency, top referrers."""
    with opened(db) as runtime, runtime.transaction() as session:
        first, end = service.period_of(year, _day(since, "--since"), _day(until, "--until"))
        found = referral_stats(session, reporting_currency=runtime.settings.reporting_currency, since=first,
                               until=end, top=top, by=SYSTEM).as_dict()
    if json:
        print_json(found)
        return
    currency = found["reporting_currency"]

    def share(value: float | None) -> str:
        return "—" if value is None else f"{value:.1%}"

    out.print(f"{found['total']} referrals: {found['won']} won, {found['lost']} lost, {found['open']} open; "
              f"conversion {share(found['conversion_rate'])}, win rate {share(found['win_rate'])}; "
              f"value won {found['value_won']:,.2f} {currency}")
    table = Table("client", "referrals", "won", f"value won ({currency})", caption="top referrers by count")
    for row in found["top_by_count"]:
        table.add_row(row["name"], str(row["referrals"]), str(row["won"]), f"{row['value_won']:,.2f}")
    out.print(table)

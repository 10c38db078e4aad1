"""``servicescape clients ...``: read the client book from the terminal."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from servicescape.auth import service as auth
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, opened, out, print_json
from servicescape.clients import listing, service
from servicescape.clients.models import Client, ClientStatus, Tier
from servicescape.clients.schemas import (
    ClientOut,
    ContactOut,
    EngagementOut,
    InteractionOut,
    InvoiceOut,
)

clients_app = typer.Typer(help="Browse the client book.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(clients_app, name="clients")


@clients_app.command("list")
def list_clients(
    q: Annotated[str | None, typer.Option(
        "--q", "--search", help="Search name, e-mail, id, city (one or two letters: names that begin with them).",
    )] = None,
    tier: Tier | None = None,
    segment: str | None = None,
    owner: Annotated[str | None, typer.Option(help="Owner's e-mail.")] = None,
    country: Annotated[str | None, typer.Option(help="Two-letter country code.")] = None,
    status: ClientStatus | None = None,
    sort: Annotated[str, typer.Option(help="name, created, country, tier, segment or status.")] = "name",
    desc: Annotated[bool, typer.Option("--desc", help="Sort descending.")] = False,
    page: Annotated[int, typer.Option(min=1)] = 1,
    per_page: Annotated[int, typer.Option(min=1, max=500)] = 50,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """List clients with search, filters, sorting and paging."""
    with opened(db) as runtime, runtime.transaction() as session:
        owner_id = auth.get_by_email(session, owner).id if owner else None
        filters = listing.ClientFilters(q=q, tier=tier, segment=segment, owner_id=owner_id,
                                        country=country, status=status, sort=sort, descending=desc)
        result = listing.list_clients(session, filters, page=page, per_page=per_page, by=SYSTEM)
        rows = [{**ClientOut.model_validate(c).model_dump(mode="json"), "owner": c.owner_name} for c in result.items]
    if json:
        print_json({"items": rows, "total": result.total, "page": result.page,
                    "per_page": result.per_page, "pages": result.pages})
        return
    table = Table("id", "name", "tier", "country", "segment", "owner", "status",
                  caption=f"page {result.page} of {result.pages} — {result.total} clients")
    for row in rows:
        table.add_row(str(row["id"]), row["name"], row["tier"], row["country"] or "",
                      row["segment"] or "", row["owner"] or "", row["status"])
    out.print(table)


def _client_row(client: Client) -> dict[str, Any]:
    row = ClientOut.model_validate(client).model_dump(mode="json")
    row["owner"] = client.owner.name if client.owner else None
    return row


@clients_app.command("show")
def show(
    client: Annotated[str, typer.Argument(help="The client's id, or its external id.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Show one client with its contacts, engagements, invoices and interactions."""
    with opened(db) as runtime, runtime.transaction() as session:
        client_id = service.resolve_client_ref(session, client)
        revenue = service.client_revenue(session, client_id, by=SYSTEM)
        data: dict[str, Any] = {
            "client": _client_row(service.client_with_owner(session, client_id, by=SYSTEM)),
            "contacts": [ContactOut.model_validate(c).model_dump(mode="json")
                         for c in service.client_contacts(session, client_id, by=SYSTEM)],
            "engagements": [EngagementOut.model_validate(e).model_dump(mode="json")
                            for e in service.client_engagements(session, client_id, by=SYSTEM)],
            "invoices": [InvoiceOut.model_validate(i).model_dump(mode="json")
                         for i in service.client_invoices(session, client_id, by=SYSTEM)],
            "interactions": [InteractionOut.model_validate(i).model_dump(mode="json")
                             for i in service.client_interactions(session, client_id, by=SYSTEM)],
            "revenue": {currency: str(amount) for currency, (amount, _count) in revenue.totals.items()},
        }
    if json:
        print_json(data)
        return
    c = data["client"]
    out.print(f"[bold]{c['name']}[/]  #{c['id']}  {c['tier']} · {c['status']} · {c['country'] or '—'}")
    for key in ("external_id", "email", "phone", "website", "city", "industry", "segment", "owner"):
        if c.get(key):
            out.print(f"  {key}: {c[key]}")
    for key, value in (c.get("custom_fields") or {}).items():
        out.print(f"  {key}: {value}")
    out.print(f"Revenue: {', '.join(f'{v} {k}' for k, v in data['revenue'].items()) or '—'}")
    out.print(f"Contacts: {len(data['contacts'])}, engagements: {len(data['engagements'])}, "
              f"invoices: {len(data['invoices'])}, interactions: {len(data['interactions'])}")
    for interaction in data["interactions"][:10]:
        out.print(f"  {interaction['occurred_at'][:16]}  {interaction['channel']:8} {interaction['summary'] or ''}")

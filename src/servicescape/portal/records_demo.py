"""The demo firm's portal records: milestones on every active engagement (three to six, named for
the service: those due before today done, the next one in progress, the rest planned) and, for each
key account, one to three short text reports shared in its portal.

Deterministic for the demo's seed and today (the files' bytes too: the demo digest reads them)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, select

from servicescape.clients.models import Tier
from servicescape.demo import catalogue
from servicescape.demo.roster import midnight
from servicescape.demo.steps import DemoRun, next_ids, table

Row = dict[str, Any]
CHUNK = 5_000
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

#: each service's milestones, in order (a project's last step closes it; a contract's reports the year)
STEPS: dict[str | None, tuple[str, ...]] = {
    "maintenance": ("Kick-off and asset register", "First planned maintenance visit", "Filter and coil cleaning round",
                    "Mid-year performance review", "Second planned maintenance visit", "Annual service report"),
    "response": ("Response desk onboarding", "Escalation contacts confirmed", "First quarterly call-out report",
                 "Half-year review of arrival windows", "Annual response report"),
    "energy": ("Site survey and meters installed", "Baseline energy data collected", "Comfort measurements",
               "Findings workshop with the facilities team", "Improvement proposal and pricing"),
    "commissioning": ("Pre-commissioning checks", "Functional performance tests", "Snag list cleared",
                      "Site staff training", "Handover documentation", "Final acceptance"),
    None: ("Kick-off meeting", "Plan agreed with the client", "Delivery", "Review with the client", "Close-out report"),
}
#: the notes the client reads on some milestones
NOTES = {"Functional performance tests": "Chillers first, then the air-handling units floor by floor.",
         "Findings workshop with the facilities team": "Bring the monthly meter readings of the last two years.",
         "Mid-year performance review": "With the client's facilities manager, on site."}


def load_records(run: DemoRun) -> None:
    rng = random.Random(run.spec.seed * 7_937 + 98)
    today = run.spec.today
    service_of = {package_id: service_key for service_key, package_id in _demo_packages(run).items()}
    with run.runtime.transaction() as session:
        connection = session.connection()
        ids = next_ids(connection, ("engagement_milestone", "shared_document"))
        for engagements in _active_engagements(connection):
            rows: list[Row] = []
            for engagement in engagements:
                rows += _milestones(rng, engagement, service_of.get(engagement["package_id"]), today, ids)
            run.insert(connection, "engagement_milestone", rows)
        rows = []
        for account in _key_accounts(connection):
            rows += _documents(rng, account, today, ids)
            if len(rows) >= CHUNK:
                run.insert(connection, "shared_document", rows)
                rows = []
        run.insert(connection, "shared_document", rows)


def _demo_packages(run: DemoRun) -> dict[str, int]:
    """Service key → the demo catalogue's package id (as the catalogue step made or found it)."""
    known = run.ids.get("packages", {})
    return {p.service.key: known[p.name] for p in catalogue.packages() if p.name in known}


def _active_engagements(connection: Connection) -> Iterator[list[Row]]:
    engagements = table("engagement")
    last = 0
    while True:
        found = [dict(row) for row in connection.execute(
            select(engagements.c.id, engagements.c.package_id, engagements.c.start_date, engagements.c.end_date)
            .where(engagements.c.status == "active", engagements.c.id > last)
            .order_by(engagements.c.id).limit(CHUNK)).mappings()]
        if not found:
            return
        last = found[-1]["id"]
        yield found


def _take(ids: dict[str, int], name: str) -> int:
    value = ids[name]
    ids[name] = value + 1
    return value


def _milestones(rng: random.Random, engagement: Row, service: str | None, today: date,
                ids: dict[str, int]) -> list[Row]:
    steps = STEPS[service]
    count = rng.randint(3, min(6, len(steps)))
    chosen = [*steps[:count - 1], steps[-1]]              # the closing step always
    start: date = engagement["start_date"] or today - timedelta(days=60)
    end: date = engagement["end_date"] or start + timedelta(days=180)
    span = max((end - start).days, count)
    created = midnight(start) - timedelta(days=7)
    rows, in_progress = [], False
    for n, name in enumerate(chosen):
        due = start + timedelta(days=round(span * (n + 1) / count))
        if due < today:
            finished = due - timedelta(days=rng.randint(0, 3))
            status, done = "done", datetime.combine(finished, time(8 + rng.randint(0, 8)), tzinfo=UTC)
        elif not in_progress:
            status, done, in_progress = "in_progress", None, True
        else:
            status, done = "planned", None
        rows.append({"id": _take(ids, "engagement_milestone"), "engagement_id": engagement["id"], "name": name,
                     "position": n, "due_on": due, "status": status, "done_at": done, "note": NOTES.get(name),
                     "created_at": created, "updated_at": done or created})
    return rows


def _key_accounts(connection: Connection) -> Iterator[Row]:
    clients, engagements = table("client"), table("engagement")
    last = 0
    while True:
        accounts = [dict(row) for row in connection.execute(
            select(clients.c.id, clients.c.name, clients.c.owner_id)
            .where(clients.c.tier == Tier.key.value, clients.c.status == "active", clients.c.id > last)
            .order_by(clients.c.id).limit(CHUNK)).mappings()]
        if not accounts:
            return
        last = accounts[-1]["id"]
        running: dict[int, list[int]] = {}
        for client_id, engagement_id in connection.execute(
                select(engagements.c.client_id, engagements.c.id)
                .where(engagements.c.client_id.in_([a["id"] for a in accounts]), engagements.c.status == "active")
                .order_by(engagements.c.id)):
            running.setdefault(client_id, []).append(engagement_id)
        for account in accounts:
            yield {**account, "engagements": running.get(account["id"], [])}


#: (title, file name, what it says): the reports a key account finds in its portal, newest first
REPORTS = (
    ("Quarterly service report, {quarter}", "service-report-{slug}.txt",
     "Visits made as planned; every call-out answered inside its promised window; two findings to follow up."),
    ("Site visit summary, {month}", "site-visit-{slug}.txt",
     "Plant room inspected; belts, filters and refrigerant levels within limits; one valve to replace."),
    ("Energy and comfort snapshot, {month}", "energy-snapshot-{slug}.txt",
     "Cooling energy per square metre down on the same month last year; two zones above the comfort band."),
)


def _documents(rng: random.Random, account: Row, today: date, ids: dict[str, int]) -> list[Row]:
    rows = []
    for n in range(rng.randint(1, 3)):
        title, filename, finding = REPORTS[n]
        day = today - timedelta(days=7 + 35 * n + rng.randint(0, 20))
        quarter = f"Q{(day.month - 1) // 3 + 1} {day.year}"
        words = {"quarter": quarter, "month": f"{MONTHS[day.month - 1]} {day.year}", "slug": day.isoformat()}
        body = "\n".join((account["name"], title.format(**words), "", f"Prepared on {day.isoformat()}.", "",
                          finding, "", "Questions? Reply in the portal or call your account manager.", ""))
        content = body.encode()
        at = datetime.combine(day, time(10), tzinfo=UTC)
        engagement = account["engagements"][0] if account["engagements"] and n == 0 else None
        rows.append({"id": _take(ids, "shared_document"), "client_id": account["id"], "engagement_id": engagement,
                     "title": title.format(**words), "filename": filename.format(**words),
                     "content_type": "text/plain; charset=utf-8", "size": len(content), "content": content,
                     "shared_by_id": account["owner_id"], "created_at": at, "updated_at": at})
    return rows

"""The demo firm's knowledge and plan:

* What its key accounts value: needs and how they choose (in the client's language) for most key
  accounts, their decision criteria — prefilled from SERVQUAL for about half of those who split
  importance points, entered by hand for the rest — their last review and the next (some overdue);
  a few key accounts have nothing recorded.
* The six competitors of the price map (offerings' demo names them), with segments, positioning and
  what clients reported of them; a dozen recent interaction notes in which key accounts name them,
  and the mentions the job finds in them.
* The plan for the demo's year: targets with their owners, an environment review in all five areas.
* Who may resolve complaints and grant goodwill without asking (the front-line engineers, in their
  office's currency; managers without a limit); staff qualifications, some renewing within 60 days
  (their tasks opened) and one lapsed; articles, talks and forums with the enquiries they brought.

What the firm recorded already is kept: a part whose table has rows is left as it is.
Deterministic for the demo's seed and today.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from servicescape import i18n
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.capacity.demo import OFFICES, RATES
from servicescape.demo import firm
from servicescape.demo.roster import midnight
from servicescape.demo.steps import DemoRun, next_ids, table
from servicescape.plan import knowledge, mentions, people
from servicescape.plan import knowledge_demo_texts as texts
from servicescape.promises.demo import demo_now
from servicescape.relationships import accounts as key_accounts

Row = dict[str, Any]
#: key accounts with nothing recorded; with SERVQUAL criteria (of those who gave a split)
NEVER_RECORDED = 0.15
FROM_SERVQUAL = 0.5
OVERDUE = 0.25
MENTION_NOTES = 12


def _stamp(at: datetime) -> Row:
    return {"created_at": at, "updated_at": at}


def _empty(connection: Connection, name: str) -> bool:
    return connection.scalar(select(func.count()).select_from(table(name))) == 0


def load_knowledge(run: DemoRun) -> None:
    rng = random.Random(run.spec.seed * 7_933 + 85)
    settings = run.runtime.settings
    now = demo_now(run.spec, settings)
    staff = run.ids["staff"]
    with run.runtime.transaction() as session:
        connection = session.connection()
        accounts = _key_accounts(session, now, settings.reporting_currency)
        _profiles(run, session, rng, accounts, now)
        _competitors(run, connection, rng, accounts, now, staff)
        _plan(run, connection, now, staff)
        _people(run, connection, now, staff)
        run.counts["competitor_mention"] += mentions.scan(session, by=SYSTEM).added
        _renewals(run, session, now)


def _key_accounts(session: Session, now: datetime, currency: str) -> list[tuple[int, str, int | None]]:
    """(client id, language, owner id) of the key accounts, largest first."""
    ids = [a.client_id for a in key_accounts.key_accounts(session, now=now, reporting_currency=currency,
                                                      by=SYSTEM).accounts]
    clients = table("client")
    found = {row.id: (row.id, row.language or "en", row.owner_id) for row in session.connection().execute(
        select(clients.c.id, clients.c.language, clients.c.owner_id).where(clients.c.id.in_(ids)))} if ids else {}
    return [found[i] for i in ids if i in found]


def _words(language: str, options: dict[str, Any]) -> Any:
    return options.get(language, options["en"])


def _profiles(run: DemoRun, session: Session, rng: random.Random, accounts: list[tuple[int, str, int | None]],
              now: datetime) -> None:
    connection = session.connection()
    known = set(connection.scalars(select(table("account_profile").c.client_id)))
    known |= set(connection.scalars(select(table("decision_criterion").c.client_id)))
    splits = knowledge.servqual_splits(session, [client_id for client_id, _l, _o in accounts])
    today = run.spec.today
    profiles, criteria = [], []
    for n, (client_id, language, owner_id) in enumerate(accounts):
        if client_id in known or (n > 0 and rng.random() < NEVER_RECORDED):
            continue
        last = today - timedelta(days=rng.randint(20, 150))
        upcoming = last + timedelta(days=90 if rng.random() > OVERDUE else rng.randint(20, 60))
        at = midnight(last) + timedelta(hours=10)
        profiles.append({"client_id": client_id, "needs": rng.choice(_words(language, texts.NEEDS)),
                         "how_they_choose": rng.choice(_words(language, texts.HOW_THEY_CHOOSE)),
                         "last_review_on": last, "next_review_on": upcoming, "updated_by_id": owner_id,
                         **_stamp(at)})
        if client_id in splits and rng.random() < FROM_SERVQUAL:
            with i18n.speaking(language):
                chosen = knowledge.servqual_criteria(splits[client_id])
        else:
            chosen = [knowledge.Criterion(name, weight, position) for position, (name, weight)
                      in enumerate(rng.choice(_words(language, texts.CRITERIA)))]
        criteria += [{"client_id": client_id, "name": c.name, "weight": c.weight, "position": c.position,
                      "source": c.source} for c in chosen]
    run.insert(connection, "account_profile", profiles)
    run.insert(connection, "decision_criterion", criteria)


def _competitors(run: DemoRun, connection: Connection, rng: random.Random,
                 accounts: list[tuple[int, str, int | None]], now: datetime, staff: dict[str, int]) -> None:
    if not _empty(connection, "competitor"):
        return
    created = now - timedelta(days=400)
    ids = next_ids(connection, ("competitor", "interaction"))
    by_name = {}
    rows = []
    for n, (name, segments, positioning, website, about) in enumerate(texts.COMPETITORS):
        by_name[name] = ids["competitor"] + n
        rows.append({"id": by_name[name], "name": name, "segments": segments, "positioning": positioning,
                     "website": website, "notes": about, **_stamp(created)})
    run.insert(connection, "competitor", rows)
    reporters: list[int | None] = [client_id for client_id, _language, _owner in accounts] or [None]
    managers = [staff[m.key] for m in firm.ROSTER if m.role == Role.manager]
    observed = []
    for n, (name, kind, text) in enumerate(texts.OBSERVATIONS):
        day = run.spec.today - timedelta(days=20 + 17 * n)
        observed.append({"competitor_id": by_name[name], "kind": kind, "text": text,
                         "client_id": reporters[n % len(reporters)], "noted_on": day,
                         "noted_by_id": managers[n % len(managers)], **_stamp(midnight(day) + timedelta(hours=11))})
    run.insert(connection, "competitor_observation", observed)
    notes = []
    slipping = {staff[key] for key in firm.SLIPPING if key in staff}   # that office has not been in touch
    talking = [account for account in accounts if account[2] not in slipping]
    for n, (client_id, language, owner_id) in enumerate(talking[:MENTION_NOTES]):
        name = texts.COMPETITORS[rng.randrange(4)][0] if n % 3 else texts.COMPETITORS[0][0]
        at = now - timedelta(days=rng.randint(3, 60), hours=rng.randint(0, 6))
        notes.append({"id": ids["interaction"] + n, "external_id": None, "client_id": client_id,
                      "staff_id": owner_id, "channel": "meeting" if n % 2 else "call", "occurred_at": at,
                      "summary": rng.choice(_words(language, texts.MENTIONS)).format(competitor=name),
                      **_stamp(at)})
    run.insert(connection, "interaction", notes)


def _plan(run: DemoRun, connection: Connection, now: datetime, staff: dict[str, int]) -> None:
    if not _empty(connection, "firm_plan"):
        return
    year = run.spec.today.year
    first, last = date(year, 1, 1), date(year, 12, 31)
    made = midnight(first) - timedelta(days=20)
    plan_id = next_ids(connection, ("firm_plan",))["firm_plan"]
    run.insert(connection, "firm_plan", [{"id": plan_id, "name": f"Plan {year}", "starts_on": first, "ends_on": last,
                                          "created_by_id": staff["aisyah"], **_stamp(made)}])
    run.insert(connection, "plan_target", [
        {"plan_id": plan_id, "measure": measure, "comparison": ">=", "value": value, "owner_id": staff[owner],
         "note": note, **_stamp(made)} for measure, value, owner, note in texts.TARGETS])
    entries = []
    for area, days, author, text in texts.ENVIRONMENT:
        day = min(first + timedelta(days=days), run.spec.today)
        entries.append({"plan_id": plan_id, "area": area, "noted_on": day, "text": text, "author_id": staff[author],
                        **_stamp(min(midnight(day) + timedelta(hours=9), now))})
    run.insert(connection, "environment_entry", entries)


def _people(run: DemoRun, connection: Connection, now: datetime, staff: dict[str, int]) -> None:
    today = run.spec.today
    stamp = _stamp(now - timedelta(days=90))
    if _empty(connection, "staff_empowerment"):
        rows = []
        for member in firm.ROSTER:
            if not member.active or member.role == Role.viewer or member.key not in OFFICES:
                continue
            currency = RATES[OFFICES[member.key]][0]
            front_line = member.role == Role.staff
            rows.append({"staff_id": staff[member.key], "resolve_complaints": True,
                         "goodwill_limit": Decimal(texts.GOODWILL[currency]) if front_line else None,
                         "currency": currency if front_line else None, "granted_by_id": staff["aisyah"], **stamp})
        run.insert(connection, "staff_empowerment", rows)
    if _empty(connection, "staff_qualification"):
        run.insert(connection, "staff_qualification", [
            {"staff_id": staff[key], "kind": kind, "name": name, "issuer": issuer,
             "obtained_on": today - timedelta(days=obtained),
             "renews_on": today + timedelta(days=renews) if renews is not None else None, **stamp}
            for key, kind, name, issuer, obtained, renews in texts.QUALIFICATIONS])
    if _empty(connection, "prestige_item"):
        run.insert(connection, "prestige_item", [
            {"kind": kind, "title": title, "happened_on": today - timedelta(days=days), "audience": audience,
             "venue": venue, "staff_id": staff[author], "enquiries": enquiries, "notes": None,
             **_stamp(datetime.combine(today - timedelta(days=days), time(17), UTC))}
            for kind, title, audience, venue, author, days, enquiries in texts.PRESTIGE])


def _renewals(run: DemoRun, session: Session, now: datetime) -> None:
    """The tasks the daily job would open for the renewals due (written as rows: the demo is one
    audit event), with the job's keys so that it does not open them again."""
    zone = run.runtime.settings.zone
    due = people.due_renewals(session, run.spec.today)
    tasks = table("task")
    keys = {people.renewal_key(q): q for q in due}
    taken = set(session.connection().scalars(select(tasks.c.dedupe_key).where(tasks.c.dedupe_key.in_(keys))))
    first = next_ids(session.connection(), ("task",))["task"]      # ids as the other steps give them
    with i18n.speaking(run.runtime.settings.default_language):
        rows = [{"id": first + n, **people.renewal_task(q, zone), "dedupe_key": key, "rule": people.RENEWAL_RULE,
                 "status": "open", "notes": None, "client_id": None, **_stamp(now)}
                for n, (key, q) in enumerate((key, q) for key, q in keys.items() if key not in taken)]
    run.insert(session.connection(), "task", rows)

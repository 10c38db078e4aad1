"""The demo firm's message to the market (``message_demo_texts``): a library of positioning and
benefit statements in the six languages — most approved, some drafts awaiting a manager, one
message still only a draft, one older text superseded — used on a share of the last 90 days'
interactions that differs from person to person (so adoption differs); case studies on clients
with outcomes of delivered work (three approved, one a draft), linked to their testimonials where
they consented; and three proposals in their clients' languages, each recording its message.

Deterministic for the demo's seed, today and the firm's settings; a firm that has messages
already gets none of this."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from servicescape.demo.steps import DemoRun, next_ids, table
from servicescape.plan.message_demo_texts import ADOPTION, MESSAGES, PROPOSAL_TITLES, STORIES
from servicescape.plan.message_uses import client_language
from servicescape.promises.demo import demo_now

Row = dict[str, Any]
TABLES = ("market_message", "market_message_version", "market_message_use", "case_study", "proposal")
USE_DAYS = 90
#: a use of the segment's own message (else one of the firm-wide ones)
SEGMENT_SHARE = 0.6
FIRM_WIDE = ("partner", "who")
CASE_STUDIES, APPROVED_CASE_STUDIES, PROPOSALS = 4, 3, 3


@dataclass
class Library:
    message_id: dict[str, int] = field(default_factory=dict)
    segment: dict[str, str | None] = field(default_factory=dict)
    approved: dict[str, dict[str, int]] = field(default_factory=dict)     # key → language → version id


class MessageDemo:
    def __init__(self, run: DemoRun, connection: Connection) -> None:
        self.run, self.connection = run, connection
        self.rng = random.Random(run.spec.seed * 4_801 + 72)
        self.now = demo_now(run.spec, run.runtime.settings)
        self.staff = run.ids.get("staff", {})
        self.ids = next_ids(connection, TABLES)
        self.library = Library()

    def take(self, name: str) -> int:
        value = self.ids[name]
        self.ids[name] = value + 1
        return value

    def stamp(self, days_ago: float) -> dict[str, datetime]:
        at = self.now - timedelta(days=days_ago)
        return {"created_at": at, "updated_at": at}

    # -- the library ---------------------------------------------------------------------------------

    def messages(self) -> None:
        clients = table("client")
        segments = set(self.connection.scalars(select(clients.c.segment).where(clients.c.segment.is_not(None))
                                               .group_by(clients.c.segment)))
        rows, versions = [], []
        for n, message in enumerate(MESSAGES):
            message_id = self.take("market_message")
            segment = message.segment if message.segment in segments else None
            written = 240 - 20 * n
            rows.append({"id": message_id, "name": message.name, "kind": message.kind, "segment": segment,
                         "owner_id": self.staff.get(message.owner), "retired": False, **self.stamp(written)})
            self.library.message_id[message.key] = message_id
            self.library.segment[message.key] = segment
            self.library.approved[message.key] = {}
            versions += list(self._versions(message, message_id, written))
        self.run.insert(self.connection, "market_message", rows)
        self.run.insert(self.connection, "market_message_version", versions)

    def _versions(self, message: Any, message_id: int, written: int) -> Iterator[Row]:
        numbers: dict[str, int] = {}
        writer, approver = self.staff.get(message.writer), self.staff.get(message.approver)
        for status, texts, days in (("superseded", message.superseded, written), ("approved", message.approved,
                                                                                  written - 60),
                                    ("draft", message.drafts, 12)):
            for language, text in texts.items():
                numbers[language] = numbers.get(language, 0) + 1
                version_id = self.take("market_message_version")
                decided = status != "draft"
                if status == "approved":
                    self.library.approved[message.key][language] = version_id
                yield {"id": version_id, "message_id": message_id, "language": language,
                       "version": numbers[language], "text": text, "status": status, "written_by_id": writer,
                       "approved_by_id": approver if decided else None,
                       "approved_at": self.now - timedelta(days=days - 3) if decided else None, **self.stamp(days)}

    def version_for(self, key: str, language: str | None) -> int | None:
        approved = self.library.approved[key]
        return approved.get(language or "") or approved.get("en")

    def message_for(self, segment: str | None, language: str | None, *, segment_share: float) -> str:
        """The key of a message approved in ``language`` (else English): the segment's own when there is
        one and the draw says so, else a firm-wide one."""
        own = [m.key for m in MESSAGES if self.library.segment[m.key] == segment and segment is not None
               and self.library.approved[m.key] and (language in self.library.approved[m.key] or
                                                      "en" in self.library.approved[m.key])]
        if own and self.rng.random() < segment_share:
            return own[0]
        return FIRM_WIDE[self.rng.random() < 0.35]

    # -- uses on interactions ------------------------------------------------------------------------

    def uses(self) -> None:
        interactions, clients = table("interaction"), table("client")
        people = {staff_id: key for key, staff_id in self.staff.items()}
        rows = self.connection.execute(
            select(interactions.c.id, interactions.c.client_id, interactions.c.staff_id, interactions.c.occurred_at,
                   clients.c.segment, clients.c.language)
            .join(clients, clients.c.id == interactions.c.client_id)
            .where(interactions.c.staff_id.is_not(None), interactions.c.occurred_at >= self.now - timedelta(
                days=USE_DAYS), interactions.c.occurred_at <= self.now)
            .order_by(interactions.c.id)).all()
        uses = []
        for row in rows:
            if self.rng.random() >= ADOPTION.get(people.get(row.staff_id, ""), 0.3):
                continue
            language = client_language(row.language)
            key = self.message_for(row.segment, language, segment_share=SEGMENT_SHARE)
            uses.append({"id": self.take("market_message_use"), "message_id": self.library.message_id[key],
                         "version_id": self.version_for(key, language), "interaction_id": row.id,
                         "proposal_id": None, "client_id": row.client_id, "used_by_id": row.staff_id,
                         "used_at": row.occurred_at})
        self.run.insert(self.connection, "market_message_use", uses)

    # -- case studies and proposals ------------------------------------------------------------------------

    def case_studies(self) -> list[tuple[int, int | None, str | None]]:
        """Case studies on clients with outcomes of delivered work, and on clients whose testimonial
        consents to case studies (with a completed engagement): (id, package, segment) of the
        approved ones."""
        outcomes, cases, engagements, clients, quotes = (table("value_outcome"), table("value_case"),
                                                         table("engagement"), table("client"), table("testimonial"))
        backed = self.connection.execute(
            select(cases.c.client_id, outcomes.c.engagement_id, outcomes.c.id.label("outcome_id"),
                   engagements.c.package_id, clients.c.segment)
            .join(cases, cases.c.id == outcomes.c.case_id)
            .join(engagements, engagements.c.id == outcomes.c.engagement_id)
            .join(clients, clients.c.id == cases.c.client_id).order_by(outcomes.c.id)).all()
        quoted = self.connection.execute(
            select(quotes.c.client_id, engagements.c.id.label("engagement_id"), engagements.c.package_id,
                   clients.c.segment, quotes.c.id.label("testimonial_id"))
            .join(engagements, engagements.c.client_id == quotes.c.client_id)
            .join(clients, clients.c.id == quotes.c.client_id)
            .where(quotes.c.status == "approved", quotes.c.use_case_studies.is_(True),
                   engagements.c.status == "completed")
            .order_by(quotes.c.id, engagements.c.id).limit(200)).all()
        chosen: dict[int, Row] = {}
        for row in backed:
            if len(chosen) < CASE_STUDIES // 2:
                chosen.setdefault(row.client_id, {**row._mapping, "testimonial_id": None})
        for row in quoted:
            if len(chosen) < CASE_STUDIES:
                chosen.setdefault(row.client_id, {**row._mapping, "outcome_id": None})
        picked = list(chosen.values())
        consented = self._testimonials([row["client_id"] for row in picked], "use_case_studies")
        rows, approved = [], []
        for n, (pick, story) in enumerate(zip(picked, STORIES, strict=False)):
            study_id = self.take("case_study")
            is_approved = n < APPROVED_CASE_STUDIES
            rows.append({"id": study_id, "title": story.title, "client_id": pick["client_id"],
                         "engagement_id": pick["engagement_id"], "outcome_id": pick["outcome_id"],
                         "testimonial_id": pick["testimonial_id"] or consented.get(pick["client_id"]),
                         "package_id": pick["package_id"], "segment": pick["segment"], "language": "en",
                         "problem": story.problem, "approach": story.approach, "result": story.result,
                         "result_figure": story.figure, "status": "approved" if is_approved else "draft",
                         "approved_by_id": self.staff.get("aisyah") if is_approved else None,
                         "approved_at": self.now - timedelta(days=40 - 5 * n) if is_approved else None,
                         **self.stamp(60 - 5 * n)})
            if is_approved:
                approved.append((study_id, pick["package_id"], pick["segment"]))
        self.run.insert(self.connection, "case_study", rows)
        return approved

    def _testimonials(self, client_ids: list[int], use: str) -> dict[int, int]:
        quotes = table("testimonial")
        found: dict[int, int] = {}
        for quote_id, client_id in self.connection.execute(
                select(quotes.c.id, quotes.c.client_id).where(quotes.c.client_id.in_(client_ids),
                                                              quotes.c.status == "approved",
                                                              quotes.c[use].is_(True)).order_by(quotes.c.id)):
            found.setdefault(client_id, quote_id)
        return found

    def proposals(self, studies: list[tuple[int, int | None, str | None]]) -> None:
        clients, engagements, cases, quotes = table("client"), table("engagement"), table("value_case"), \
            table("testimonial")
        with_case = select(cases.c.client_id)
        candidates = self.connection.execute(
            select(clients.c.id, clients.c.name, clients.c.language, clients.c.segment, clients.c.owner_id)
            .where(clients.c.status == "active", clients.c.language.in_(("ms", "zh-Hant", "hu", "bg", "zh-Hans")))
            .order_by(clients.c.id.in_(with_case).desc(), clients.c.id).limit(400)).all()
        picked, seen = [], set()
        for row in candidates:
            language = client_language(row.language)
            if language not in seen:
                seen.add(language)
                picked.append((row, language))
            if len(picked) == PROPOSALS:
                break
        testimonials = self.connection.execute(
            select(quotes.c.id, quotes.c.language)
            .where(quotes.c.status == "approved", quotes.c.use_proposals.is_(True))
            .order_by(quotes.c.id)).all()
        rows, uses = [], []
        for n, (client, language) in enumerate(picked):
            package_id = self.connection.scalar(select(engagements.c.package_id).where(
                engagements.c.client_id == client.id, engagements.c.package_id.is_not(None))
                .order_by(engagements.c.id.desc()).limit(1))
            case_id = self.connection.scalar(select(cases.c.id).where(cases.c.client_id == client.id)
                                             .order_by(cases.c.id.desc()).limit(1))
            fitting = [s for s, package, segment in studies if package == package_id or segment == client.segment]
            key = self.message_for(client.segment, language, segment_share=1.0)
            if language not in self.library.approved[key]:
                key = "partner"
            quoted = sorted(testimonials, key=lambda t: t.language != language)[:2]
            proposal_id = self.take("proposal")
            made = self.stamp(21 - 8 * n)
            rows.append({"id": proposal_id, "client_id": client.id,
                         "title": PROPOSAL_TITLES[language or "en"].format(client=client.name)[:300],
                         "language": language, "package_id": package_id, "value_case_id": case_id,
                         "message_id": self.library.message_id[key],
                         "case_study_ids": (fitting or [s for s, _p, _s in studies])[:2],
                         "testimonial_ids": [t.id for t in quoted],
                         "created_by_id": client.owner_id or self.staff.get("aisyah"),
                         "sent_on": (self.now - timedelta(days=20 - 8 * n)).date() if n < 2 else None, **made})
            uses.append({"id": self.take("market_message_use"), "message_id": self.library.message_id[key],
                         "version_id": self.library.approved[key][language or "en"], "interaction_id": None,
                         "proposal_id": proposal_id, "client_id": client.id,
                         "used_by_id": client.owner_id or self.staff.get("aisyah"), "used_at": made["created_at"]})
        self.run.insert(self.connection, "proposal", rows)
        self.run.insert(self.connection, "market_message_use", uses)


def load_messages(run: DemoRun) -> None:
    with run.runtime.transaction() as session:
        connection = session.connection()
        if connection.scalar(select(table("market_message").c.id).limit(1)) is not None:
            return  # the firm has its own library: the demo does not add to it
        demo = MessageDemo(run, connection)
        demo.messages()
        demo.uses()
        demo.proposals(demo.case_studies())

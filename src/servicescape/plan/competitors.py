"""Competitors: who they are (name, segments, price positioning), their strengths and weaknesses as
clients report them, where clients name them (the mentions job, :mod:`servicescape.plan.mentions`)
and the prices the firm noted of their offers (offerings' ``CompetitorPrice``, matched by name)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, can, require
from servicescape.clients.models import Client
from servicescape.db.crud import EntityService, about_field
from servicescape.db.paging import Page, paginate
from servicescape.errors import Conflict, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.offerings.models import CompetitorPrice
from servicescape.plan.capability import MANAGE, READ, WRITE
from servicescape.plan.models import (
    Competitor,
    CompetitorMention,
    CompetitorObservation,
    ObservationKind,
    Positioning,
)
from servicescape.platform.registry import registry

POSITIONING_LABELS = {Positioning.premium: N_("Premium"), Positioning.parity: N_("Parity"),
                      Positioning.economy: N_("Economy")}
#: how the price map groups competitors' offers by their positioning
MAP_GROUPS = {Positioning.premium: N_("Premium competitors"), Positioning.parity: N_("Competitors at parity"),
              Positioning.economy: N_("Economy competitors")}
OBSERVATION_LABELS = {ObservationKind.strength: N_("Strength"), ObservationKind.weakness: N_("Weakness")}
MAX_SEGMENTS = 20


class CompetitorService(EntityService[Competitor]):
    model = Competitor
    label = N_("Competitor")
    unique_fields: ClassVar[tuple[str, ...]] = ()
    read_permission = READ
    write_permission = MANAGE
    delete_permission = MANAGE

    def check(self, session: Session, data: dict[str, Any], existing: Competitor | None) -> dict[str, Any]:
        if "name" in data:
            name = " ".join(str(data["name"] or "").split())
            if not name:
                raise about_field(ValidationFailed, N_("%(field)s cannot be empty."), "name")
            data["name"] = name
            clash = next((c_id for c_id, c_name in session.execute(select(Competitor.id, Competitor.name))
                          if c_name.casefold() == name.casefold()), None)
            if clash is not None and (existing is None or clash != existing.id):
                raise about_field(Conflict, N_("Another record already has %(field)s %(value)s."), "name", value=name)
        if "segments" in data:
            segments = [" ".join(str(s).split()) for s in data["segments"] or []]
            segments = list(dict.fromkeys(s for s in segments if s))
            if len(segments) > MAX_SEGMENTS or any(len(s) > 120 for s in segments):
                raise about_field(ValidationFailed, N_("%(field)s: at most %(n)s, each at most 120 characters."),
                                  "segments", n=MAX_SEGMENTS)
            data["segments"] = segments
        return super().check(session, data, existing)


class ObservationService(EntityService[CompetitorObservation]):
    """A strength or weakness as a client reported it; who noted it is the signed-in person."""

    model = CompetitorObservation
    label = N_("Observation")
    references: ClassVar[dict[str, Any]] = {"competitor_id": Competitor, "client_id": Client}
    unique_fields: ClassVar[tuple[str, ...]] = ()
    read_permission = READ
    write_permission = WRITE
    delete_permission = WRITE

    def check(self, session: Session, data: dict[str, Any], existing: CompetitorObservation | None) -> dict[str, Any]:
        if "text" in data and not str(data["text"] or "").strip():
            raise about_field(ValidationFailed, N_("%(field)s cannot be empty."), "text")
        return super().check(session, data, existing)

    def create(self, session: Session, data: dict[str, Any], *, by: Principal) -> CompetitorObservation:
        return super().create(session, {**data, "noted_by_id": by.id if isinstance(by, Staff) else None}, by=by)

    def page_of(self, session: Session, *, competitor_id: int | None = None, page: int = 1, per_page: int = 50,
                by: Principal) -> Page[CompetitorObservation]:
        require(by, READ)
        query = select(CompetitorObservation)
        if competitor_id is not None:
            query = query.where(CompetitorObservation.competitor_id == competitor_id)
        return paginate(session, query.order_by(CompetitorObservation.id.desc()), page=page, per_page=per_page)


competitors = CompetitorService()
observations = ObservationService()


def all_competitors(session: Session, *, by: Principal) -> list[Competitor]:
    require(by, READ)
    return sorted(session.scalars(select(Competitor)), key=lambda c: c.name.casefold())


def observations_of(session: Session, competitor_id: int, *, by: Principal) -> list[CompetitorObservation]:
    require(by, READ)
    return list(session.scalars(select(CompetitorObservation).where(
        CompetitorObservation.competitor_id == competitor_id)
        .order_by(CompetitorObservation.noted_on.desc(), CompetitorObservation.id.desc())))


def prices_of(session: Session, name: str, *, by: Principal) -> list[CompetitorPrice]:
    """The offers the firm noted of the competitor named ``name`` (the price map's records)."""
    require(by, READ)
    wanted = name.casefold()
    return [p for p in session.scalars(select(CompetitorPrice).order_by(CompetitorPrice.offer, CompetitorPrice.id))
            if p.competitor.casefold() == wanted]


def positioning_by_name(session: Session) -> dict[str, Positioning]:
    """Competitor name (case-folded) → its price positioning, for those that have one (the price map
    reads it; whoever may see the map may see this)."""
    return {c.name.casefold(): c.positioning for c in session.scalars(select(Competitor))
            if c.positioning is not None}


def map_groups(session: Session) -> dict[str, str]:
    """Competitor name (case-folded) → the price map's group for its offers ("Premium competitors"),
    in the reader's language."""
    return {name: _(MAP_GROUPS[positioning]) for name, positioning in positioning_by_name(session).items()}


# --- mentions -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MentionView:
    mention: CompetitorMention
    source_label: str
    url: str | None
    client_name: str | None

    def as_dict(self) -> dict[str, Any]:
        m = self.mention
        return {"id": m.id, "competitor_id": m.competitor_id, "source": m.source, "key": m.key,
                "client_id": m.client_id, "said_at": m.said_at, "excerpt": m.excerpt, "url": self.url}


def mentions_of(session: Session, competitor_id: int | None = None, *, page: int = 1, per_page: int = 50,
                by: Principal) -> tuple[list[MentionView], int]:
    """Where clients named a competitor (or any), newest first, with a link where the viewer may
    follow it; and how many there are."""
    require(by, READ)
    query = select(CompetitorMention)
    if competitor_id is not None:
        query = query.where(CompetitorMention.competitor_id == competitor_id)
    found = paginate(session, query.order_by(CompetitorMention.said_at.desc().nulls_last(),
                                             CompetitorMention.id.desc()), page=page, per_page=per_page)
    sources = {s.type: s for s in registry().text_sources()}
    names = dict(session.execute(select(Client.id, Client.name).where(
        Client.id.in_({m.client_id for m in found.items if m.client_id})))
        .all()) if found.items else {}
    views = []
    for m in found.items:
        source = sources.get(m.source)
        url = source.url_for(m.key, m.client_id) if source and can(by, source.permission) else None
        views.append(MentionView(m, _(source.label) if source else m.source, url, names.get(m.client_id)))
    return views, found.total


def mention_counts(session: Session, *, by: Principal) -> dict[int, int]:
    require(by, READ)
    return dict(session.execute(select(CompetitorMention.competitor_id, func.count())
                                .group_by(CompetitorMention.competitor_id)).all())

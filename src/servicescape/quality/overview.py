"""What the signed-in pages of service quality read besides the results: the latest SERVQUAL wave,
the names beside a page of responses, the tasks a response opened, the open campaigns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicescape.auth.permissions import Principal, can, require
from servicescape.clients.models import Client
from servicescape.quality import followups
from servicescape.quality.capability import READ
from servicescape.quality.models import Campaign, CampaignStatus, Survey, SurveyKind, SurveyResponse
from servicescape.tasks.capability import READ as TASKS_READ
from servicescape.tasks.models import Task


@dataclass(frozen=True)
class Wave:
    """The latest SERVQUAL wave with answers: a campaign, or (for answers typed in or imported
    without one) the survey itself."""

    survey_id: int
    survey_name: str
    campaign_id: int | None
    campaign_name: str | None


def latest_servqual_wave(session: Session, *, by: Principal) -> Wave | None:
    """The campaign (or survey) of the newest submitted SERVQUAL answer; None before any."""
    require(by, READ)
    latest = session.execute(
        select(SurveyResponse.survey_id, Survey.name, SurveyResponse.campaign_id)
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(Survey.kind == SurveyKind.servqual, SurveyResponse.submitted_at.is_not(None))
        .order_by(SurveyResponse.submitted_at.desc(), SurveyResponse.id.desc()).limit(1)).first()
    if latest is None:
        return None
    survey_id, survey_name, campaign_id = latest
    campaign = session.get(Campaign, campaign_id) if campaign_id is not None else None
    return Wave(survey_id, survey_name, campaign_id, campaign.name if campaign else None)


def names_of(session: Session, responses: Sequence[SurveyResponse], *,
             by: Principal) -> tuple[dict[int, str], dict[int, str]]:
    """The survey names and client names of a page of responses (one query each)."""
    require(by, READ)
    survey_ids = {r.survey_id for r in responses}
    client_ids = {r.client_id for r in responses}
    surveys = dict(session.execute(select(Survey.id, Survey.name).where(Survey.id.in_(survey_ids))).all()) \
        if survey_ids else {}
    clients = dict(session.execute(select(Client.id, Client.name).where(Client.id.in_(client_ids))).all()) \
        if client_ids else {}
    return surveys, clients


def followup_tasks(session: Session, response_id: int, *, by: Principal) -> list[Task]:
    """The recovery or word-of-mouth task the response opened (none when the reader may not see
    tasks)."""
    require(by, READ)
    if not can(by, TASKS_READ):
        return []
    keys = (followups.recovery_key(response_id), followups.ask_key(response_id))
    return list(session.scalars(select(Task).where(Task.dedupe_key.in_(keys)).order_by(Task.id)))


def open_campaigns(session: Session, *, by: Principal) -> list[tuple[Campaign, str]]:
    """The open campaigns, the newest first, with their survey's name."""
    require(by, READ)
    return [(campaign, name) for campaign, name in session.execute(
        select(Campaign, Survey.name).join(Survey, Survey.id == Campaign.survey_id)
        .where(Campaign.status == CampaignStatus.open).order_by(Campaign.id.desc()))]


def campaign_choices(session: Session, *, by: Principal) -> list[tuple[int, str, str]]:
    """Every campaign as (id, name, survey name), the newest first: a filter's options."""
    require(by, READ)
    return [(cid, name, survey) for cid, name, survey in session.execute(
        select(Campaign.id, Campaign.name, Survey.name).join(Survey, Survey.id == Campaign.survey_id)
        .order_by(Campaign.id.desc()))]


def client_name(session: Session, client_id: int, *, by: Principal) -> str | None:
    require(by, READ)
    return session.scalar(select(Client.name).where(Client.id == client_id))


def answered_count(session: Session, survey_id: int, *, by: Principal) -> int:
    require(by, READ)
    return session.scalar(select(func.count()).select_from(SurveyResponse).where(
        SurveyResponse.survey_id == survey_id, SurveyResponse.submitted_at.is_not(None))) or 0

"""Answers to a survey: through a recipient's private link, typed in by staff, or imported.

* The link's token is 256 bits of HMAC over the invitation (its id and a random nonce) under the
  firm's secret key; only its SHA-256 is stored. An unknown token and a made-up one get the same
  answer; an expired link says so (410); a submitted one says it was answered (409).
* Through a link, answers are saved as they are given (``submit=False``) and checked in full when
  submitted: a required question left out, a value out of range or a choice that does not exist
  names its question and nothing is saved. One submission per link.
* A submitted answer may open a task for the client's owner (``followups``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from servicescape.audit.service import record
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client
from servicescape.config import LANGUAGES, Settings
from servicescape.db.types import utcnow
from servicescape.errors import Conflict, Gone, NotFound, ValidationFailed
from servicescape.i18n import _
from servicescape.quality import followups
from servicescape.quality.capability import WRITE
from servicescape.quality.models import (
    Campaign,
    CampaignStatus,
    Invitation,
    ItemKind,
    ResponseSource,
    Survey,
    SurveyAnswer,
    SurveyItem,
    SurveyResponse,
)

#: the form's value of an item: one string, or several for a multiple choice
RawValue = str | Sequence[str] | None
IMPORTANCE_TOTAL = 100
MAX_ANSWER_TEXT = 5000


# ---- the private link ---------------------------------------------------------------------------

def new_nonce() -> str:
    return secrets.token_hex(16)


def token_of(settings: Settings, invitation_id: int, nonce: str) -> str:
    """The link's token (43 characters, 256 bits); the same for the same invitation and nonce."""
    digest = hmac.new(settings.secret_key.encode(), f"survey-invitation:{invitation_id}:{nonce}".encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_of(settings: Settings, invitation: Invitation) -> str:
    return link_for(settings, invitation.id, invitation.nonce)


def link_for(settings: Settings, invitation_id: int, nonce: str) -> str:
    """The survey link of an invitation, from its id and nonce (a list need not load the invitations)."""
    return f"{settings.public_url.rstrip('/')}/s/{token_of(settings, invitation_id, nonce)}"


def invitation_for(session: Session, token: str, *, now: datetime | None = None) -> Invitation:
    """The invitation of a link that can still be answered (or viewed once answered)."""
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if invitation is None:
        raise NotFound(_("This survey link does not exist. Check that the whole link was copied."))
    campaign = session.get(Campaign, invitation.campaign_id)
    assert campaign is not None
    if invitation.answered_at is None:
        if (now or utcnow()) >= invitation.expires_at:
            raise Gone(_("This survey has closed: its link expired. Thank you all the same."))
        if campaign.status == CampaignStatus.closed:
            raise Gone(_("This survey has closed. Thank you all the same."))
    return invitation


# ---- reading one item's value -------------------------------------------------------------------

class AnswersRefused(ValidationFailed):
    """``read_answers``' refusal. ``details``: every problem, ``{"field", "message"}``, the message
    read on its own (an API's answer, an import's report: it may name its question by code, which
    the importer swaps for the file's column); ``beside``: each field's message as a form shows it
    beside its question, where the code would read oddly."""

    def __init__(self, problems: list[dict[str, str]], beside: dict[str, str]) -> None:
        super().__init__(problems[0]["message"], field=problems[0]["field"], details=problems)
        self.beside = beside


def _refused(message: str, field: str, *, beside: str) -> ValidationFailed:
    """A value refused: ``message`` names its question (read on its own); ``beside`` does not."""
    return ValidationFailed(message, field=field, details={"beside": beside})


def _number(raw: RawValue, item: SurveyItem, low: int, high: int, field: str) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str):
        raise _refused(_("Give one value for %(question)s.", question=item.code), field,
                       beside=_("Choose one answer."))
    try:
        value = int(raw.strip())
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise _refused(_("%(question)s needs a whole number from %(low)s to %(high)s.", question=item.code,
                         low=low, high=high), field,
                       beside=_("Give a whole number from %(low)s to %(high)s.", low=low, high=high))
    return value


def _range(item: SurveyItem) -> tuple[int, int]:
    return {ItemKind.servqual: (1, 7), ItemKind.importance: (0, IMPORTANCE_TOTAL), ItemKind.nps: (0, 10),
            ItemKind.csat: (1, 5)}.get(item.kind) or (item.scale_min or 1, item.scale_max or 5)


def read_answer(item: SurveyItem, values: Mapping[str, RawValue]) -> SurveyAnswer | None:
    """The answer to ``item`` in the form ``values`` (keys: the item's code; a SERVQUAL statement's
    two halves ``<code>_e`` and ``<code>_p``); None when it was left out."""
    code = item.code
    if item.kind == ItemKind.servqual:
        expected = _number(values.get(f"{code}_e"), item, 1, 7, f"{code}_e")
        perceived = _number(values.get(f"{code}_p"), item, 1, 7, f"{code}_p")
        if expected is None and perceived is None:
            return None
        return SurveyAnswer(item_id=item.id, expected=expected, perceived=perceived)
    raw = values.get(code)
    if item.kind == ItemKind.text:
        text = raw if isinstance(raw, str) else None
        if not text or not text.strip():
            return None
        if len(text) > MAX_ANSWER_TEXT:
            raise ValidationFailed(_("The answer is too long (%(most)s characters at most).", most=MAX_ANSWER_TEXT),
                                   field=code)
        return SurveyAnswer(item_id=item.id, text=text.strip())
    if item.kind in (ItemKind.single, ItemKind.multiple):
        picked = [raw] if isinstance(raw, str) else list(raw or [])
        picked = [p for p in picked if p.strip()]
        if not picked:
            return None
        indexes = [_number(p, item, 0, len(item.choices or []) - 1, code) for p in picked]
        chosen = sorted({i for i in indexes if i is not None})
        if item.kind == ItemKind.single:
            if len(chosen) != 1:
                raise ValidationFailed(_("Choose one answer."), field=code)
            return SurveyAnswer(item_id=item.id, number=chosen[0])
        return SurveyAnswer(item_id=item.id, choices=chosen)
    low, high = _range(item)
    number = _number(raw, item, low, high, code)
    return None if number is None else SurveyAnswer(item_id=item.id, number=number)


def read_answers(items: Sequence[SurveyItem], values: Mapping[str, RawValue], *,
                 complete: bool) -> list[SurveyAnswer]:
    """Every item's answer; with ``complete``, the checks of a submission: each required question
    answered (both halves of a SERVQUAL statement) and the importance points adding up to 100."""
    problems: list[dict[str, str]] = []
    short: dict[str, str] = {}     # a refused value's message without its question's code
    answers: list[SurveyAnswer] = []
    for item in items:
        try:
            answer = read_answer(item, values)
        except ValidationFailed as error:
            field = error.field or item.code
            problems.append({"field": field, "message": error.message})
            if isinstance(error.details, dict) and error.details.get("beside"):
                short.setdefault(field, str(error.details["beside"]))
            continue
        if answer is not None:
            answers.append(answer)
        if not complete or not item.required:
            continue
        if answer is None:
            field = f"{item.code}_e" if item.kind == ItemKind.servqual else item.code
            problems.append({"field": field, "message": _("Please answer this question.")})
        elif item.kind == ItemKind.servqual and (answer.expected is None or answer.perceived is None):
            field = f"{item.code}_e" if answer.expected is None else f"{item.code}_p"
            problems.append({"field": field, "message": _("Please answer both halves of this statement.")})
    points = {a.item_id: a.number for a in answers if a.number is not None}
    importance = [item for item in items if item.kind == ItemKind.importance]
    given = [points[item.id] for item in importance if item.id in points]
    if complete and importance and given and sum(given) != IMPORTANCE_TOTAL:
        problems.append({"field": importance[0].code,
                         "message": _("The points add up to %(total)s; they should add up to 100.",
                                      total=sum(given))})
    if problems:
        beside: dict[str, str] = {}
        for problem in problems:
            beside.setdefault(problem["field"], short.get(problem["field"], problem["message"]))
        raise AnswersRefused(problems, beside)
    return answers


def _copy_scores(response: SurveyResponse, items: Sequence[SurveyItem], answers: Sequence[SurveyAnswer]) -> None:
    by_item = {a.item_id: a for a in answers}
    response.nps = response.csat = response.comment = None
    for item in items:
        answer = by_item.get(item.id)
        if answer is None:
            continue
        if item.kind == ItemKind.nps:
            response.nps = answer.number
        elif item.kind == ItemKind.csat:
            response.csat = answer.number
        elif item.code in ("comment", "nps_why") and answer.text:
            response.comment = answer.text if response.comment is None else f"{response.comment}\n\n{answer.text}"


def _replace_answers(session: Session, response: SurveyResponse, answers: list[SurveyAnswer]) -> None:
    response.answers = answers      # the old ones are orphans: deleted (or updated in place) on flush
    session.flush()


# ---- through the link ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Form:
    invitation: Invitation
    survey: Survey
    response: SurveyResponse | None     # the answers saved so far

    @property
    def saved(self) -> dict[str, str | list[str]]:
        """The saved answers as the form's values."""
        if self.response is None:
            return {}
        by_id = {item.id: item for item in self.survey.items}
        values: dict[str, str | list[str]] = {}
        for answer in self.response.answers:
            item = by_id.get(answer.item_id)
            if item is None:
                continue
            if item.kind == ItemKind.servqual:
                if answer.expected is not None:
                    values[f"{item.code}_e"] = str(answer.expected)
                if answer.perceived is not None:
                    values[f"{item.code}_p"] = str(answer.perceived)
            elif answer.choices is not None:
                values[item.code] = [str(c) for c in answer.choices]
            elif answer.number is not None:
                values[item.code] = str(answer.number)
            elif answer.text is not None:
                values[item.code] = answer.text
        return values


def form_for(session: Session, token: str, *, now: datetime | None = None) -> Form:
    invitation = invitation_for(session, token, now=now)
    campaign = session.get(Campaign, invitation.campaign_id)
    assert campaign is not None
    survey = session.scalar(select(Survey).options(selectinload(Survey.items)).where(Survey.id == campaign.survey_id))
    assert survey is not None
    response = session.scalar(select(SurveyResponse).options(selectinload(SurveyResponse.answers))
                              .where(SurveyResponse.invitation_id == invitation.id))
    if invitation.opened_at is None:
        invitation.opened_at = now or utcnow()
    return Form(invitation, survey, response)


def answer_by_link(session: Session, settings: Settings, token: str, values: Mapping[str, RawValue], *,
                   submit: bool, language: str | None = None, now: datetime | None = None) -> SurveyResponse:
    """Save the answers given so far (``submit=False``: only what was given is checked) or submit
    them (everything checked; a second submission is refused)."""
    now = now or utcnow()
    form = form_for(session, token, now=now)
    invitation = form.invitation
    if invitation.answered_at is not None:
        raise Conflict(_("This survey was already answered. Thank you!"), field="token")
    answers = read_answers(form.survey.items, values, complete=submit)
    response = form.response
    if response is None:
        response = SurveyResponse(survey_id=form.survey.id, campaign_id=invitation.campaign_id,
                                  invitation_id=invitation.id, client_id=invitation.client_id,
                                  engagement_id=invitation.engagement_id, source=ResponseSource.link,
                                  language=invitation.language, started_at=now, answers=[])
        session.add(response)
        session.flush()
    if language in LANGUAGES:
        response.language = language
    _replace_answers(session, response, answers)
    _copy_scores(response, form.survey.items, answers)
    response.saved_at = now
    if submit:
        response.submitted_at = invitation.answered_at = now
        session.flush()
        followups.after_answer(session, settings, response)
    session.flush()
    return response


# ---- typed in by staff, imported ----------------------------------------------------------------

def record_answers(session: Session, settings: Settings, survey: Survey, client_id: int,
                   values: Mapping[str, RawValue], *, by: Principal, source: ResponseSource = ResponseSource.staff,
                   submitted_at: datetime | None = None, language: str | None = None,
                   external_id: str | None = None, engagement_id: int | None = None,
                   follow_up: bool = True) -> SurveyResponse:
    """A complete response given outside the link (a call, a paper form, another tool's export)."""
    require(by, WRITE)
    client = session.get(Client, client_id)
    if client is None:
        raise ValidationFailed(_("Client %(id)s does not exist.", id=client_id), field="client_id")
    answers = read_answers(survey.items, values, complete=True)
    at = submitted_at or utcnow()
    response = SurveyResponse(survey_id=survey.id, client_id=client_id, engagement_id=engagement_id,
                              source=source, language=language or client.language or settings.default_language,
                              started_at=at, saved_at=at, submitted_at=at, external_id=external_id, answers=[])
    session.add(response)
    session.flush()
    _replace_answers(session, response, answers)
    _copy_scores(response, survey.items, answers)
    session.flush()
    record(session, "survey_answered", entity="survey_response", entity_id=response.id,
           changes={"survey_id": survey.id, "client_id": client_id, "source": source.value})
    if follow_up:
        followups.after_answer(session, settings, response)
    return response


def values_of(answer_map: Mapping[str, Any]) -> dict[str, RawValue]:
    """An API body's answers (numbers, lists) as the form's string values."""
    values: dict[str, RawValue] = {}
    for key, value in answer_map.items():
        if value is None:
            continue
        if isinstance(value, list):
            values[key] = [str(v) for v in value]
        elif isinstance(value, bool):
            raise ValidationFailed(_("%(question)s needs a number or a text.", question=key), field=key)
        else:
            values[key] = str(value)
    return values

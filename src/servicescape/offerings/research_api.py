"""``/api/v1/price-studies``: the firm's price studies; ``/price-studies/{id}/answers``: store answers
(all or none); ``/price-studies/{id}/invitations``: clients asked by link; ``/price-studies/{id}/analysis``:
the study analysed; ``/price-studies/analyse/van-westendorp`` and ``/price-studies/analyse/gabor-granger``:
answers sent in the body analysed without storing them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Query
from pydantic import Field

from servicescape.offerings import research, research_links
from servicescape.offerings.pricing import GaborGrangerAnswer, PriceAnswer
from servicescape.offerings.research_models import StudyMethod
from servicescape.schemas import Amount, Currency, Id, LongText, Name, OutSchema, Schema, partial
from servicescape.web.api.common import CREATE, READ_ONE, UPDATE, EntityId
from servicescape.web.api.resources import Resource, SignedIn, add_list_all, entity_router

Price = Annotated[float, Field(allow_inf_nan=False, gt=0, le=10**13)]
Label = Annotated[str, Field(max_length=100)]


class StudyIn(Schema):
    name: Name
    method: StudyMethod
    level_id: Id | None = None
    currency: Currency
    grid: Annotated[list[Amount], Field(max_length=100, default_factory=list)]
    asked_on: date | None = None
    minimum_sample: Annotated[int, Field(strict=True)] = 30
    notes: LongText | None = None


class StudyOut(OutSchema):
    id: int
    name: str
    method: StudyMethod
    level_id: int | None
    currency: str
    grid: list[Decimal]
    asked_on: date | None
    minimum_sample: int
    notes: str | None
    created_at: datetime
    updated_at: datetime


StudyPatch = partial(StudyIn, "StudyPatch")
STUDIES = Resource("price-studies", "price_study", research.studies, StudyIn, StudyPatch, StudyOut,
                   sample="servicescape.offerings.samples:price_study")


class PsmAnswerIn(Schema):
    """Prices in any order: answers out of order are kept and counted as invalid."""

    too_cheap: Price
    cheap: Price
    expensive: Price
    too_expensive: Price
    respondent: Label | None = None
    segment: Label | None = None
    likely_cheap: Annotated[int, Field(ge=1, le=5, strict=True)] | None = None
    likely_expensive: Annotated[int, Field(ge=1, le=5, strict=True)] | None = None


class ChoiceIn(Schema):
    respondent: Annotated[str, Field(min_length=1, max_length=100)]
    price: Price
    buys: bool
    segment: Label | None = None


class AnswersIn(Schema):
    van_westendorp: Annotated[list[PsmAnswerIn], Field(max_length=research.MAX_ANSWERS, default_factory=list)]
    gabor_granger: Annotated[list[ChoiceIn], Field(max_length=research.MAX_ANSWERS, default_factory=list)]
    replace: bool = False


class PsmBody(Schema):
    answers: Annotated[list[PsmAnswerIn], Field(min_length=1, max_length=research.MAX_ANSWERS)]
    convention: Annotated[str, Field(pattern="^(original|narrower)$")] = "original"
    minimum_sample: Annotated[int, Field(ge=1, le=10_000, strict=True)] = 30


class GaborGrangerBody(Schema):
    answers: Annotated[list[ChoiceIn], Field(min_length=1, max_length=research.MAX_ANSWERS)]
    grid: Annotated[list[Price], Field(min_length=1, max_length=100)]
    minimum_sample: Annotated[int, Field(ge=1, le=10_000, strict=True)] = 30


class StoredOut(Schema):
    study_id: int
    stored: int


class AnalysisOut(Schema):
    """The whole sample and each segment: for Van Westendorp the six curves, OPP, IDP, PMC, PME (None
    where curves never meet), the convention, valid and invalid counts and, with purchase likelihoods,
    the Newton–Miller–Smith trial and revenue; for Gabor-Granger demand and revenue per price."""

    analysis: dict[str, Any]


class InviteIn(Schema):
    client_ids: Annotated[list[Id], Field(max_length=research_links.MAX_INVITED, default_factory=list)]
    segment: Label | None = None
    expires_days: Annotated[int, Field(strict=True)] = 30


class InvitedOut(Schema):
    client_id: int
    email: str
    link: str


class InvitationsOut(Schema):
    """The new links (shown this once: only their hash is kept; each was e-mailed to its client)."""

    invited: list[InvitedOut]
    progress: dict[str, int]


router = entity_router(STUDIES)
add_list_all(router, STUDIES)


def _psm(answer: PsmAnswerIn) -> PriceAnswer:
    return PriceAnswer(answer.too_cheap, answer.cheap, answer.expensive, answer.too_expensive,
                       answer.respondent, answer.segment, answer.likely_cheap, answer.likely_expensive)


@router.post("/{id}/answers", status_code=201, response_model=StoredOut, responses=UPDATE,
             name="store_price_answers", summary="Store answers in a study: all of them, or none")
def store(id: EntityId, body: AnswersIn, context: SignedIn) -> Any:
    with context.unit() as session:
        n = research.store_given(session, id, [_psm(a) for a in body.van_westendorp],
                                 [GaborGrangerAnswer(c.respondent, c.price, c.buys, c.segment)
                                  for c in body.gabor_granger], replace=body.replace, by=context.principal)
        return StoredOut(study_id=id, stored=n)


@router.post("/{id}/invitations", status_code=201, response_model=InvitationsOut, responses=UPDATE,
             name="invite_to_price_study", summary="Ask clients the study's questions: a private link each, by e-mail")
def invite(id: EntityId, body: InviteIn, context: SignedIn) -> Any:
    with context.unit() as session:
        invited = research_links.invite(session, context.runtime.settings, id, client_ids=body.client_ids,
                                        segment=body.segment, expires_days=body.expires_days, by=context.principal)
        return InvitationsOut(invited=[InvitedOut(client_id=i.client_id, email=i.email, link=i.link) for i in invited],
                              progress=research_links.progress(session, id, by=context.principal))


@router.get("/{id}/analysis", response_model=AnalysisOut, responses=READ_ONE, name="price_study_analysis",
            summary="The study analysed, the whole sample and each segment with enough answers")
def analysis(id: EntityId, context: SignedIn,
             convention: Annotated[str, Query(pattern="^(original|narrower)$")] = "original") -> Any:
    with context.unit() as session:
        return AnalysisOut(analysis=research.study_analysis(session, id, convention=convention,
                                                            by=context.principal))


@router.post("/analyse/van-westendorp", response_model=AnalysisOut, responses=CREATE,
             name="analyse_van_westendorp", summary="Analyse Van Westendorp answers without storing them")
def analyse_psm(body: PsmBody, context: SignedIn) -> Any:
    research.may_research(context.principal)
    return AnalysisOut(analysis=research.analyse_psm_answers([_psm(a) for a in body.answers],
                                                             convention=body.convention, minimum=body.minimum_sample))


@router.post("/analyse/gabor-granger", response_model=AnalysisOut, responses=CREATE,
             name="analyse_gabor_granger", summary="Analyse Gabor-Granger answers without storing them")
def analyse_gg(body: GaborGrangerBody, context: SignedIn) -> Any:
    research.may_research(context.principal)
    return AnalysisOut(analysis=research.analyse_gabor_granger_answers(
        [GaborGrangerAnswer(c.respondent, c.price, c.buys, c.segment) for c in body.answers], body.grid,
        minimum=body.minimum_sample))


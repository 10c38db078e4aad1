"""The scorecard's JSON shapes (``/api/v1/scorecard``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["ok", "no_data", "not_in_use"]
Trend = Literal["up", "down", "flat"]


class ScorecardPeriodOut(BaseModel):
    key: str
    first_day: str
    last_day: str


class ScorecardTargetOut(BaseModel):
    comparison: Literal[">=", "<="]
    value: float
    met: bool | None


class ScorecardMeasureResultOut(BaseModel):
    key: str
    label: str
    source: str
    unit: str
    value: float | None
    n: int = Field(description="the sample the figure stands on")
    status: Status
    previous_value: float | None
    previous_n: int
    target: ScorecardTargetOut | None
    score: float | None = Field(description="0-100; none without a figure")
    previous_score: float | None
    trend: Trend | None
    weight: float
    elements: list[str]
    goals: list[str]


class ScorecardGroupOut(BaseModel):
    key: str
    label: str
    score: float | None
    coverage: float = Field(description="the share of the group's weight that has a score (0-1)")
    measures_scored: int
    measures: int
    previous_score: float | None
    trend: Trend | None


class ScorecardOut(BaseModel):
    period: ScorecardPeriodOut
    previous_period: ScorecardPeriodOut
    data_as_of: str
    overall: ScorecardGroupOut
    elements: list[ScorecardGroupOut]
    goals: list[ScorecardGroupOut]
    measures: list[ScorecardMeasureResultOut]


class ScorecardMeasureOut(BaseModel):
    key: str
    label: str
    formula: str
    source: str
    unit: str
    poor: float = Field(description="the value that scores 0")
    good: float = Field(description="the value that scores 100")
    elements: list[str]
    goals: list[str]
    weight: float


class ScorecardWeightIn(BaseModel):
    weight: float = Field(ge=0, le=10, description="0 leaves the measure out of every mean")


class ScorecardHistoryOut(BaseModel):
    period: ScorecardPeriodOut
    overall: float | None
    coverage: float
    elements: dict[str, float | None]
    goals: dict[str, float | None]


class RecommendationWhyOut(BaseModel):
    figure: float
    n: int
    score: float
    scores_0_at: float
    scores_100_at: float
    trend: Trend | None


class RecommendationOwnerOut(BaseModel):
    owner: str
    records: int


class RecommendationRecordOut(BaseModel):
    client_id: int
    client: str
    owner_id: int | None
    owner: str | None
    detail: str


class RecommendationOut(BaseModel):
    rule: str
    measure: str
    quarter: str
    title: str
    action: str
    link: str
    why: RecommendationWhyOut
    owners: list[RecommendationOwnerOut]
    records: list[RecommendationRecordOut]
    status: Literal["open", "accepted", "dismissed"]
    reason: str | None


class AcceptedOut(BaseModel):
    tasks_opened: int


class DismissIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500, pattern="^[^\\u0000]*$")


Risk = Literal["high", "medium", "low", "unknown"]


class HealthPartOut(BaseModel):
    key: str
    label: str
    source: str
    unit: str
    weight: float
    value: float | Literal["new"] | None = Field(description="the part's figure; 'new': no spend the year before")
    score: float | None = Field(description="0-100; none without data")
    previous_score: float | None


class HealthOut(BaseModel):
    client_id: int
    score: float | None
    previous_score: float | None = Field(description="the health the records gave 90 days before")
    change: float | None
    trend: Trend | None
    coverage: float = Field(description="0-1: the weight of the parts with data")
    risk: Risk
    parts: list[HealthPartOut]
    computed_at: str


class HealthLineOut(BaseModel):
    client_id: int
    name: str
    tier: str
    owner: str | None
    score: float | None
    previous_score: float | None
    change: float | None
    trend: Trend | None
    risk: Risk
    coverage: float


class HealthPageOut(BaseModel):
    items: list[HealthLineOut]
    total: int
    page: int
    per_page: int
    computed_at: str | None
    risk_counts: dict[str, int]


class HealthRefreshOut(BaseModel):
    clients: int
    risk: dict[str, int]
    tasks_opened: int


class GapEvidenceOut(BaseModel):
    key: str
    label: str
    value: float | None
    n: int
    status: Status
    unit: str
    score: float | None


class GapOut(BaseModel):
    number: int
    key: str
    label: str
    question: str
    source: str
    score: float | None = Field(description="0-100, the mean of its evidence's scores: 100 is no gap")
    evidence: list[GapEvidenceOut]
    dimensions: dict[str, float] = Field(description="gap 5: each SERVQUAL dimension's gap (perceived - expected)")


class ChecklistElementOut(BaseModel):
    number: int
    label: str
    evidence_label: str
    ticked: bool | None = Field(description="every measure behind it scores 60 or more; none without data")
    evidence: list[GapEvidenceOut]


class ScorecardGapsOut(BaseModel):
    period: ScorecardPeriodOut
    gaps: list[GapOut]
    checklist: list[ChecklistElementOut]


class ExpectationPointsIn(BaseModel):
    """Points of 100 per SERVQUAL dimension: what the managers believe clients value (adding up to 100)."""

    model_config = {"extra": "forbid"}

    tangibles: float = Field(ge=0, le=100)
    reliability: float = Field(ge=0, le=100)
    responsiveness: float = Field(ge=0, le=100)
    assurance: float = Field(ge=0, le=100)
    empathy: float = Field(ge=0, le=100)


class ExpectationsOut(BaseModel):
    managers: dict[str, float] | None = Field(description="the managers' points per dimension; none until set")

"""The shapes the analytics API speaks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ReportMeta(BaseModel):
    data_version: int = Field(description="the data the result was counted on")
    computed_at: datetime
    seconds: float = Field(description="how long counting took")
    cached: bool = Field(description="served from the cache")
    stale: bool = Field(description="counted on older data (asked for with allow_stale)")


class ReportOut(BaseModel):
    report: str
    params: dict[str, Any] = Field(description="the parameters it was counted with (defaults filled in)")
    meta: ReportMeta
    result: dict[str, Any] = Field(description="the figures; amounts in the reporting currency, shares as fractions")


class SettingsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    acquisition_cost: float | None = Field(description="what winning a new client costs, reporting currency")
    currency: str
    annual_discount_rate: float
    horizon_months: int
    at_risk_below: float = Field(description="probability alive under which a client is at risk")
    rhythm_multiple: float = Field(description="...or silent for this many of its usual gaps between purchases")


class SettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    acquisition_cost: float | None = Field(None, ge=0, le=1e12)
    annual_discount_rate: float | None = Field(None, ge=0, le=0.99)
    horizon_months: int | None = Field(None, ge=1, le=120)
    at_risk_below: float | None = Field(None, ge=0.01, le=0.99)
    rhythm_multiple: float | None = Field(None, ge=1, le=20)


class RefreshOut(BaseModel):
    counted: int
    data_version: int
    seconds: float | None = None

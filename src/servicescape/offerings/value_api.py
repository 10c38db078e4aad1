"""``/api/v1/value-cases``: value cases with their benefits and costs; ``/value-cases/{id}/figures``:
value, ROI and payback at the three estimates; ``/value-cases/{id}/outcomes``: the outcomes that back it."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import Response

from servicescape.offerings import value
from servicescape.offerings.value_schemas import (
    ValueCaseIn,
    ValueCaseOut,
    ValueCasePatch,
    ValueFiguresOut,
    ValueOutcomeIn,
    ValueOutcomeOut,
)
from servicescape.web.api.common import DELETE, READ_ONE, UPDATE, EntityId
from servicescape.web.api.resources import Resource, SignedIn, add_list_by_client, entity_router

VALUE_CASES = Resource("value-cases", "value_case", value.value_cases, ValueCaseIn, ValueCasePatch, ValueCaseOut,
                       sample="servicescape.offerings.samples:value_case")

router = entity_router(VALUE_CASES)
add_list_by_client(router, VALUE_CASES)

NOTE = ("low: every benefit's low estimate against every cost's high one; high: the reverse; value = benefits − "
        "(price + the client's own costs); ROI = value ÷ that total; payback = total ÷ benefits per month")


@router.get("/{id}/figures", response_model=ValueFiguresOut, responses=READ_ONE, name="value_case_figures",
            summary="Value, ROI and payback at the low, expected and high estimates; illustrative until backed")
def figures(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        found = value.view(session, id, by=context.principal)
        return ValueFiguresOut(case_id=id, currency=found.case.currency, horizon_months=found.case.horizon_months,
                               scenarios=[asdict(s) for s in found.scenarios],  # type: ignore[misc]
                               delivered_outcomes=found.delivered_outcomes, outcomes_to_back=value.OUTCOMES_TO_BACK,
                               illustrative=found.illustrative, note=NOTE)


@router.post("/{id}/outcomes", status_code=201, response_model=ValueOutcomeOut, responses=UPDATE,
             name="add_value_outcome", summary="Record a real outcome of a delivered engagement, with its evidence")
def add_outcome(id: EntityId, body: ValueOutcomeIn, context: SignedIn) -> Any:
    with context.unit() as session:
        return ValueOutcomeOut.model_validate(value.add_outcome(session, id, body.model_dump(), by=context.principal))


@router.delete("/outcomes/{id}", status_code=204, response_class=Response, responses=DELETE,
               name="delete_value_outcome", summary="Remove a recorded outcome")
def delete_outcome(id: EntityId, context: SignedIn) -> Response:
    with context.unit() as session:
        value.remove_outcome(session, id, by=context.principal)
    return Response(status_code=204)

"""Price research on the firm's own clients: reading answer files (CSV/XLSX), price studies and their
answers (a whole file is stored or none of it), and the analyses as plain values for the CLI, API
and pages (the formulas are in ``pricing``)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from servicescape.auth.permissions import Principal, require
from servicescape.db.crud import EntityService, about_field
from servicescape.errors import Conflict, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.offerings import service as offerings
from servicescape.offerings.capability import MANAGE
from servicescape.offerings.models import PackageLevel
from servicescape.offerings.pricing import (
    GaborGrangerAnswer,
    PriceAnswer,
    PriceGridError,
    PsmResult,
    TooFewAnswers,
    analyse_gabor_granger,
    analyse_psm,
    by_segment,
    check_price_grid,
    is_valid,
)
from servicescape.offerings.research_models import PriceAnswer as StoredAnswer
from servicescape.offerings.research_models import PriceChoice, PriceStudy, StudyMethod
from servicescape.tabular.amounts import parse_decimal
from servicescape.tabular.errors import TabularError
from servicescape.tabular.reading import open_table

PSM_COLUMNS = ("too_cheap", "cheap", "expensive", "too_expensive")
PSM_OPTIONAL = ("respondent", "segment", "likely_cheap", "likely_expensive")
GG_COLUMNS = ("respondent", "price", "buys")
YES, NO = {"1", "yes", "y", "true", "buy", "would buy"}, {"0", "no", "n", "false", "would not buy"}
CONVENTIONS = ("original", "narrower")
MAX_ANSWERS = 100_000


# --- files --------------------------------------------------------------------------------------

def _rows(path: Path, required: Sequence[str], optional: Sequence[str]) -> list[tuple[int, dict[str, Any]]]:
    """(line, {column: cell}) of every row; the header must name every required column."""
    rows: list[tuple[int, dict[str, Any]]] = []
    with open_table(path) as table:
        names = [header.strip().lower().replace(" ", "_") for header in table.headers]
        missing = [column for column in required if column not in names]
        if missing:
            raise TabularError(_("%(file)s: the columns %(columns)s are missing (it has %(found)s).",
                                 file=path.name, columns=", ".join(missing), found=", ".join(names)))
        index = {name: n for n, name in enumerate(names) if name in (*required, *optional)}
        for record in table.records:
            if len(rows) >= MAX_ANSWERS:
                raise TabularError(_("%(file)s has more than %(n)s answers.", file=path.name, n=MAX_ANSWERS))
            cells = record.cells
            rows.append((record.number, {name: cells[n] if n < len(cells) else None for name, n in index.items()}))
    return rows


def _amount(cell: Any, line: int, column: str) -> float:
    try:
        value = parse_decimal(cell)
    except TabularError:
        raise TabularError(_("line %(line)s, %(column)s: %(value)s is not a price.", line=line, column=column,
                             value=repr(cell))) from None
    return float(value)


def _likelihood(cell: Any, line: int, column: str) -> float | None:
    if cell in (None, ""):
        return None
    value = _amount(cell, line, column)
    if value not in (1, 2, 3, 4, 5):
        raise TabularError(_("line %(line)s, %(column)s: a likelihood is 1 to 5, not %(value)s.",
                             line=line, column=column, value=cell))
    return value


def _text(cell: Any) -> str | None:
    text = "" if cell is None else str(cell).strip()
    return text[:120] or None


def read_psm_file(path: Path) -> list[PriceAnswer]:
    """Van Westendorp answers from a CSV/XLSX with the columns ``too_cheap``, ``cheap``, ``expensive``,
    ``too_expensive`` (optional ``respondent``, ``segment``, ``likely_cheap``, ``likely_expensive``).
    A cell that is not a number stops the reading, naming its line and column; prices out of order
    are read (they count as invalid answers)."""
    answers = []
    for line, row in _rows(path, PSM_COLUMNS, PSM_OPTIONAL):
        prices = {column: _amount(row[column], line, column) for column in PSM_COLUMNS}
        answers.append(PriceAnswer(**prices, respondent=_text(row.get("respondent")) or f"line {line}",
                                   segment=_text(row.get("segment")),
                                   likely_cheap=_likelihood(row.get("likely_cheap"), line, "likely_cheap"),
                                   likely_expensive=_likelihood(row.get("likely_expensive"), line,
                                                                "likely_expensive")))
    return answers


def read_gabor_granger_file(path: Path) -> list[GaborGrangerAnswer]:
    """Gabor-Granger answers: ``respondent``, ``price``, ``buys`` (yes/no, 1/0, true/false), optional ``segment``."""
    answers = []
    for line, row in _rows(path, GG_COLUMNS, ("segment",)):
        said = str(row["buys"] if row["buys"] is not None else "").strip().lower()
        if said not in YES | NO:
            raise TabularError(_("line %(line)s, buys: %(value)s is neither yes nor no.", line=line,
                                 value=repr(row["buys"])))
        respondent = _text(row["respondent"])
        if respondent is None:
            raise TabularError(_("line %(line)s, respondent: who answered is missing.", line=line))
        answers.append(GaborGrangerAnswer(respondent, _amount(row["price"], line, "price"), said in YES,
                                          _text(row.get("segment"))))
    return answers


# --- analyses as plain values ---------------------------------------------------------------------

def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, 6)


def psm_payload(result: PsmResult) -> dict[str, Any]:
    found = asdict(result)
    found["curves"] = {name: list(found.pop(name)) for name in
                       ("too_cheap", "cheap", "expensive", "too_expensive", "not_cheap", "not_expensive")}
    found["prices"] = list(result.prices)
    if result.nms is not None:
        nms = result.nms
        found["nms"] = {"prices": list(nms.prices), "trial": [_finite(v) for v in nms.trial],
                        "revenue": [_finite(v) for v in nms.revenue], "best_trial_price": nms.best_trial_price,
                        "best_revenue_price": nms.best_revenue_price, "respondents": nms.respondents}
    return found


def analyse_psm_answers(answers: Sequence[PriceAnswer], *, convention: str = "original",
                        minimum: int = 30) -> dict[str, Any]:
    """The whole sample and each segment (or "too few" below ``minimum`` valid answers)."""
    if convention not in CONVENTIONS:
        raise about_field(ValidationFailed, N_("%(field)s is original or narrower, not %(value)s."), "convention",
                          value=convention)
    try:
        found = by_segment(answers, lambda given: analyse_psm(given, convention=convention), minimum)  # type: ignore[arg-type]
    except PriceGridError as error:
        raise ValidationFailed(str(error), field=error.field) from None
    except ValueError as error:
        raise ValidationFailed(str(error), field="answers") from None
    return {"method": "van_westendorp", "convention": convention, "minimum_sample": minimum,
            "whole": psm_payload(found.whole), "segments": _segments(found.segments, psm_payload)}


def analyse_gabor_granger_answers(answers: Sequence[GaborGrangerAnswer], grid: Sequence[float], *,
                                  minimum: int = 30) -> dict[str, Any]:
    try:
        check_price_grid(grid)
        found = by_segment(answers, lambda given: analyse_gabor_granger(given, grid), minimum)
    except PriceGridError as error:
        raise ValidationFailed(str(error), field=error.field) from None
    except ValueError as error:
        raise ValidationFailed(str(error), field="answers") from None
    return {"method": "gabor_granger", "minimum_sample": minimum, "grid": list(grid),
            "whole": asdict(found.whole), "segments": _segments(found.segments, asdict)}


def _segments(segments: Any, payload: Any) -> list[dict[str, Any]]:
    return [{"segment": name, "too_few": True, "valid": result.valid, "minimum": result.minimum}
            if isinstance(result, TooFewAnswers) else {"segment": name, "too_few": False, **payload(result)}
            for name, result in segments.items()]


# --- studies --------------------------------------------------------------------------------------

class StudyService(EntityService[PriceStudy]):
    model = PriceStudy
    label = N_("Price study")
    references: ClassVar[dict[str, Any]] = {"level_id": PackageLevel}
    unique_fields: ClassVar[tuple[str, ...]] = ("name",)
    read_permission = MANAGE
    write_permission = MANAGE
    delete_permission = MANAGE

    def check(self, session: Session, data: dict[str, Any], existing: PriceStudy | None) -> dict[str, Any]:
        offerings.currency_in_use(data)
        if "method" in data:
            try:
                data["method"] = StudyMethod(data["method"])
            except ValueError:
                raise about_field(ValidationFailed, N_("%(field)s is van_westendorp or gabor_granger."),
                                  "method") from None
        method = data.get("method", existing.method if existing else None)
        if existing is not None and _answered(session, existing.id) and (
                method != existing.method or ("grid" in data and [float(p) for p in data["grid"] or []]
                                              != [float(p) for p in existing.grid])):
            raise about_field(Conflict, N_("%(field)s: the study has answers; make a new study to ask otherwise."),
                              "method" if method != existing.method else "grid")
        if "grid" in data:
            for price in data["grid"] or []:
                offerings.amount_fits(price, "grid", positive=True)
            grid = [float(price) for price in data["grid"] or []]
            if grid or method == StudyMethod.gabor_granger:
                try:
                    check_price_grid(grid)
                except PriceGridError as error:
                    raise ValidationFailed(str(error), field="grid") from None
            data["grid"] = grid
        elif existing is None and method == StudyMethod.gabor_granger:
            raise about_field(ValidationFailed, N_("%(field)s: a Gabor-Granger study needs its price grid."), "grid")
        if "minimum_sample" in data and not 1 <= (data["minimum_sample"] or 0) <= 10_000:
            raise about_field(ValidationFailed, N_("%(field)s must be a whole number from %(low)s to %(high)s."),
                              "minimum_sample", low=1, high=10_000)
        return super().check(session, data, existing)


studies = StudyService()


def _answered(session: Session, study_id: int) -> bool:
    return any(session.scalar(select(model.id).where(model.study_id == study_id).limit(1)) is not None  # type: ignore[attr-defined]
               for model in (StoredAnswer, PriceChoice))


def may_research(by: Principal) -> None:
    require(by, MANAGE)


def store_answers(session: Session, study_id: int, path: Path, *, replace: bool = False,
                  by: Principal) -> int:
    """Read a file of answers into a study: all of it or, at the first bad cell, none of it."""
    study = studies.get(session, study_id, by=by)
    if study.method == StudyMethod.van_westendorp:
        return store_given(session, study_id, read_psm_file(path), [], replace=replace, by=by)
    return store_given(session, study_id, [], read_gabor_granger_file(path), replace=replace, by=by)


def store_given(session: Session, study_id: int, psm: Sequence[PriceAnswer], choices: Sequence[GaborGrangerAnswer],
                *, replace: bool = False, by: Principal) -> int:
    """Store answers in a study (those of its method: the others are refused), all or none."""
    study = studies.get(session, study_id, by=by)
    require(by, MANAGE)
    psm_study = study.method == StudyMethod.van_westendorp
    wanted, other = (psm, choices) if psm_study else (choices, psm)
    if other:
        raise about_field(ValidationFailed, N_("%(field)s: this study asks other questions."),
                          "gabor_granger" if psm_study else "van_westendorp")
    if not wanted:
        raise about_field(ValidationFailed, N_("%(field)s: no answers to store."), study.method.value)
    for n, answer in enumerate(psm):
        for name in PSM_COLUMNS:
            offerings.amount_fits(getattr(answer, name), f"van_westendorp[{n}].{name}")
    if study.method == StudyMethod.gabor_granger:
        grid = {float(p) for p in study.grid}
        asked = set() if replace else {(r, float(p)) for r, p in session.execute(
            select(PriceChoice.respondent, PriceChoice.price).where(PriceChoice.study_id == study.id))}
        for n, choice in enumerate(choices):
            if choice.price not in grid:
                raise ValidationFailed(_("answer %(n)s: %(price)s is not a price of the study's grid.", n=n + 1,
                                         price=choice.price), field="gabor_granger")
            if (choice.respondent, choice.price) in asked:
                raise ValidationFailed(_("answer %(n)s: %(respondent)s answered %(price)s already.", n=n + 1,
                                         respondent=choice.respondent, price=choice.price), field="gabor_granger")
            asked.add((choice.respondent, choice.price))
    if replace:
        for model in (StoredAnswer, PriceChoice):
            session.execute(delete(model).where(model.study_id == study.id))  # type: ignore[attr-defined]
    if study.method == StudyMethod.van_westendorp:
        session.add_all([StoredAnswer(
            study_id=study.id, respondent=a.respondent, segment=a.segment,
            **{name: Decimal(str(getattr(a, name))) for name in PSM_COLUMNS},
            likely_cheap=None if a.likely_cheap is None else int(a.likely_cheap),
            likely_expensive=None if a.likely_expensive is None else int(a.likely_expensive),
            valid=is_valid(a)) for a in psm])
    else:
        session.add_all([PriceChoice(study_id=study.id, respondent=c.respondent, segment=c.segment,
                                     price=Decimal(str(c.price)), buys=c.buys) for c in choices])
    session.flush()
    return len(wanted)


def study_analysis(session: Session, study_id: int, *, convention: str = "original", by: Principal) -> dict[str, Any]:
    study = studies.get(session, study_id, by=by)
    if study.method == StudyMethod.van_westendorp:
        rows = session.scalars(select(StoredAnswer).where(StoredAnswer.study_id == study.id)
                               .order_by(StoredAnswer.id))
        answers = [PriceAnswer(**{name: float(getattr(r, name)) for name in PSM_COLUMNS}, respondent=r.respondent,
                               segment=r.segment,
                               likely_cheap=None if r.likely_cheap is None else float(r.likely_cheap),
                               likely_expensive=None if r.likely_expensive is None else float(r.likely_expensive))
                   for r in rows]
        found = analyse_psm_answers(answers, convention=convention, minimum=study.minimum_sample)
    else:
        choices = session.scalars(select(PriceChoice).where(PriceChoice.study_id == study.id)
                                  .order_by(PriceChoice.id))
        found = analyse_gabor_granger_answers(
            [GaborGrangerAnswer(c.respondent, float(c.price), c.buys, c.segment) for c in choices],
            [float(p) for p in study.grid], minimum=study.minimum_sample)
    return {"study": {"id": study.id, "name": study.name, "currency": study.currency,
                      "asked_on": study.asked_on.isoformat() if study.asked_on else None}, **found}


def answer_counts(session: Session, *, by: Principal) -> dict[int, int]:
    require(by, MANAGE)
    counts: dict[int, int] = {}
    for model in (StoredAnswer, PriceChoice):
        for study_id, n in session.execute(select(model.study_id, func.count())  # type: ignore[attr-defined]
                                           .group_by(model.study_id)):  # type: ignore[attr-defined]
            counts[study_id] = counts.get(study_id, 0) + n
    return counts

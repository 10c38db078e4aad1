"""Reading a file of survey responses: a batch of records → each row's answers, checked by the rules
of a submitted survey (``answers.read_answers(items, values, complete=True)``: the same copy the
private link and the staff's form use), with the client book's cell machinery (``clients.import_rows``).

What reading decides (``import_run`` says what writing does):

* A row's every problem is named by the file's column: a cell that cannot be read (a date, a text too
  long) and each answer the survey refuses (``P5 needs a whole number from 1 to 7.``, ``E7: Please
  answer both halves of this statement.``, the importance points not adding up to 100), one a line.
* Numbers come as text or as spreadsheet numbers (``5`` and ``5.0`` are 5; ``5.5`` is refused).
* ``submitted_at``: a time without a timezone is on the firm's clock (``settings.timezone``); dates such
  as ``03/05/2024`` as ``dayfirst`` says, else inferred from the first batch (``import_run``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from servicescape.clients import import_cells as cells
from servicescape.clients.import_columns import RowBatch, text_cell
from servicescape.clients.import_rows import ReadContext, RowReader, Step, column_limit
from servicescape.clients.rules import Rule
from servicescape.errors import ValidationFailed
from servicescape.i18n import _
from servicescape.quality.answers import MAX_ANSWER_TEXT, read_answers
from servicescape.quality.importing import FIELD_OF_KEY, answer_key
from servicescape.quality.models import ItemKind, SurveyAnswer, SurveyItem, SurveyResponse
from servicescape.tabular import Cell, HeaderMap, Record, clean_text

#: a survey id as a file writes it
SURVEY_ID_LIMIT = 20
#: the answer table's values besides its keys
ANSWER_COLUMNS = ("expected", "perceived", "number", "choices", "text")
#: how many outcomes of groups of items the checker remembers
MEMO_SIZE = 50_000
_NUMBER = re.compile(r"-?\d+\.0+")
Rejected = tuple[int, str, list[Cell]]


def _plan(ctx: ReadContext, header: Callable[[str], str], fields: Sequence[str]) -> dict[str, Step]:
    """field → (value name, converter or None for plain text, length limit of text): the answers are
    text, read by ``read_answers``; the value names are the fields'."""
    table = SurveyResponse.__table__
    dayfirst = ctx.dayfirst.get("submitted_at", ctx.dayfirst_default)
    plan: dict[str, Step] = {
        "respondent": ("respondent", None, 320),
        "external_id": ("external_id", None, column_limit(table, "external_id")),
        "survey": ("survey", None, SURVEY_ID_LIMIT),
        "submitted_at": ("submitted_at", cells.moment(header("submitted_at"), dayfirst, ctx.zone), 0),
    }
    for field in fields:
        if field not in plan:
            plan[field] = (field, None, MAX_ANSWER_TEXT)
    return plan


def _as_number_text(value: Any) -> Any:
    """A spreadsheet's ``5.0`` as ``5`` (``read_answers`` reads whole numbers)."""
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        return value.split(".", 1)[0]
    return value


class AnswerChecker:
    """``read_answers(items, values, complete=True)`` over a row's values, a group of items at a time:
    each item alone, except the importance items together (their points must add up to 100: the one
    rule that spans items). The outcome is the same as one call over all the items (the problems in the
    order of the items); each group's outcome is remembered by its values (answers repeat: a 1–7 scale
    has 49 pairs), so a 100,000-row file is checked without building millions of answers."""

    def __init__(self, items: Sequence[SurveyItem]) -> None:
        self.groups: list[tuple[list[SurveyItem], tuple[str, ...], bool]] = []
        importance = [item for item in items if item.kind == ItemKind.importance]
        for item in items:
            if item.kind == ItemKind.importance:
                if item is importance[0]:
                    self.groups.append((importance, tuple(item.code for item in importance), True))
                continue
            keys = (f"{item.code}_e", f"{item.code}_p") if item.kind == ItemKind.servqual else (item.code,)
            self.groups.append(([item], keys, item.kind != ItemKind.text))
        self.memo: dict[tuple[int, tuple[Any, ...]], _Outcome] = {}

    def check(self, values: Mapping[str, Any]) -> tuple[list[SurveyAnswer], list[dict[str, Any]],
                                                        list[dict[str, str]]]:
        """The row's answers (shared between rows: read them, never store them), the same as rows of the
        answer table (without ``response_id``; without ``choices`` unless it has some), and the problems
        (``{"field", "message"}``; [] when none)."""
        answers: list[SurveyAnswer] = []
        rows: list[dict[str, Any]] = []
        problems: list[dict[str, str]] = []
        for index, (items, keys, remembered) in enumerate(self.groups):
            given = tuple(values.get(key) for key in keys)
            found = self.memo.get((index, given)) if remembered else None
            if found is None:
                found = _outcome(items, dict(zip(keys, given, strict=True)))
                if remembered:
                    if len(self.memo) >= MEMO_SIZE:
                        self.memo.clear()
                    self.memo[(index, given)] = found
            answers += found[0]
            rows += found[1]
            problems += found[2]
        return answers, rows, problems


_Outcome = tuple[list[SurveyAnswer], list[dict[str, Any]], list[dict[str, str]]]


def _outcome(items: list[SurveyItem], values: dict[str, Any]) -> _Outcome:
    try:
        answers = read_answers(items, values, complete=True)
    except ValidationFailed as failed:
        return [], [], failed.details or [{"field": failed.field or "", "message": failed.message}]
    rows = [{"item_id": answer.item_id, **{name: value for name in ANSWER_COLUMNS
                                           if (value := getattr(answer, name)) is not None or name != "choices"}}
            for answer in answers]
    return answers, rows, []


class ResponseReader(RowReader):
    """Reads the records of one file of survey responses a batch at a time: the cells column by column
    as the client book's reader does, then each row's answers by the survey's rules (``AnswerChecker``).
    ``read_batch`` gives the rows with the columns ``answers`` (each row's ``SurveyAnswer`` list, shared
    between rows, never to be stored) and ``answer_rows`` (the same as rows of the answer table)."""

    def __init__(self, headers: HeaderMap, ctx: ReadContext, items: Sequence[SurveyItem],
                 foreign: Collection[str] = (), *, guarded: bool = True) -> None:
        """``foreign``: the fields of columns for questions the survey does not ask (a value refuses the row)."""
        self.foreign = [field for field in headers.fields if field in foreign]
        self.answer_fields = [(field, key) for field in headers.fields
                              if (key := answer_key(field)) is not None and field not in foreign]
        super().__init__("survey_responses", headers, ctx, [], guarded=guarded)
        self.refs = []   # a row names its client by ``respondent`` (the writer resolves it)
        self.items = list(items)
        self.checker = AnswerChecker(self.items)

    def plan(self, kind: str, ctx: ReadContext, header: Callable[[str], str]) -> dict[str, Step]:
        return _plan(ctx, header, [*(field for field, _key in self.answer_fields), *self.foreign])

    def row_rules(self, kind: str) -> list[Rule]:
        """None: a row's answers are checked by ``read_answers`` (``read_batch``)."""
        return []

    def read_batch(self, records: Sequence[Record]) -> tuple[RowBatch, list[Rejected]]:
        batch, refused = super().read_batch(records)
        if refused:  # rows with a cell refused: their answers' problems are told too
            told = {number: self.problems(self.values_of(cells)) for number, _reason, cells in refused}
            refused = [(number, "\n".join([reason, *told[number]]), cells) for number, reason, cells in refused]
        found: list[list[SurveyAnswer]] = []
        stored: list[list[dict[str, Any]]] = []
        bad: dict[int, Rejected] = {}
        columns = [(key, batch.column(field) or [None] * len(batch)) for field, key in self.answer_fields]
        foreign = [(self.column_headers[field], batch.column(field) or [None] * len(batch)) for field in self.foreign]
        for position in range(len(batch)):
            values = {key: _as_number_text(column[position]) for key, column in columns}
            problems = [_("%(column)s: the survey does not ask this question; leave the cell empty.", column=header)
                        for header, column in foreign if column[position] is not None]
            answers, rows, failed = self.checker.check(values)
            problems += self.reasons(failed)
            found.append(answers)
            stored.append(rows)
            if problems:
                bad[position] = (batch.numbers[position], "\n".join(problems), batch.cells[position])
        batch.set_column("answers", found)
        batch.set_column("answer_rows", stored)
        if bad:
            batch = batch.without(bad)
            refused = sorted([*refused, *bad.values()], key=lambda rejected: rejected[0])
        return batch, refused

    def values_of(self, raw: list[Cell]) -> dict[str, Any]:
        """A refused row's answers as a survey form's values, from its cells."""
        values: dict[str, Any] = {}
        for field, key in self.answer_fields:
            try:
                cell = text_cell(raw[self.headers.fields[field]], self.guarded)
            except cells.RowRejected:
                continue
            values[key] = _as_number_text(cell if cell is None or isinstance(cell, str) else clean_text(cell))
        return values

    def problems(self, values: dict[str, Any]) -> list[str]:
        return self.reasons(self.checker.check(values)[2])

    def reasons(self, failed: list[dict[str, str]]) -> list[str]:
        """The survey's refusals, each naming the file's column (``servqual_5_p`` → ``P5``)."""
        reasons = []
        for problem in failed:
            key = str(problem.get("field") or "")
            field = FIELD_OF_KEY.get(key, key)
            column = self.column_headers.get(field, field)
            code = key.removesuffix("_e").removesuffix("_p")
            message = str(problem.get("message") or "")
            pattern = re.compile(rf"\b{re.escape(code)}\b") if code else None
            if pattern is not None and pattern.search(message):   # the message names the question: as the column
                reasons.append(pattern.sub(column.replace("\\", "\\\\"), message))
            else:
                reasons.append(_("%(column)s: %(problem)s", column=column, problem=message))
        return reasons

"""Writing one batch of survey responses, inside the caller's transaction, set-based: the respondents
resolved with a few queries, the batch's new responses inserted with one statement, the answers with
another, the updated ones changed with one statement each for the responses and their answers.

Decisions (the tests pin each one):

* ``respondent`` is a client's external id, else the e-mail of a client, else the e-mail of a client's
  contact (an e-mail compared without regard to case: as the file writes it or in lower case). None
  found rejects the row; an e-mail two clients share rejects it too, asking for the external id.
* The response's id in the other tool (``external_id``) matches it: importing the file again updates
  the responses it made, never doubles them. A row without one gets a stable hash of its cells as its
  id (the same row imported again is the same response; a row changed since is a new one: give the
  tool's response id to correct answers). An id ``servicescape-N`` (what the export writes for a
  response that has none, e.g. one answered through its link) is response N of the survey. Within a
  file an id seen again updates the response the earlier row wrote; it counts as updated.
* An update replaces the response's answers, scores and client; it keeps when it was answered if the
  row does not say, and where it came from (``source``). A new response is ``imported``, answered at
  ``submitted_at`` or at the moment of the import, in the client's language.
* A ``survey`` cell must be the survey imported into (the export writes it): another id rejects the row.
* A response answered in the future (past an hour's slack for clocks) is refused.
* Follow-ups (``followups.after_answer``: a recovery task for a detractor, a word-of-mouth task for a
  promoter) are opened only for answers of the last 30 days (``promises.recovery.HORIZON``, as the
  ledger's recovery does), so that importing last year's survey does not bury the team in tasks; each
  opens once however often the file is imported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from servicescape.clients.import_columns import ParsedRow, RowBatch
from servicescape.clients.import_targets import BatchOutcome
from servicescape.clients.models import Client, Contact
from servicescape.config import Settings
from servicescape.i18n import _
from servicescape.promises.recovery import HORIZON
from servicescape.quality import followups
from servicescape.quality.answers import _copy_scores
from servicescape.quality.models import ItemKind, ResponseSource, Survey, SurveyAnswer, SurveyResponse
from servicescape.tabular import clean_text

#: the export's id of a response that has none of its own
OWN_ID_PREFIX = "servicescape-"
#: clocks differ: an answer this far in the future is still taken as now
FUTURE_SLACK = timedelta(hours=1)
RESPONSES = cast(Table, SurveyResponse.__table__)
ANSWERS = cast(Table, SurveyAnswer.__table__)
#: the answer table's values of an answer without choices
PLAIN_COLUMNS = ("expected", "perceived", "number", "text")


@dataclass
class ResponseOutcome(BatchOutcome):
    #: the ids of the responses the batch made (what a dry run remembers of its rolled-back batches)
    made: set[Hashable] = field(default_factory=set)
    #: the responses that opened follow-up tasks
    followed_up: int = 0


@dataclass
class _Planned:
    row: ParsedRow
    client_id: int
    language: str
    ext: str
    answers: list[SurveyAnswer]
    stored: int | None = None      # the response it updates


class ResponseWriter:
    """Writes the batches of one import into ``survey``; ``write`` runs in the caller's transaction."""

    def __init__(self, survey: Survey, settings: Settings, column_headers: dict[str, str], *, dry_run: bool) -> None:
        self.survey = survey
        self.settings = settings
        self.column_headers = column_headers
        self.made: set[Hashable] | None = set() if dry_run else None
        #: the questions whose answers a response carries as its scores (NPS, CSAT, the comments)
        self.scored = [item for item in survey.items if item.kind in (ItemKind.nps, ItemKind.csat)
                       or item.code in ("comment", "nps_why")]
        self.scored_ids = {item.id for item in self.scored}

    def header(self, name: str) -> str:
        return self.column_headers.get(name, name)

    def write(self, session: Session, batch: RowBatch, now: datetime) -> ResponseOutcome:
        outcome = ResponseOutcome()
        rows = batch.rows()
        clients = self._respondents(session, rows, outcome)
        planned: dict[str, _Planned] = {}
        for row in rows:
            found = clients.get(row.number)
            if found is None:
                continue
            problem = self._problem(row, now)
            if problem is not None:
                outcome.rejected.append((row, problem))
                continue
            ext = row.values.get("external_id") or _row_id(row)
            if ext in planned:  # an earlier row of the batch made it
                outcome.updated += 1
            planned[ext] = _Planned(row, found[0], found[1], ext, row.values["answers"])
        self._match(session, planned)
        for plan in planned.values():
            if plan.stored is not None or self._made_before(plan.ext):
                outcome.updated += 1
            else:
                outcome.imported += 1
                outcome.made.add(plan.ext)
        changed = [plan for plan in planned.values() if plan.stored is not None]
        self._update(session, changed, now)
        self._insert(session, [plan for plan in planned.values() if plan.stored is None], now)
        self._answers(session, list(planned.values()))
        outcome.followed_up = self._follow_up(session, [plan.stored for plan in planned.values()], now)
        return outcome

    def remember(self, outcome: ResponseOutcome) -> None:
        """A dry run's batch was rolled back: what it made counts as stored for the later batches."""
        if self.made is not None:
            self.made.update(outcome.made)

    def _made_before(self, ext: str) -> bool:
        return self.made is not None and ext in self.made

    # -- checks ------------------------------------------------------------------------------------

    def _problem(self, row: ParsedRow, now: datetime) -> str | None:
        survey = row.values.get("survey")
        if survey is not None and survey.strip() != str(self.survey.id):
            return _("%(column)s: this row is for survey %(value)s; the file is imported into survey %(id)s.",
                     column=self.header("survey"), value=repr(survey[:20]), id=self.survey.id)
        moment = row.values.get("submitted_at")
        if moment is not None and moment > now + FUTURE_SLACK:
            return _("%(column)s: an answer cannot be given in the future.", column=self.header("submitted_at"))
        return None

    def _respondents(self, session: Session, rows: list[ParsedRow],
                     outcome: ResponseOutcome) -> dict[int, tuple[int, str]]:
        """Each row's client (id, language), by its record number; the rows whose respondent is unknown
        or ambiguous are rejected."""
        given = {row.values["respondent"] for row in rows if row.values.get("respondent")}
        spellings = given | {value.lower() for value in given}
        default = self.settings.default_language
        by_ext = {ext: (client_id, language or default) for client_id, ext, language in session.execute(
            select(Client.id, Client.external_id, Client.language).where(Client.external_id.in_(given)))}
        emails = [value for value in spellings if "@" in value]
        by_email: dict[str, set[tuple[int, str]]] = {}
        if emails:
            for client_id, email, language in session.execute(
                    select(Client.id, Client.email, Client.language).where(Client.email.in_(emails))):
                assert email is not None
                by_email.setdefault(email.lower(), set()).add((client_id, language or default))
            unknown = [value for value in emails if value.lower() not in by_email]
            if unknown:
                for client_id, email, language in session.execute(
                        select(Client.id, Contact.email, Client.language).join(Contact, Contact.client_id == Client.id)
                        .where(or_(Contact.email.in_(unknown), func.lower(Contact.email).in_(
                            [value.lower() for value in unknown])))):
                    assert email is not None
                    by_email.setdefault(email.lower(), set()).add((client_id, language or default))
        found: dict[int, tuple[int, str]] = {}
        column = self.header("respondent")
        for row in rows:
            respondent = row.values.get("respondent")
            if not respondent:
                outcome.rejected.append((row, _("%(column)s: say who answered (the client's external id or "
                                                "e-mail).", column=column)))
            elif respondent in by_ext:
                found[row.number] = by_ext[respondent]
            elif len(matches := by_email.get(respondent.lower(), set())) == 1:
                found[row.number] = next(iter(matches))
            elif matches:
                outcome.rejected.append((row, _("%(column)s: %(n)s clients have the e-mail %(value)s; give the "
                                                "client's external id.", column=column, n=len(matches),
                                                value=repr(respondent[:120]))))
            else:
                outcome.rejected.append((row, _("%(column)s: no client has the external id or e-mail %(value)s.",
                                                column=column, value=repr(respondent[:120]))))
        return found

    # -- writes ------------------------------------------------------------------------------------

    def _match(self, session: Session, planned: dict[str, _Planned]) -> None:
        """The stored responses the rows update: by external id, or the export's ``servicescape-N``."""
        survey_id = self.survey.id
        if not planned:
            return
        for response_id, ext in session.execute(select(SurveyResponse.id, SurveyResponse.external_id).where(
                SurveyResponse.survey_id == survey_id, SurveyResponse.external_id.in_(list(planned)))):
            planned[str(ext)].stored = response_id
        own = {int(ext.removeprefix(OWN_ID_PREFIX)): plan for ext, plan in planned.items()
               if plan.stored is None and ext.startswith(OWN_ID_PREFIX) and ext[len(OWN_ID_PREFIX):].isdigit()}
        if own:
            for (response_id,) in session.execute(select(SurveyResponse.id).where(
                    SurveyResponse.survey_id == survey_id, SurveyResponse.external_id.is_(None),
                    SurveyResponse.id.in_(list(own)))):
                own[response_id].stored = response_id
                own[response_id].ext = ""   # keeps its own (none)

    def _scores(self, plan: _Planned) -> dict[str, Any]:
        """The scores a response carries (``answers._copy_scores``), of the questions that give them."""
        scores = SurveyResponse()
        _copy_scores(scores, self.scored, [answer for answer in plan.answers if answer.item_id in self.scored_ids])
        return {"nps": scores.nps, "csat": scores.csat, "comment": scores.comment}

    def _insert(self, session: Session, new: list[_Planned], now: datetime) -> None:
        """Insert the new responses (each plan's ``stored`` is set to its id)."""
        if not new:
            return
        values = []
        for plan in new:
            at = plan.row.values.get("submitted_at") or now
            values.append({"survey_id": self.survey.id, "client_id": plan.client_id, "external_id": plan.ext,
                           "source": ResponseSource.imported, "language": plan.language, "started_at": at,
                           "saved_at": at, "submitted_at": at, **self._scores(plan)})
        table = RESPONSES
        made: dict[str, int] = {ext: response_id for ext, response_id in session.execute(
            insert(table).returning(table.c.external_id, table.c.id), values)}
        for plan in new:
            plan.stored = made[plan.ext]

    def _update(self, session: Session, changed: list[_Planned], now: datetime) -> None:
        if not changed:
            return
        table = RESPONSES
        given = [plan for plan in changed if plan.row.values.get("submitted_at") is not None]
        session.execute(update(table).where(table.c.id == bindparam("response_id")).values(
            client_id=bindparam("to_client"), nps=bindparam("to_nps"), csat=bindparam("to_csat"),
            comment=bindparam("to_comment"), saved_at=bindparam("to_saved")),
            [{"response_id": plan.stored, "to_client": plan.client_id, "to_saved": now,
              **{f"to_{name}": value for name, value in self._scores(plan).items()}} for plan in changed])
        if given:
            session.execute(update(table).where(table.c.id == bindparam("response_id")).values(
                started_at=bindparam("to_at"), submitted_at=bindparam("to_at")),
                [{"response_id": plan.stored, "to_at": plan.row.values["submitted_at"]} for plan in given])
        session.execute(delete(ANSWERS).where(
            ANSWERS.c.response_id.in_([plan.stored for plan in changed])))

    def _answers(self, session: Session, planned: list[_Planned]) -> None:
        values = [{"response_id": plan.stored, **answer}
                  for plan in planned for answer in plan.row.values["answer_rows"]]
        plain = [row for row in values if "choices" not in row]   # their choices stay NULL (not a JSON null)
        chosen = [row for row in values if "choices" in row]
        connection = session.connection()
        if plain and connection.dialect.name == "postgresql":
            _copy(connection, plain)
        elif plain:
            session.execute(insert(ANSWERS), plain)
        if chosen:
            session.execute(insert(ANSWERS), chosen)

    def _follow_up(self, session: Session, response_ids: Sequence[int | None], now: datetime) -> int:
        """Follow-ups of the recent answers among ``response_ids`` (``HORIZON``): the responses that call
        for one are loaded with one query."""
        ids = [response_id for response_id in response_ids if response_id is not None]
        if not ids:
            return 0
        recent = list(session.scalars(select(SurveyResponse).where(
            SurveyResponse.id.in_(ids), SurveyResponse.submitted_at >= now - HORIZON,
            or_(SurveyResponse.nps <= followups.DETRACTOR_MAX, SurveyResponse.nps >= followups.PROMOTER_MIN,
                SurveyResponse.csat <= followups.DISSATISFIED_MAX))))
        for response in recent:
            followups.after_answer(session, self.settings, response)
        return len(recent)


def _copy(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Answers without choices into PostgreSQL by ``COPY``, in the transaction: psycopg's executemany sends
    a statement a row, and a thousand responses are some 46,000 answers (a third of the time, measured)."""
    names = ["response_id", "item_id", *(name for name in PLAIN_COLUMNS)]
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor, cursor.copy(f"COPY {ANSWERS.name} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] for name in names])


def _row_id(row: ParsedRow) -> str:
    """A stable id of a row that has none: a hash of its cells as text."""
    text = "\x1f".join(clean_text(cell) or "" for cell in row.cells)
    return "row-" + hashlib.sha256(text.encode()).hexdigest()[:40]

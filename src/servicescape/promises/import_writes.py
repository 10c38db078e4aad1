"""Writing one batch of promises or complaints, inside the caller's transaction: each row matched to
what is stored, checked by the ledger's own services (a new record by ``check``, a stored one changed by
``update``: the rules of the API and the pages, one copy) and written with what its facts make of it.

Decisions (the tests pin each one):

* Matching, as in the client book: by external id; a row without one, or whose id is not stored, by its
  natural key (a promise: client, kind and window; a complaint: client, time received and text), and then
  only a record that has no external id of its own. Within a file a key seen again updates the record the
  earlier row wrote; it counts as updated.
* On an update an empty cell clears its field, except the identifiers, the client, the kind, the window
  and a complaint's time received, channel, severity and text (``KEEP_IF_EMPTY``); a column the file lacks
  leaves its field as it is (a file without ``kept_at`` never un-keeps a promise kept in the app).
* A promise's status is never typed: ``rules.outcome_of`` makes it of ``window_end``, ``kept_at`` and
  ``cancelled`` at the moment of the import (kept after the window's end is late; no ``kept_at`` and the
  window passed is missed). ``lateness_minutes`` follows from ``kept_at`` (``rules.lateness_minutes``);
  ``delivered_by`` is the owner when the row names nobody. A missed promise's ``missed_at`` is its window's
  end (when it became missed; importing the file again changes nothing); a cancelled one's ``cancelled_at``
  is the time in ``cancelled``, else the moment of the import. Kept and cancelled at once, or kept in the
  future, rejects the row (the rules of ``service.keep`` and ``service.cancel``).
* A new record is checked by its service's ``check`` and written with its outcome at once (the batch's new
  records in one flush at its end, one audit event each), not made by ``create`` and then changed; so it
  does not take ``create``'s defaults for a person recording by hand. A promise whose row names no owner
  has none (a manager importing the calendar does not own it; the sweep's at-risk task then goes to the
  client's owner); a complaint whose row names nobody is handled by the client's owner.
* A stored record is changed by its service's ``update``, with its rules: a promise that is no longer open
  keeps its window and client, a resolved complaint its client and time of receipt (such a row is
  rejected with the service's reason); a complaint's new client or time of receipt moves its targets.
* A complaint's response and resolution are due by ``complaints.due_times`` (the client's tier, the firm's
  business clock). Its status follows from ``first_response_at`` and ``resolved_at`` (resolved without a
  first answer was answered when resolved, as ``complaints.resolve`` has it); resolved needs its
  ``outcome``. An answer or a resolution after its due time is a breach at that due time, as ``respond``
  and ``resolve`` record it; one still missing when its due time has passed is left to the sweep, which
  marks it within minutes (``sweep``).
* The import opens no recovery task: the sweep opens them for the failures of the last 30 days
  (``recovery.HORIZON``), so that importing last year's ledger does not bury the team in tasks.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal
from servicescape.clients.import_batches import resolve_clients
from servicescape.clients.import_columns import ParsedRow, RowBatch
from servicescape.clients.import_targets import BatchOutcome
from servicescape.clients.models import Client, Engagement
from servicescape.db.crud import EntityService, about_field
from servicescape.errors import ServicescapeError, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.promises import rules
from servicescape.promises.complaints import _moment, complaints, due_times
from servicescape.promises.models import Complaint, ComplaintStatus, Promise, PromiseKind, PromiseStatus
from servicescape.promises.service import FUTURE_SLACK, promises

#: an empty cell never clears these on an update
KEEP_IF_EMPTY = frozenset({"external_id", "client_id", "kind", "window_start", "window_end", "received_at",
                           "channel", "severity", "text"})


@dataclass
class LedgerOutcome(BatchOutcome):
    #: the rows written (their warnings are reported)
    written: list[ParsedRow] = field(default_factory=list)
    #: the keys of the records the batch made (what a dry run remembers of its rolled-back batches)
    made: set[Hashable] = field(default_factory=set)


Record = Promise | Complaint


class LedgerWriter(ABC):
    """Writes the batches of one import of promises or complaints; ``write`` runs in the caller's
    transaction (a session of ``Runtime.transaction``: due times need the firm's clock)."""

    model: ClassVar[type[Promise] | type[Complaint]]
    service: ClassVar[EntityService[Any]]
    #: what the natural key is made of, for a message
    key_name: ClassVar[str]
    #: the time column the natural key is looked up by (with the client)
    moment: ClassVar[str]

    def __init__(self, column_headers: Mapping[str, str], *, by: Principal, dry_run: bool) -> None:
        """``column_headers``: a value's name (the table's column) → the file's header, for messages;
        ``by``: who imports (the services' updates check what they may do)."""
        self.column_headers = column_headers
        self.by = by
        #: a dry run's batches are rolled back: the keys of the records its earlier batches made
        self.made: set[Hashable] | None = set() if dry_run else None

    def write(self, session: Session, batch: RowBatch, now: datetime) -> LedgerOutcome:
        """Write the batch; its records go to the database in one flush at its end (the rules' look-ups
        are made without flushing: the rows of the batch find each other by their keys here)."""
        outcome = LedgerOutcome()
        rows = resolve_clients(session.connection(), batch.rows(), outcome)
        outcome.rejected = [(row, self._naming("client_id", reason)) for row, reason in outcome.rejected]
        by_ext, natural = self._stored(session, rows)
        with session.no_autoflush:
            referred = self._referred(session, rows)  # held while the checks look them up in the session
            self._write_rows(session, rows, by_ext, natural, outcome, now)
            del referred
        self.service._flush(session)  # what the database still refuses (a writer in between) fails the batch
        return outcome

    def _write_rows(self, session: Session, rows: list[ParsedRow], by_ext: dict[str, Any],
                    natural: dict[Hashable, list[Any]], outcome: LedgerOutcome, now: datetime) -> None:
        for row in rows:
            ext = row.values.get("external_id")
            key = self.key(row.values)
            target = by_ext.get(ext) if ext else None
            if target is None:
                found = [record for record in natural.get(key, []) if ext is None or record.external_id in (None, ext)]
                if len(found) > 1:
                    outcome.rejected.append((row, _("%(n)s stored records match this row by %(key)s; give an external "
                                                    "id to say which.", n=len(found), key=self.key_name)))
                    continue
                target = found[0] if found else None
            try:
                record = self.apply(session, row, target, now)
            except ServicescapeError as problem:
                outcome.rejected.append((row, self._reason(problem)))
                continue
            if target is None and not self._made_before(ext, key):
                outcome.imported += 1
                outcome.made.update((("ext", ext), ("key", key)))
            else:
                outcome.updated += 1
            outcome.written.append(row)
            if record.external_id:
                by_ext[record.external_id] = record
            if target is None:
                natural.setdefault(self.key_of(record), []).append(record)

    def remember(self, outcome: LedgerOutcome) -> None:
        """A dry run's batch was rolled back: remember what it made, so that a later row with the same
        key counts as an update, as in a real import."""
        if self.made is not None:
            self.made.update(outcome.made)

    def _made_before(self, ext: str | None, key: Hashable) -> bool:
        if self.made is None:
            return False
        return (ext is not None and ("ext", ext) in self.made) or ("key", key) in self.made

    # -- what the kinds say ------------------------------------------------------------------------

    def referred(self, session: Session, rows: list[ParsedRow]) -> list[Any]:
        """What the batch's rows refer to besides their clients and staff, loaded at once."""
        return []

    @abstractmethod
    def key(self, values: Mapping[str, Any]) -> Hashable:
        """A parsed row's natural key (matched when it has no external id)."""

    @abstractmethod
    def key_of(self, record: Any) -> Hashable:
        """The same key of a stored record."""

    @abstractmethod
    def apply(self, session: Session, row: ParsedRow, existing: Any, now: datetime) -> Record:
        """Make or update the record of ``row``; ``ServicescapeError`` (naming the field) when it cannot be."""

    # -- helpers ---------------------------------------------------------------------------------

    def _referred(self, session: Session, rows: list[ParsedRow]) -> list[Any]:
        """The clients and staff members the rows refer to, loaded with one query each: the services'
        checks of references then find them in the session (which holds them only while referred to)."""
        clients = {row.values["client_id"] for row in rows}
        staff = {value for row in rows for name in ("owner_id", "delivered_by_id")
                 if (value := row.values.get(name)) is not None}
        return [*session.scalars(select(Client).where(Client.id.in_(clients))),
                *(session.scalars(select(Staff).where(Staff.id.in_(staff))) if staff else ()),
                *self.referred(session, rows)]

    def _stored(self, session: Session, rows: list[ParsedRow]) -> tuple[dict[str, Any], dict[Hashable, list[Any]]]:
        """The stored records the rows may match: by external id, and by natural key."""
        model: Any = self.model
        exts = {ext for row in rows if (ext := row.values.get("external_id"))}
        by_ext: dict[str, Any] = {}
        if exts:
            by_ext = {record.external_id: record
                      for record in session.scalars(select(model).where(model.external_id.in_(exts)))}
        clients = {row.values["client_id"] for row in rows}
        moments = {moment for row in rows if (moment := row.values.get(self.moment)) is not None}
        natural: dict[Hashable, list[Any]] = {}
        if clients and moments:
            column = getattr(model, self.moment)
            for record in session.scalars(select(model).where(model.client_id.in_(clients), column.in_(moments))):
                natural.setdefault(self.key_of(record), []).append(record)
        return by_ext, natural

    def _reason(self, problem: ServicescapeError) -> str:
        """A service's refusal as a reject reason, naming the field as the file's column does."""
        column = self.column_headers.get(problem.field) if problem.field else None
        if column is None:
            return problem.message
        if problem.naming is not None:
            return problem.naming(column)
        return self._naming(problem.field or "", problem.message)

    def _naming(self, name: str, problem: str) -> str:
        return _("%(column)s: %(problem)s", column=self.column_headers.get(name, name), problem=problem)

    def header(self, name: str) -> str:
        return self.column_headers.get(name, name)


def _fields(values: Mapping[str, Any], names: Iterable[str], existing: Any) -> dict[str, Any]:
    """The row's values of the fields ``names``: every one it has for a new record (an empty one takes
    the default), and for an update those that may change (``KEEP_IF_EMPTY``)."""
    given = {name: values[name] for name in names if name in values}
    if existing is None:
        return {name: value for name, value in given.items() if value is not None}
    return {name: value for name, value in given.items() if value is not None or name not in KEEP_IF_EMPTY}


def _changed(record: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in data.items() if getattr(record, name) != value}


class PromiseWriter(LedgerWriter):
    model = Promise
    service = promises
    key_name = "client, kind and window"
    moment = "window_start"
    FIELDS = ("external_id", "client_id", "engagement_id", "kind", "title", "owner_id", "window_start", "window_end",
              "place", "client_words", "notes")

    def __init__(self, column_headers: Mapping[str, str], *, by: Principal, dry_run: bool) -> None:
        super().__init__(column_headers, by=by, dry_run=dry_run)
        self.engagements: dict[str, int] = {}

    def referred(self, session: Session, rows: list[ParsedRow]) -> list[Any]:
        refs = {ref for row in rows if (ref := row.values.get("engagement"))}
        found = list(session.scalars(select(Engagement).where(Engagement.external_id.in_(refs)))) if refs else []
        self.engagements = {engagement.external_id: engagement.id for engagement in found if engagement.external_id}
        return found

    def key(self, values: Mapping[str, Any]) -> Hashable:
        return (values.get("client_id"), str(values.get("kind") or PromiseKind.appointment), values.get("window_start"),
                values.get("window_end"))

    def key_of(self, record: Any) -> Hashable:
        return record.client_id, str(record.kind or PromiseKind.appointment), record.window_start, record.window_end

    def apply(self, session: Session, row: ParsedRow, existing: Any, now: datetime) -> Record:
        values = dict(row.values)
        if "engagement" in values:
            ref = values.pop("engagement")
            values["engagement_id"] = None if ref is None else self.engagements.get(ref)
            if ref is not None and values["engagement_id"] is None:
                raise ValidationFailed(_("No engagement has the external id %(ref)s.", ref=ref), field="engagement_id")
        kept_at = values.get("kept_at", existing.kept_at if existing else None)
        delivered_by = values.get("delivered_by_id", existing.delivered_by_id if existing else None)
        cancelled = values.get("cancelled", existing.cancelled_at if existing else None)
        if kept_at is not None and cancelled:
            raise ValidationFailed(_("Only an open promise can be cancelled; this one is %(status)s.",
                                     status=_("kept")), field="cancelled")
        if kept_at is not None and kept_at > now + FUTURE_SLACK:
            raise ValidationFailed(_("A promise cannot be kept in the future (kept_at is after now)."), field="kept_at")
        if isinstance(cancelled, datetime) and cancelled > now + FUTURE_SLACK:
            raise about_field(ValidationFailed, N_("%(field)s cannot be in the future."), "cancelled")
        data = _fields(values, self.FIELDS, existing)
        if existing is None:
            promise = Promise(**promises.check(session, data, None))
            session.add(promise)
        else:
            promise = existing
            changes = _changed(promise, data)
            if changes:
                promises.update(session, promise, changes, by=self.by)
        was_missed = existing is not None and promise.status == PromiseStatus.missed
        status = rules.outcome_of(promise.window_end, kept_at, bool(cancelled), now)
        promise.status = status
        promise.kept_at = kept_at
        promise.lateness_minutes = None if kept_at is None else rules.lateness_minutes(promise.window_end, kept_at)
        promise.delivered_by_id = None if kept_at is None else delivered_by or promise.owner_id
        if delivered_by is not None and kept_at is None and "delivered_by_id" in values:
            row.warnings.append(_("%(column)s was left empty: the promise was not kept (%(kept)s is empty).",
                                  column=self.header("delivered_by_id"), kept=self.header("kept_at")))
        if status != PromiseStatus.missed:
            promise.missed_at = None
        elif not (was_missed and promise.missed_at):
            promise.missed_at = promise.window_end
        promise.cancelled_at = (None if not cancelled else cancelled if isinstance(cancelled, datetime)
                                else promise.cancelled_at or now)
        if status != PromiseStatus.open:
            promise.at_risk = None
        return promise


class ComplaintWriter(LedgerWriter):
    model = Complaint
    service = complaints
    key_name = "client, time received and text"
    moment = "received_at"
    FIELDS = ("external_id", "client_id", "received_at", "channel", "severity", "owner_id", "text")

    def key(self, values: Mapping[str, Any]) -> Hashable:
        return values.get("client_id"), values.get("received_at"), values.get("text")

    def key_of(self, record: Any) -> Hashable:
        return record.client_id, record.received_at, record.text

    def apply(self, session: Session, row: ParsedRow, existing: Any, now: datetime) -> Record:
        values = row.values
        data = _fields(values, self.FIELDS, existing)
        if existing is None and data.get("received_at") is None:
            raise about_field(ValidationFailed, N_("%(field)s is required."), "received_at")
        first = values.get("first_response_at", existing.first_response_at if existing else None)
        resolved = values.get("resolved_at", existing.resolved_at if existing else None)
        outcome = values.get("outcome", existing.outcome if existing else None)
        if resolved is not None and not (outcome or "").strip():
            raise ValidationFailed(_("Say how the complaint was resolved (outcome)."), field="outcome")
        if resolved is not None and first is None:
            first = resolved
        received = Complaint(received_at=data.get("received_at") or existing.received_at)  # the moments' bound
        for name, moment in (("first_response_at", first), ("resolved_at", resolved)):
            if moment is not None:
                _moment(moment, received, name)
        if existing is None:
            data = complaints.check(session, data, None)
            client = session.get(Client, data["client_id"])
            assert client is not None  # checked: the reference exists
            data.setdefault("owner_id", client.owner_id)
            complaint = Complaint(**data, **due_times(session, client, data["received_at"]))
            session.add(complaint)
        else:
            complaint = existing
            changes = _changed(complaint, data)
            if changes:  # a new client or time of receipt moves the targets (the service's rule)
                complaints.update(session, complaint, changes, by=self.by)
        complaint.first_response_at, complaint.resolved_at = first, resolved
        complaint.outcome = outcome.strip() if outcome else None
        complaint.status = (ComplaintStatus.resolved if resolved else ComplaintStatus.responded if first
                            else ComplaintStatus.open)
        complaint.response_breached_at = _breach(first, complaint.response_due_at, complaint.response_breached_at)
        complaint.resolution_breached_at = _breach(resolved, complaint.resolution_due_at,
                                                   complaint.resolution_breached_at)
        return complaint


def _breach(moment: datetime | None, due: datetime, stored: datetime | None) -> datetime | None:
    """Met or not by ``moment``: a breach at ``due`` when it came after it; not come yet: what the sweep
    found (it marks a due time passed unmet)."""
    if moment is None:
        return stored
    return due if moment > due else None


WRITERS: dict[str, type[LedgerWriter]] = {"promises": PromiseWriter, "complaints": ComplaintWriter}

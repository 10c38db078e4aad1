"""Retention: each kind of record a capability declares (``Retention`` in the registry) kept for the
months an owner sets, then erased by the ``privacy.retention`` job; idempotent, the rows already erased
are left alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from servicescape.audit.service import bump_data_version
from servicescape.auth.permissions import Principal, require
from servicescape.db.base import Base
from servicescape.errors import ValidationFailed
from servicescape.i18n import _
from servicescape.platform.registry import Retention, registry, resolve
from servicescape.privacy.capability import ERASE, EXPORT
from servicescape.privacy.erase import erased_value
from servicescape.privacy.models import RetentionSetting

#: the longest limit an owner may set (50 years)
MAX_MONTHS = 600
DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    tables: tuple[str, ...]
    months: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": _(self.label), "tables": list(self.tables), "months": self.months}


def rules(session: Session, *, by: Principal) -> list[Rule]:
    """Every kind of record that may be limited, with the months set (None: kept)."""
    require(by, EXPORT)
    months = {row.key: row.months for row in session.scalars(select(RetentionSetting))}
    grouped: dict[str, list[Retention]] = {}
    for part in registry().retention():
        grouped.setdefault(part.key, []).append(part)
    return [Rule(key, parts[0].label, tuple(dict.fromkeys(p.table for p in parts)), months.get(key))
            for key, parts in grouped.items()]


def set_months(session: Session, key: str, months: int | None, *, by: Principal) -> Rule:
    """Limit ``key`` to ``months`` (1–600), or keep it (None). Audited."""
    require(by, ERASE)
    known = {rule.key: rule for rule in rules(session, by=by)}
    if key not in known:
        raise ValidationFailed(_("Unknown kind of record %(key)s (one of: %(keys)s).", key=key,
                                 keys=", ".join(known)), field="key")
    if months is not None and (isinstance(months, bool) or not 1 <= months <= MAX_MONTHS):
        raise ValidationFailed(_("Keep records from 1 to %(max)s months.", max=MAX_MONTHS), field=key)
    row = session.get(RetentionSetting, key)
    if months is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(RetentionSetting(key=key, months=months, updated_by_id=getattr(by, "id", None)))
    else:
        row.months, row.updated_by_id = months, getattr(by, "id", None)
    session.flush()
    return Rule(key, known[key].label, known[key].tables, months)


def _not_erased(table: Any, erase: tuple[tuple[str, str], ...]) -> Any:
    """Rows with something left to erase (so that a second run changes nothing)."""
    pending = []
    for column_name, kind in erase:
        column = table.c[column_name]
        if kind == "false":
            pending.append(column.is_(True))
        elif kind == "text" and not column.nullable:
            pending.append(column != "")
        elif kind == "name":
            pending.append(~column.startswith("Erased"))
        elif kind == "email" and not column.nullable:
            pending.append(~column.endswith("@erased.invalid"))
        else:
            pending.append(column.is_not(None))
    return or_(*pending)


def _apply_part(session: Session, part: Retention, cutoff: datetime) -> int:
    table = Base.metadata.tables[part.table]
    if part.via is None:
        old = table.c[part.age] < cutoff
    else:
        parent_name, column, parent_column = part.via
        parent = Base.metadata.tables[parent_name]
        old = table.c[column].in_(select(parent.c[parent_column]).where(parent.c[part.age] < cutoff))
    kinds = dict(part.erase)
    if kinds.get("*") == "delete":
        return session.connection().execute(delete(table).where(old)).rowcount or 0
    where = and_(old, _not_erased(table, part.erase))
    values = {column: erased_value(table, table.c[column], kind) for column, kind in part.erase}
    return session.connection().execute(update(table).where(where).values(values)).rowcount or 0


def apply(session: Session, *, now: datetime, by: Principal) -> dict[str, int]:
    """Erase what each limited kind of record holds past its months; the rows changed per kind."""
    require(by, ERASE)
    months = {row.key: row.months for row in session.scalars(select(RetentionSetting))}
    done: dict[str, int] = {}
    for part in registry().retention():
        if part.key in months:
            cutoff = now - timedelta(days=months[part.key] * DAYS_PER_MONTH)
            changed = _apply_part(session, part, cutoff)
            done[part.key] = done.get(part.key, 0) + changed
            if changed:
                bump_data_version(session, (part.table,))   # what reads it is computed afresh (db.memo)
            if part.after:
                resolve(part.after)(session)
    return done

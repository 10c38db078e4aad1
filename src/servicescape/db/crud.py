"""Create, read, update and delete for one entity, with role checks and field-named errors.

A capability subclasses :class:`EntityService` and adds its own rules in :meth:`check`.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from servicescape.auth.permissions import Principal, require
from servicescape.db.base import Base
from servicescape.db.columns import text_limit
from servicescape.db.paging import Page, paginate
from servicescape.errors import Conflict, NotFound, ServicescapeError, ValidationFailed
from servicescape.i18n import N_, _

M = TypeVar("M", bound=Base)
E = TypeVar("E", bound=ServicescapeError)


def about_field(error: type[E], message: str, field: str, **params: Any) -> E:
    """``error`` with ``message`` (untranslated; it names the field as ``%(field)s``) about ``field``,
    which a form may word again with its label for the field."""
    def naming(label: str) -> str:
        return _(message, field=label, **params)

    return error(_(message, field=field, **params), field=field, naming=naming)


class EntityService(Generic[M]):
    model: ClassVar[type[Base]]
    label: ClassVar[str]  # "Client": used in messages
    #: foreign-key fields → the model they point at, checked before writing (named errors)
    references: ClassVar[dict[str, type[Base]]] = {}
    #: fields whose value must be unique (besides the primary key)
    unique_fields: ClassVar[tuple[str, ...]] = ("external_id",)
    #: what the acting principal needs to read, to create and update, and to delete (declared
    #: by the capability; no defaults, so that a new service cannot forget them)
    read_permission: ClassVar[str]
    write_permission: ClassVar[str]
    delete_permission: ClassVar[str]

    def get(self, session: Session, entity_id: int, *, by: Principal) -> M:
        require(by, self.read_permission)
        obj = session.get(self.model, entity_id)
        if obj is None:
            raise NotFound(_("%(entity)s %(id)s does not exist.", entity=_(self.label), id=entity_id))
        return obj  # type: ignore[return-value]

    def create(self, session: Session, data: dict[str, Any], *, by: Principal) -> M:
        require(by, self.write_permission)
        data = self.check(session, dict(data), None)
        obj = self.model(**data)
        session.add(obj)
        self._flush(session)
        return obj  # type: ignore[return-value]

    def update(self, session: Session, obj: M, changes: dict[str, Any], *, by: Principal) -> M:
        require(by, self.write_permission)
        changes = self.check(session, dict(changes), obj)
        for key, value in changes.items():
            setattr(obj, key, value)
        self._flush(session)
        return obj

    def delete(self, session: Session, obj: M, *, by: Principal) -> None:
        require(by, self.delete_permission)
        session.delete(obj)
        self._flush(session)

    def page(self, session: Session, *, client_id: int | None = None, page: int = 1, per_page: int = 50,
             by: Principal) -> Page[M]:
        """Records newest first, optionally of one client (for entities with a ``client_id``)."""
        require(by, self.read_permission)
        query = select(self.model)
        if client_id is not None:
            query = query.where(self.model.client_id == client_id)  # type: ignore[attr-defined]
        return paginate(session, query.order_by(self.model.id.desc()), page=page, per_page=per_page)  # type: ignore[attr-defined]

    # -- rules -------------------------------------------------------------------------------

    def check(self, session: Session, data: dict[str, Any], existing: M | None) -> dict[str, Any]:
        """Validate a create (existing is None) or the changed fields of an update."""
        self._check_columns(data)
        for field, target in self.references.items():
            value = data.get(field)
            if value is not None and session.get(target, value) is None:
                raise about_field(ValidationFailed, N_("%(field)s %(value)s does not exist."), field, value=value)
        for field in self.unique_fields:
            value = data.get(field)
            if value is None:
                continue
            column = getattr(self.model, field)
            clash = session.scalar(select(self.model.id).where(column == value))  # type: ignore[attr-defined]
            if clash is not None and (existing is None or clash != existing.id):  # type: ignore[attr-defined]
                raise about_field(Conflict, N_("Another record already has %(field)s %(value)s."), field, value=value)
        return data

    def _check_columns(self, data: dict[str, Any]) -> None:
        """Refuse what the table would refuse (PostgreSQL enforces NOT NULL and VARCHAR lengths;
        SQLite stores a too-long value), first and with the field named. The limits are the
        columns' own (``db.columns``), the same the importer applies."""
        columns = self.model.__table__.columns
        for field, value in data.items():
            column = columns.get(field)
            if column is None:
                continue
            if value is None and not column.nullable:
                raise about_field(ValidationFailed, N_("%(field)s cannot be empty."), field)
            length = text_limit(column)
            if isinstance(value, str) and length is not None and len(value) > length:
                raise about_field(ValidationFailed, N_("%(field)s is longer than %(n)s characters."), field, n=length)

    def _flush(self, session: Session) -> None:
        try:
            session.flush()
        except IntegrityError as exc:
            raise Conflict(
                _("%(entity)s conflicts with existing data (a duplicate or a missing reference).",
                  entity=_(self.label))
            ) from exc
        except DataError as exc:  # out of the column's range: the client's input, not our bug
            raise ValidationFailed(
                _("%(entity)s has a value the database cannot store.", entity=_(self.label))
            ) from exc

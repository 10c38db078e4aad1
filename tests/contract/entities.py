"""What the contract tests know about an entity — all of it read from the registry.

The capabilities declare their API entities (``Capability.entities``: web.api.resources.Resource);
each Resource names its sample (``sample="module:function"``, a valid create body). From that
and the registry's permission declarations the tests derive everything: the URLs, valid and
invalid bodies, and who may do what. Nobody writes a test per entity (NetBox's ViewTestCases).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicescape.auth.permissions import SYSTEM
from servicescape.auth.roles import Role
from servicescape.platform.registry import Registry, registry, resolve
from servicescape.web.api.resources import Resource
from servicescape.web.app import API_PREFIX

#: the API's generic actions, and which of the service's permissions each one needs: a change or a
#: delete first reads the record (``service.get``), so it needs reading too
ACTIONS: dict[str, tuple[str, ...]] = {
    "list": ("read",), "get": ("read",), "create": ("write",), "update": ("read", "write"),
    "delete": ("read", "delete"),
}
ANONYMOUS = "anonymous"
#: who calls: signed out, then every role there is
CALLERS: tuple[str, ...] = (ANONYMOUS, *(role.value for role in Role))


class MissingSample(LookupError):
    """An entity declared without sample data; the message says what to add."""


@dataclass(frozen=True)
class Entity:
    capability: str     # the key of the capability that declares it
    declared: str       # "module:attribute" of its Resource
    resource: Resource

    @property
    def path(self) -> str:
        return self.resource.path

    @property
    def url(self) -> str:
        return f"{API_PREFIX}/{self.resource.path}"

    @property
    def model(self) -> type[Any]:
        return self.resource.service.model

    def sampler(self) -> Callable[[Session, int], dict[str, Any]]:
        if not self.resource.sample:
            raise MissingSample(
                f"The entity {self.path!r} ({self.declared}, declared by the capability {self.capability!r}) has "
                f"no sample data, so the contract tests cannot create one. Give its Resource "
                f'sample="<package>.samples:<function>": a function (session, n) -> a valid create body (JSON '
                f"values, different for each n) that adds the parents it refers to as SYSTEM; see "
                f"servicescape/clients/samples.py.")
        function = resolve(self.resource.sample)
        if not callable(function):
            raise MissingSample(f"The sample {self.resource.sample!r} of {self.path!r} is not a function.")
        return function  # type: ignore[no-any-return]

    def body(self, session: Session, n: int) -> dict[str, Any]:
        """The n-th valid create body; its parents are added to ``session``."""
        body = self.sampler()(session, n)
        assert isinstance(body, dict), f"the sample of {self.path!r} must return a dict, not {body!r}"
        return body

    def store(self, session: Session, body: dict[str, Any]) -> int:
        """Add the record a create body describes, as the route would (schema, then service)."""
        data = self.resource.create.model_validate(body).model_dump()
        return int(self.resource.service.create(session, data, by=SYSTEM).id)

    def count(self, session: Session) -> int:
        return int(session.scalar(select(func.count()).select_from(self.model)) or 0)

    def snapshot(self, session: Session, record_id: int) -> dict[str, Any] | None:
        """The record as the API shows it (None: it does not exist)."""
        record = session.get(self.model, record_id)
        return None if record is None else self.resource.out.model_validate(record).model_dump()

    def needs(self, action: str) -> set[str]:
        return {getattr(self.resource.service, f"{kind}_permission") for kind in ACTIONS[action]}


def entities(source: Registry | None = None) -> list[Entity]:
    """Every entity every capability declares, in the registry's order."""
    source = source or registry()
    return [Entity(capability.key, path, resolve(path))
            for capability in source.capabilities for path in capability.entities]


def granted(caller: str, source: Registry | None = None) -> set[str]:
    """The permissions the registry's declarations give a caller (``PermissionSpec.roles``)."""
    if caller == ANONYMOUS:
        return set()
    source = source or registry()
    return {spec.name for spec in source.permissions.values() if Role(caller) in spec.roles}


def expected_outcome(entity: Entity, caller: str, action: str) -> str:
    """``allowed``, ``refused`` (403) or ``signed out`` (401)."""
    if caller == ANONYMOUS:
        return "signed out"
    return "allowed" if entity.needs(action) <= granted(caller) else "refused"


def same_values(schema: type[BaseModel], sent: dict[str, Any], out: type[BaseModel],
                answer: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields of ``sent`` whose value the answer does not show (read both through the schemas,
    so that "100.5" and 100.5000, or +08:00 and UTC, compare equal): {field: (sent, shown)}."""
    wanted = schema.model_validate(sent)
    shown = out.model_validate(answer)
    return {name: (getattr(wanted, name), getattr(shown, name)) for name in sent
            if _plain(getattr(wanted, name)) != _plain(getattr(shown, name))}


def _plain(value: Any) -> Any:
    """Nested records (a value case's benefits) compared by their values, not their classes."""
    if isinstance(value, BaseModel):
        return {name: _plain(item) for name, item in value}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value

"""The capability registry: what each capability declares, and the one place that reads it all.

A capability is a package (``servicescape/<key>/``) whose ``capability.py`` defines ``CAPABILITY``,
a :class:`Capability` that says everything the rest of the product needs to know about it: its
models, its permissions and which roles get them, its API/page/CLI modules, its navigation entry,
its demo step, its jobs, its client-page sections, its timeline sources, its home-page panels, its
importable kinds and its templates. ``servicescape.capabilities`` lists the capability modules;
Alembic, the demo loader, ``create_app``, the CLI, the scheduler, the client page and the home
page read :func:`registry` and nothing else.

Functions are named by ``"module:attribute"`` strings and imported when first used, so that
declaring a capability imports nothing heavy and the registry has no import cycles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import time, timedelta
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Any

from servicescape.auth.roles import Role

ALL_ROLES: tuple[Role, ...] = (Role.viewer, Role.staff, Role.manager, Role.owner)
STAFF_AND_UP: tuple[Role, ...] = (Role.staff, Role.manager, Role.owner)
MANAGERS: tuple[Role, ...] = (Role.manager, Role.owner)
OWNERS: tuple[Role, ...] = (Role.owner,)


@dataclass(frozen=True)
class PermissionSpec:
    """A permission a capability defines, e.g. ``clients.write``, and the roles that hold it."""

    name: str
    description: str            # marked with N_, translated where shown
    roles: tuple[Role, ...]


@dataclass(frozen=True)
class Nav:
    """An entry of the main navigation; ``url=None`` announces a capability not built yet."""

    label: str                  # marked with N_
    icon: str                   # a symbol of static/icons.svg
    url: str | None
    permission: str | None = None   # who sees it (None: everyone signed in)
    order: int = 100


@dataclass(frozen=True)
class ClientSection:
    """A section of a client's page: ``load(session, client_id, viewer)`` → the template's values.

    The template receives the loaded values plus ``client`` and ``section``; it renders one
    element with ``id=key`` (htmx swaps it alone).
    """

    key: str
    template: str
    load: str                   # "module:function"
    permission: str             # who sees it
    order: int = 100
    side: bool = False          # beside the client's details (True) or in the page's flow


@dataclass(frozen=True)
class TimelineSource:
    """Gives events of ``types`` for a client's timeline and the home page's recent activity."""

    types: tuple[tuple[str, str], ...]   # (event type, its label marked with N_)
    provider: str               # "module:function", see servicescape.platform.timeline
    permission: str


@dataclass(frozen=True)
class HomePanel:
    """A panel of the home page: ``load(session, viewer)`` → the template's values (None: hidden)."""

    key: str
    template: str
    load: str
    permission: str
    order: int = 100


@dataclass(frozen=True)
class RecordLink:
    """Where a record a task can be about (``Task.related_type``) is shown: a task of any
    capability links to it, for those who hold ``permission``."""

    type: str                   # "promise", "survey_response", ...
    url: str                    # with "{id}": "/promises/{id}"
    label: str                  # marked with N_: "The broken promise"
    permission: str

    def url_for(self, record_id: int) -> str:
        return self.url.format(id=record_id)


@dataclass(frozen=True)
class TextSource:
    """A free-text field a capability stores (a complaint's text, a survey answer, a note): the
    capabilities that read every comment (voice of the client) find them here.

    ``rows()`` returns a SQLAlchemy ``Select`` with the labelled columns ``key`` (the record's key
    within the source, an int or a string), ``client_id``, ``text`` and ``said_at``; empty texts
    may be among them. ``url`` shows where the comment lives: ``{key}``, ``{client_id}`` and
    ``{record}`` (the key up to its first ":", for a part of a record keyed "record:part") are
    filled in ("/complaints/{key}").
    """

    type: str                   # "complaint"
    label: str                  # marked with N_: "Complaints"
    rows: str                   # "module:function"
    url: str
    permission: str             # who may see where it lives

    def url_for(self, key: str, client_id: int | None) -> str:
        return self.url.format(key=key, client_id=client_id, record=key.split(":", 1)[0])


#: how erasing a person changes a column (``PersonalData.erase``): "name" → "Erased <table> <id>",
#: "email" → NULL, or "erased-<table>-<id>@erased.invalid" where the column must have a value,
#: "text" → "" (a column that takes no NULL) or NULL, "null" → NULL, "false" → false; "delete" (the
#: column "*"): the rows go (credentials, caches: nothing a figure counts)
ERASE_KINDS = ("name", "email", "text", "null", "false", "delete")


@dataclass(frozen=True)
class PersonalData:
    """A table that holds data about a client or one of their contact persons: data-protection
    requests (``servicescape privacy export|erase``) find a person's rows here, every capability
    declaring its own tables, and a test fails for a table with personal data that none declares.

    A subject's rows are those whose ``client`` column names the client (for a contact person: whose
    ``contact`` column names them), whose ``email`` column holds the person's e-mail (the client's
    or any of its contact persons'), or that hang from the subject's rows of another table: ``via``
    is (that table, this table's column, that table's column). ``erase``: {column: an ERASE_KINDS
    kind}, what erasing the subject does to their rows (the rows stay, so that counts and figures do
    not change); ``on_erase``: "module:function" (session, ids of the rows erased) for what a column
    change cannot say (e.g. an embedding kept apart). ``audit_keeps``: columns whose values the audit
    trail's events about the erased rows keep (consent: when it was given and for what), where every
    other value is dropped.
    """

    table: str
    client: str | None = None
    contact: str | None = None
    email: str | None = None
    via: tuple[tuple[str, str, str], ...] = ()
    erase: tuple[tuple[str, str], ...] = ()
    on_erase: str | None = None
    audit_keeps: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for column, kind in self.erase:
            if kind not in ERASE_KINDS:
                raise ValueError(f"personal data {self.table}.{column}: unknown erase kind {kind!r}")


@dataclass(frozen=True)
class Retention:
    """A kind of record a firm may keep for a limited time: after the months an owner sets for ``key``
    (``servicescape privacy retention``), the ``privacy.retention`` job erases ``erase`` (as in
    :class:`PersonalData`) in the rows of ``table`` whose ``age`` column is older. ``via`` (parent
    table, this table's column, the parent's column) reads ``age`` from the parent row instead. Several
    entries may share a key (one kind of record kept in several tables); they run in declaration order.
    ``after``: "module:function" (session) run after the entry (e.g. forgetting embeddings no text uses).
    """

    key: str                    # "survey_text"
    label: str                  # marked with N_
    table: str
    age: str
    erase: tuple[tuple[str, str], ...]
    via: tuple[str, str, str] | None = None
    after: str | None = None

    def __post_init__(self) -> None:
        for column, kind in self.erase:
            if kind not in ERASE_KINDS:
                raise ValueError(f"retention {self.key} {self.table}.{column}: unknown erase kind {kind!r}")


@dataclass(frozen=True)
class DemoStep:
    """Part of the demo firm: ``run(demo)`` (a servicescape.demo.steps.DemoRun) → rows per table."""

    run: str
    tables: tuple[str, ...]     # the tables it fills, in the order the demo digest reads them
    order: int = 100


@dataclass(frozen=True)
class Job:
    """Background work: run every ``every`` or daily at ``daily_at`` (the firm's clock).

    ``run(context)`` (a servicescape.platform.jobs.JobContext) returns counts for the run history;
    it must be idempotent: running it twice in a row changes nothing the second time.
    """

    name: str
    run: str
    description: str            # marked with N_
    every: timedelta | None = None
    daily_at: time | None = None
    max_attempts: int = 3       # tries per due run before waiting for the next one
    retry_after: timedelta = timedelta(minutes=1)   # doubles with every failed try
    lease: timedelta = timedelta(minutes=30)        # the longest a run may hold the job

    def __post_init__(self) -> None:
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"job {self.name}: give exactly one of every= and daily_at=")


@dataclass(frozen=True)
class Capability:
    key: str
    label: str                  # marked with N_
    package: str                # "servicescape.clients"
    nav: Nav | None = None
    models: tuple[str, ...] = ()
    permissions: tuple[PermissionSpec, ...] = ()
    api: tuple[str, ...] = ()           # modules exposing ``router`` (mounted under /api/v1)
    pages: tuple[str, ...] = ()         # modules exposing ``router`` (pages, public routes)
    cli: tuple[str, ...] = ()           # modules exposing ``register(app: typer.Typer)``
    demo: tuple[DemoStep, ...] = ()
    jobs: tuple[Job, ...] = ()
    client_sections: tuple[ClientSection, ...] = ()
    timeline: tuple[TimelineSource, ...] = ()
    home_panels: tuple[HomePanel, ...] = ()
    entities: tuple[str, ...] = ()      # "module:attribute" of API resources (web.api.resources.Resource)
    imports: tuple[str, ...] = ()       # "module:attribute" of importable kinds
    task_kinds: tuple[tuple[str, str], ...] = ()   # (kind of task it creates, label marked with N_)
    record_links: tuple[RecordLink, ...] = ()      # its records that tasks may be about
    text_sources: tuple[TextSource, ...] = ()      # its free-text fields (comments, notes)
    templates: bool = False             # the package has a templates/ folder
    #: "module:function"s called with the connection each time the database is opened and brought
    #: up to date: data kept in step with the settings (e.g. names re-sorted after a change of language)
    on_open: tuple[str, ...] = ()
    #: (hook, "module:function"): what it offers other capabilities without their importing it; a
    #: capability asks ``registry().provided(hook)`` and calls each (none when nothing provides it).
    #: Hooks: "competitor_groups" (session → {competitor name case-folded: price map group});
    #: "account_reviews" (session, client ids → {client id: (last review, next review) dates}).
    provides: tuple[tuple[str, str], ...] = ()
    #: its tables that hold data about a client or their contact persons (data-protection requests)
    personal_data: tuple[PersonalData, ...] = ()
    #: its kinds of record a firm may keep for a limited time
    retention: tuple[Retention, ...] = ()

    @property
    def template_dir(self) -> Path | None:
        if not self.templates:
            return None
        module = import_module(self.package)
        assert module.__file__ is not None
        return Path(module.__file__).parent / "templates"


@dataclass(frozen=True)
class Registry:
    """Every capability, checked for clashes, with the lookups the platform needs."""

    capabilities: tuple[Capability, ...]
    coming: tuple[Nav, ...] = ()
    permissions: dict[str, PermissionSpec] = field(init=False)
    jobs: dict[str, Job] = field(init=False)

    def __post_init__(self) -> None:
        _unique("capability", (c.key for c in self.capabilities))
        _unique("permission", (p.name for c in self.capabilities for p in c.permissions))
        _unique("job", (j.name for c in self.capabilities for j in c.jobs))
        _unique("client-page section", (s.key for c in self.capabilities for s in c.client_sections))
        _unique("home panel", (p.key for c in self.capabilities for p in c.home_panels))
        _unique("task kind", (k for c in self.capabilities for k, _label in c.task_kinds))
        _unique("record link", (link.type for c in self.capabilities for link in c.record_links))
        _unique("text source", (source.type for c in self.capabilities for source in c.text_sources))
        _unique("personal-data table", (d.table for c in self.capabilities for d in c.personal_data))
        object.__setattr__(self, "permissions",
                           {p.name: p for c in self.capabilities for p in c.permissions})
        object.__setattr__(self, "jobs", {j.name: j for c in self.capabilities for j in c.jobs})
        used = [s.permission for c in self.capabilities for s in c.client_sections]
        used += [t.permission for c in self.capabilities for t in c.timeline]
        used += [p.permission for c in self.capabilities for p in c.home_panels]
        used += [link.permission for c in self.capabilities for link in c.record_links]
        used += [source.permission for c in self.capabilities for source in c.text_sources]
        used += [c.nav.permission for c in self.capabilities if c.nav and c.nav.permission]
        for name in used:
            if name not in self.permissions:
                raise ValueError(f"permission {name!r} is used but no capability declares it")

    def capability(self, key: str) -> Capability:
        for capability in self.capabilities:
            if capability.key == key:
                return capability
        raise KeyError(key)

    def grants(self) -> dict[Role, frozenset[str]]:
        return {role: frozenset(p.name for p in self.permissions.values() if role in p.roles)
                for role in Role}

    def nav(self) -> list[Nav]:
        entries = [c.nav for c in self.capabilities if c.nav is not None]
        return sorted([*entries, *self.coming], key=lambda n: n.order)

    def client_sections(self) -> list[ClientSection]:
        return sorted((s for c in self.capabilities for s in c.client_sections), key=lambda s: s.order)

    def timeline_sources(self) -> list[TimelineSource]:
        return [t for c in self.capabilities for t in c.timeline]

    def home_panels(self) -> list[HomePanel]:
        return sorted((p for c in self.capabilities for p in c.home_panels), key=lambda p: p.order)

    def task_kinds(self) -> dict[str, str]:
        """Kind of task → its label (marked with N_), as the capabilities declare them."""
        return {kind: label for c in self.capabilities for kind, label in c.task_kinds}

    def record_link(self, record_type: str | None) -> RecordLink | None:
        """How a task's related record is linked (None: a type no capability shows)."""
        for capability in self.capabilities:
            for link in capability.record_links:
                if link.type == record_type:
                    return link
        return None

    def text_sources(self) -> list[TextSource]:
        """Every free-text field the capabilities store, in capability order."""
        return [source for c in self.capabilities for source in c.text_sources]

    def demo_steps(self) -> list[DemoStep]:
        return sorted((s for c in self.capabilities for s in c.demo), key=lambda s: s.order)

    def modules(self, kind: str) -> list[str]:
        """``api``, ``pages``, ``cli`` or ``models`` modules of every capability, in order."""
        return [module for c in self.capabilities for module in getattr(c, kind)]

    def template_dirs(self) -> list[Path]:
        return [d for c in self.capabilities if (d := c.template_dir) is not None]

    def on_open(self) -> list[Any]:
        return [resolve(path) for c in self.capabilities for path in c.on_open]

    def provided(self, hook: str) -> list[Any]:
        """The functions the capabilities offer under ``hook``, in capability order."""
        return [resolve(path) for c in self.capabilities for name, path in c.provides if name == hook]

    def entities(self) -> list[Any]:
        """Every API resource the capabilities declare (the contract tests exercise each)."""
        return [resolve(path) for c in self.capabilities for path in c.entities]

    def personal_data(self) -> dict[str, PersonalData]:
        """Every table with personal data, by name, in capability order."""
        return {d.table: d for c in self.capabilities for d in c.personal_data}

    def retention(self) -> list[Retention]:
        """Every retention rule's parts, in capability order (a key may have several)."""
        return [r for c in self.capabilities for r in c.retention]

    def import_kinds(self) -> dict[str, Any]:
        kinds = [resolve(path) for c in self.capabilities for path in c.imports]
        _unique("importable kind", (k.name for k in kinds))
        return {k.name: k for k in kinds}


def _unique(what: str, names: Iterable[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"two capabilities declare the {what} {name!r}")
        seen.add(name)


def resolve(path: str) -> Any:
    """``"package.module:attribute"`` → the attribute (imported on first use)."""
    module, _sep, attribute = path.partition(":")
    target: Any = import_module(module)
    for part in attribute.split(".") if attribute else ():
        target = getattr(target, part)
    return target


@cache
def registry() -> Registry:
    from servicescape.capabilities import CAPABILITY_MODULES, COMING

    return Registry(tuple(import_module(path).CAPABILITY for path in CAPABILITY_MODULES), COMING)


def load_models() -> None:
    """Import every capability's models so that ``Base.metadata`` knows every table."""
    for module in registry().modules("models"):
        import_module(module)

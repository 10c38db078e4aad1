"""The registry is the one place the product reads its capabilities from: everything it declares
must exist, every permission the code checks must be declared, and capabilities stay apart (one
does not import another's web modules)."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi import APIRouter
from jinja2 import meta

import servicescape
from servicescape.auth.roles import Role
from servicescape.db.base import Base
from servicescape.db.crud import EntityService
from servicescape.platform.registry import Capability, load_models, registry, resolve
from servicescape.web.api.resources import Resource
from servicescape.web.templating import ENVIRONMENT, TEMPLATES_DIR

SRC = Path(servicescape.__file__).parent
CAPABILITIES = registry().capabilities


def by_key(capability: Capability) -> str:
    return capability.key


def functions(capability: Capability) -> Iterator[tuple[str, str]]:
    """(what, "module:function") of everything the capability names that the platform calls."""
    for step in capability.demo:
        yield "demo step", step.run
    for job in capability.jobs:
        yield f"job {job.name}", job.run
    for section in capability.client_sections:
        yield f"client-page section {section.key}", section.load
    for source in capability.timeline:
        yield "timeline source", source.provider
    for panel in capability.home_panels:
        yield f"home panel {panel.key}", panel.load
    for path in capability.entities:
        sample = resolve(path).sample
        if sample is not None:
            yield f"sample of {path}", sample


# --- everything declared exists --------------------------------------------------------------------

@pytest.mark.parametrize("capability", CAPABILITIES, ids=by_key)
def test_declared_modules_import_and_expose_what_the_platform_uses(capability: Capability) -> None:
    assert import_module(capability.package).__name__ == capability.package
    assert all(module.startswith(("servicescape.",)) for module in
               (*capability.api, *capability.pages, *capability.cli, *capability.models))
    for module in (*capability.api, *capability.pages):
        assert isinstance(getattr(import_module(module), "router", None), APIRouter), f"{module} has no router"
    for module in capability.cli:
        register = getattr(import_module(module), "register", None)
        assert callable(register), f"{module} has no register(app)"
        register(typer.Typer())  # adds its commands to a Typer app without complaint
    for module in capability.models:
        import_module(module)


@pytest.mark.parametrize("capability", CAPABILITIES, ids=by_key)
def test_every_named_function_resolves_to_a_callable(capability: Capability) -> None:
    for what, path in functions(capability):
        assert ":" in path, f"{capability.key}: {what} {path!r} is not 'module:function'"
        assert callable(resolve(path)), f"{capability.key}: {what} {path!r} is not callable"
    for path in capability.entities:
        assert isinstance(resolve(path), Resource), f"{capability.key}: entity {path!r} is not a Resource"
    for path in capability.imports:
        kind = resolve(path)
        assert isinstance(getattr(kind, "name", None), str), f"{capability.key}: import kind {path!r} has no name"


def test_the_registry_answers_its_lookups() -> None:
    assert registry().import_kinds()  # no clash between importable kinds
    assert len(registry().entities()) == sum(len(c.entities) for c in CAPABILITIES)
    assert {job.name for c in CAPABILITIES for job in c.jobs} == set(registry().jobs)


@pytest.mark.parametrize("capability", CAPABILITIES, ids=by_key)
def test_templates_exist(capability: Capability) -> None:
    folder = capability.template_dir
    if capability.templates:
        assert folder is not None and folder.is_dir(), f"{capability.key} declares templates but has no {folder}"
        assert any(folder.rglob("*.html")), f"{folder} holds no template"
    else:
        assert not (SRC / capability.package.split(".")[-1] / "templates").is_dir(), (
            f"{capability.key} has a templates folder but does not declare templates=True")
    named = [s.template for s in capability.client_sections] + [p.template for p in capability.home_panels]
    for template in named:
        ENVIRONMENT.get_template(template)  # raises TemplateNotFound


def template_files() -> list[Path]:
    return sorted(path for folder in (TEMPLATES_DIR, *registry().template_dirs()) for path in folder.rglob("*.html"))


def relative(path: Path) -> str:
    for folder in (TEMPLATES_DIR, *registry().template_dirs()):
        if path.is_relative_to(folder):
            return path.relative_to(folder).as_posix()
    raise AssertionError(path)


def test_every_template_compiles_and_what_it_extends_or_includes_exists() -> None:
    names = [relative(path) for path in template_files()]
    assert len(names) == len(set(names)), "two template folders hold a template of the same name"
    for path in template_files():
        tree = ENVIRONMENT.parse(path.read_text(encoding="utf-8"))
        for referenced in meta.find_referenced_templates(tree):
            assert referenced is not None, f"{path}: a template name computed at run time"
            ENVIRONMENT.get_template(referenced)


def test_every_template_the_code_names_exists() -> None:
    named = {match for path in SRC.rglob("*.py")
             for match in re.findall(r"[\"']((?:[a-z_]+/)+[a-z_]+\.html)[\"']", path.read_text(encoding="utf-8"))}
    assert len(named) > 20
    for name in sorted(named):
        ENVIRONMENT.get_template(name)


def test_demo_steps_fill_tables_that_exist() -> None:
    load_models()
    for capability in CAPABILITIES:
        for step in capability.demo:
            for table in step.tables:
                assert table in Base.metadata.tables, f"{capability.key}: demo step {step.run} fills {table!r}"


# --- permissions ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("capability", CAPABILITIES, ids=by_key)
def test_the_owner_holds_every_permission(capability: Capability) -> None:
    for spec in capability.permissions:
        assert spec.name.startswith(f"{capability.key}."), f"{spec.name} is not named after {capability.key}"
        assert Role.owner in spec.roles, f"{spec.name} is not granted to the owner"
        assert spec.description.strip()


def entity_services() -> list[type[EntityService[Any]]]:
    for module in registry().modules("api"):
        import_module(module)
    found, todo = [], list(EntityService.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if "model" in vars(cls) or any("model" in vars(base) for base in cls.__mro__[1:-1]
                                        if base is not EntityService):
            found.append(cls)
    return found


def test_every_entity_service_asks_for_declared_permissions() -> None:
    services = entity_services()
    assert len(services) >= 7
    for cls in services:
        for kind in ("read", "write", "delete"):
            name = getattr(cls, f"{kind}_permission", None)
            assert name in registry().permissions, f"{cls.__qualname__}.{kind}_permission = {name!r} is undeclared"


#: the functions that check a permission, and which argument is the permission
CHECKS: dict[str, Callable[[list[ast.expr]], ast.expr | None]] = {
    "require": lambda args: args[1] if len(args) > 1 else None,
    "signed_in": lambda args: args[0] if args else None,
    "can": lambda args: args[-1] if args else None,
}


def checked_permissions(path: Path) -> Iterator[tuple[int, ast.expr]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name in CHECKS and (argument := CHECKS[name](node.args)) is not None:
                yield node.lineno, argument


def value_of(expression: ast.expr, namespace: dict[str, Any]) -> Any:
    """A literal, a module-level name or an attribute of one (``service.tasks.read_permission``);
    ``None`` for what only exists at run time (``self.read_permission``, ``section.permission``)."""
    if isinstance(expression, ast.Constant):
        return expression.value
    if isinstance(expression, ast.Name):
        return namespace.get(expression.id)
    if isinstance(expression, ast.Attribute):
        owner = value_of(expression.value, namespace)
        return None if owner is None else getattr(owner, expression.attr, None)
    return None


def module_name(path: Path) -> str:
    return ".".join(("servicescape", *path.relative_to(SRC).with_suffix("").parts)).removesuffix(".__init__")


def test_every_permission_the_code_checks_is_declared() -> None:
    declared = set(registry().permissions)
    checked: set[str] = set()
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        calls = list(checked_permissions(path))
        if not calls:
            continue
        namespace = vars(import_module(module_name(path)))
        for line, argument in calls:
            value = value_of(argument, namespace)
            if isinstance(value, str):
                where = f"{path.relative_to(SRC)}:{line}"
                assert value in declared, f"{where} checks {value!r}, which no capability declares"
                checked.add(value)
    assert len(checked) >= 10
    checked |= {getattr(cls, f"{kind}_permission") for cls in entity_services() for kind in ("read", "write", "delete")}
    assert checked == declared, f"declared but never checked: {sorted(declared - checked)}"


# --- capabilities stay apart ---------------------------------------------------------------------------

WEB_MODULES = ("api", "pages", "record_pages", "records_api", "staff_pages", "sections", "cli")


def web_modules_of(capability: Capability) -> set[str]:
    declared = {*capability.api, *capability.pages, *capability.cli}
    return {m for m in declared if m.startswith(f"{capability.package}.")} | {
        f"{capability.package}.{name}" for name in WEB_MODULES}


def imported(path: Path) -> Iterator[tuple[int, str]]:
    """Every module ``path`` imports, absolute (``from x import y`` gives x and x.y)."""
    package = module_name(path).rpartition(".")[0] if path.name != "__init__.py" else module_name(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            yield node.lineno, base
            yield from ((node.lineno, f"{base}.{alias.name}") for alias in node.names)


def test_no_capability_imports_another_capabilitys_web_modules() -> None:
    web = {c.package: web_modules_of(c) for c in CAPABILITIES}
    crossings = []
    for capability in CAPABILITIES:
        folder = SRC / capability.package.removeprefix("servicescape.")
        assert folder.is_dir(), capability.package
        others = set().union(*(modules for package, modules in web.items() if package != capability.package))
        for path in sorted(folder.rglob("*.py")):
            lines: dict[int, str] = {}
            for line, module in imported(path):
                if module in others or any(module.startswith(f"{other}.") for other in others):
                    lines.setdefault(line, module)
            crossings += [f"{path.relative_to(SRC)}:{line} imports {module}" for line, module in lines.items()]
    assert not crossings, "a capability imports another capability's web modules (use the registry, or move the " \
                          "shared piece into a service or servicescape.web):\n" + "\n".join(crossings)


def test_the_import_scan_sees_imports() -> None:
    path = SRC / "tasks" / "pages.py"
    modules = {module for _line, module in imported(path)}
    assert {"servicescape.tasks.service", "servicescape.tasks.sections", "servicescape.web.deps"} <= modules
    assert "servicescape.tasks.sections" in web_modules_of(registry().capability("tasks"))

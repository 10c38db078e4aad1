"""The capabilities of the product and how each plugs in: routes, pages, CLI group, nav, demo step.

A new capability adds one entry here; nothing else needs editing. Module paths are imported lazily
so that this registry has no import cycles with the web app or the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from servicescape.i18n import N_


@dataclass(frozen=True)
class Capability:
    key: str
    label: str          # marked with N_, translated where shown
    icon: str
    url: str | None     # None: announced in the navigation, not built yet
    api_modules: tuple[str, ...] = ()   # modules exposing `router` (mounted under /api/v1)
    page_modules: tuple[str, ...] = ()  # modules exposing `router` (HTML pages)
    cli_modules: tuple[str, ...] = ()   # modules exposing `register(app: typer.Typer)`
    permission: str = "read"

    @property
    def enabled(self) -> bool:
        return self.url is not None


CAPABILITIES: tuple[Capability, ...] = (
    Capability(
        "clients", N_("Client book"), "clients", "/clients",
        api_modules=("servicescape.web.api.clients", "servicescape.web.api.records",
                     "servicescape.web.api.staff", "servicescape.web.api.imports"),
        page_modules=("servicescape.web.pages.clients", "servicescape.web.pages.records",
                      "servicescape.web.pages.imports"),
        cli_modules=("servicescape.cli.clients", "servicescape.cli.data"),
    ),
    Capability("promises", N_("Promise ledger"), "promises", None),
    Capability("relationships", N_("Relationships"), "relationships", None),
    Capability("quality", N_("Service quality"), "quality", None),
    Capability("voice", N_("Voice of the client"), "voice", None),
    Capability("referrals", N_("Word of mouth"), "referrals", None),
    Capability("offerings", N_("Offerings and value"), "offerings", None),
    Capability("capacity", N_("Capacity and demand"), "capacity", None),
    Capability("analytics", N_("Customer analytics"), "analytics", None),
    Capability("scorecard", N_("Scorecard and reports"), "scorecard", None),
    Capability(
        "staff", N_("Staff"), "staff", "/staff", page_modules=("servicescape.web.pages.staff",),
        cli_modules=("servicescape.cli.users",), permission="view_staff",
    ),
)


def load(module_path: str) -> Any:
    return import_module(module_path)

"""Promise kinds and complaint severities as people read them (the words of the forms and badges)."""

from __future__ import annotations

from servicescape.i18n import _
from servicescape.promises.models import PromiseKind, Severity


def kind_label(kind: PromiseKind) -> str:
    return {
        PromiseKind.appointment: _("Appointment"), PromiseKind.site_visit: _("Site visit"),
        PromiseKind.call_back: _("Call-back"), PromiseKind.deliverable: _("Deliverable"),
        PromiseKind.document: _("Document"), PromiseKind.other: _("Other"),
    }[kind]


def kind_options() -> list[tuple[str, str]]:
    """The kinds for a form's select, in the order people choose them."""
    return [(kind.value, kind_label(kind)) for kind in (
        PromiseKind.appointment, PromiseKind.site_visit, PromiseKind.call_back, PromiseKind.deliverable,
        PromiseKind.document, PromiseKind.other)]


def severity_label(severity: Severity) -> str:
    return {Severity.low: _("Low"), Severity.medium: _("Medium"), Severity.high: _("High"),
            Severity.critical: _("Critical")}[severity]

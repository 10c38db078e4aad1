"""One exception tree. Each error carries an HTTP status and a stable machine-readable code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class ServicescapeError(Exception):
    """Base of every error the product raises on purpose; safe to show to the user.

    ``naming``, for a message that names ``field``: the message with the field called otherwise
    (a form words it with the field's label, in the reader's language)."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, details: Any = None,
                 naming: Callable[[str], str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details
        self.naming = naming

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            body["field"] = self.field
        if self.details is not None:
            body["details"] = self.details
        return {"error": body}


class ValidationFailed(ServicescapeError):
    status_code = 422
    code = "validation_failed"


class NotFound(ServicescapeError):
    status_code = 404
    code = "not_found"


class Conflict(ServicescapeError):
    status_code = 409
    code = "conflict"


class Gone(ServicescapeError):
    """It existed but is over for good (an expired survey link, a closed campaign)."""

    status_code = 410
    code = "gone"


class AuthenticationRequired(ServicescapeError):
    status_code = 401
    code = "authentication_required"


class PermissionDenied(ServicescapeError):
    status_code = 403
    code = "permission_denied"


class CsrfFailed(PermissionDenied):
    code = "csrf_failed"


class TooManyAttempts(ServicescapeError):
    status_code = 429
    code = "too_many_attempts"


class PayloadTooLarge(ServicescapeError):
    status_code = 413
    code = "payload_too_large"


class ImportFailed(ServicescapeError):
    """A file could not be imported at all (unreadable, wrong headers); bad rows are not this."""

    status_code = 422
    code = "import_failed"


class DatabaseBusy(ServicescapeError):
    """Other writers kept the database busy past the bounded wait and retries (``db.busy``): the
    work that met it was not saved. Answered 503 with ``Retry-After``, never a 500."""

    status_code = 503
    code = "busy"

    def __init__(self, message: str, *, retry_after: int, details: dict[str, Any] | None = None) -> None:
        super().__init__(message, details={"retry_after_seconds": retry_after, **(details or {})})
        self.retry_after = retry_after


class ConfigurationError(ServicescapeError):
    status_code = 500
    code = "configuration_error"


class BackupFailed(ServicescapeError):
    """A backup or restore could not be completed (a tool failed, a check did not pass)."""

    status_code = 500
    code = "backup_failed"

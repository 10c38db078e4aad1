"""Import every model so that ``Base.metadata`` is complete (migrations, tests)."""

from servicescape.audit.models import AuditEvent, DataVersion
from servicescape.auth.link_models import AccountLink, ResetRequest
from servicescape.auth.models import ApiToken, LoginAttempt, Staff, WebSession
from servicescape.clients.models import Client, Contact, Engagement, Interaction, Invoice
from servicescape.db.base import Base
from servicescape.offerings.models import ServicePackage
from servicescape.platform.mail.models import OutboxMessage

__all__ = [
    "AccountLink", "ApiToken", "AuditEvent", "Base", "Client", "Contact", "DataVersion", "Engagement",
    "Interaction", "Invoice", "LoginAttempt", "OutboxMessage", "ResetRequest", "ServicePackage", "Staff", "WebSession",
]

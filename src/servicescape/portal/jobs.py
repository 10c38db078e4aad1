"""The portal's background work: tell contacts about changed promises."""

from __future__ import annotations

from servicescape.platform.jobs.runner import JobContext
from servicescape.portal import notices


def tell_promise_changes(context: JobContext) -> dict[str, int]:
    with context.transaction() as session:
        return {"e-mails": notices.tell(session, context.runtime.settings)}

"""The platform's own tables and owner pages: the audit trail, background jobs and their runs, the
e-mail outbox, backup and restore."""

from __future__ import annotations

from datetime import time, timedelta

from servicescape.i18n import N_
from servicescape.platform.registry import OWNERS, Capability, Job, Nav, PermissionSpec, PersonalData, Retention

OPERATE = "system.operate"

CAPABILITY = Capability(
    key="system",
    label=N_("System"),
    package="servicescape.system",
    models=("servicescape.audit.models", "servicescape.platform.jobs.models", "servicescape.platform.mail.models",
            "servicescape.platform.ratelimit_models"),
    nav=Nav(N_("System"), "settings", "/system/jobs", permission=OPERATE, order=95),
    permissions=(PermissionSpec(OPERATE, N_("See and run background jobs, back up the database"), OWNERS),),
    pages=("servicescape.system.pages", "servicescape.system.mail_pages"),
    jobs=(Job("mail.send", "servicescape.system.jobs:send_mail", N_("Send the e-mails waiting in the outbox"),
              every=timedelta(minutes=1), max_attempts=1),
          Job("system.prune_runs", "servicescape.system.jobs:prune_runs",
              N_("Forget the runs of jobs older than 30 days (failed ones after 180)"), daily_at=time(3, 15)),
          Job("system.prune_rate_limits", "servicescape.system.jobs:prune_rate_limits",
              N_("Forget the public pages' request counts that no longer matter"), every=timedelta(hours=1))),
    cli=("servicescape.system.cli", "servicescape.system.backup_cli", "servicescape.system.mail_cli"),
    templates=True,
    personal_data=(PersonalData("mail_outbox", email="recipient",
                                erase=(("recipient", "email"), ("body_text", "text"), ("body_html", "text"))),),
    retention=(Retention("sent_email_bodies", N_("The text of e-mails sent"), "mail_outbox", "created_at",
                         (("body_text", "text"), ("body_html", "text"))),),
)

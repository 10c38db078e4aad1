"""The running system: the audit trail, background jobs and their history, for owners."""

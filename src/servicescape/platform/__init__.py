"""The capability platform: what every capability shares (registry, jobs, e-mail, charts, backup)."""

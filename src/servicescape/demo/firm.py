"""The demo firm's sign-in (printed by `servicescape demo`, shown on the sign-in page in demo mode)."""

DEMO_OWNER_EMAIL = "owner@demo.servicescape.test"
DEMO_OWNER_PASSWORD = "servicescape-demo-2026"  # noqa: S105 - a published demo credential

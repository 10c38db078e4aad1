"""Test infrastructure: a throw-away PostgreSQL server, Debian's Chromium, a live server."""

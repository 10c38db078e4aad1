"""The four roles of a staff account; what each may do is declared by the capabilities."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    owner = "owner"
    manager = "manager"
    staff = "staff"
    viewer = "viewer"

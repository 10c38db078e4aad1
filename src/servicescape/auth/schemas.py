"""API shapes of staff accounts and of the signed-in user."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import permissions_of
from servicescape.schemas import NoNul, OutSchema, Schema

StaffName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
                      NoNul]


class StaffIn(Schema):
    name: StaffName
    email: str = Field(max_length=320, description="checked and normalised to lower case",
                       json_schema_extra={"format": "email"})
    role: Role = Role.staff
    password: Annotated[str, StringConstraints(strip_whitespace=False)] | None = Field(
        None, max_length=1024,
        description="sign-in password, exactly as typed (policy-checked; spaces are kept); without one the "
                    "account uses API tokens only",
    )


class StaffPatch(Schema):
    """Only the fields sent change; null leaves a field as it is."""

    name: StaffName | None = None
    role: Role | None = None
    active: bool | None = Field(None, description="false deactivates: sessions end, tokens are revoked")


class StaffOut(OutSchema):
    id: int
    name: str
    active: bool
    email: str | None = Field(description="null unless you may view staff (manager, owner)")
    role: Role | None = Field(description="null unless you may view staff (manager, owner)")
    created_at: datetime


class MeOut(OutSchema):
    id: int
    name: str
    email: str
    role: Role
    language: str | None
    permissions: list[str] = Field(description="what this account may do, e.g. clients.write")

    @classmethod
    def of(cls, staff: Staff) -> MeOut:
        return cls(id=staff.id, name=staff.name, email=staff.email, role=staff.role,
                   language=staff.language, permissions=permissions_of(staff))


class TokenOut(OutSchema):
    """One of your API tokens; the secret itself is shown once, when it is made, and never again."""

    id: int
    name: str = Field(description="what it is for")
    prefix: str = Field(description="the token's first characters, to tell tokens apart")
    created_at: datetime
    last_used_at: datetime | None = Field(description="to the nearest five minutes; null: never used")
    revoked_at: datetime | None = Field(description="null while the token works")

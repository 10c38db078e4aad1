"""The demo firm's sign-in (printed by `servicescape demo`, shown on the sign-in page in demo mode).

Meridian Facility Partners is a building-services engineering practice: planned maintenance of
air-conditioning and building systems, an after-sales response desk with promised call-out
windows, energy audits and commissioning. Head office in Kuala Lumpur, offices in Hong Kong,
Sofia and Budapest; clients across Malaysia, Greater China and Central and Eastern Europe.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from servicescape.auth.models import Role

DEMO_OWNER_EMAIL = "owner@demo.servicescape.test"
DEMO_OWNER_PASSWORD = "servicescape-demo-2026"  # noqa: S105 - a published demo credential

DEMO_FIRM_NAME = "Meridian Facility Partners"
DEMO_URL = "http://127.0.0.1:8000"
DEMO_SEED = 3
DEMO_CLIENTS = 300
STAFF_DOMAIN = DEMO_OWNER_EMAIL.split("@", 1)[1]


@dataclass(frozen=True)
class StaffMember:
    key: str           # stable name used by the generator
    name: str          # as the person writes it
    email: str
    role: Role
    language: str
    active: bool = True
    left_on_days_ago: int | None = None  # inactive staff: how long ago they left the firm


def _email(local: str) -> str:
    return f"{local}@{STAFF_DOMAIN}"


ROSTER: tuple[StaffMember, ...] = (
    StaffMember("aisyah", "Aisyah Rahman", DEMO_OWNER_EMAIL, Role.owner, "ms"),
    StaffMember("meiling", "陳美玲", _email("meiling.chen"), Role.manager, "zh-Hant"),
    StaffMember("georgi", "Георги Димитров", _email("georgi.dimitrov"), Role.manager, "bg"),
    StaffMember("eszter", "Kovács Eszter", _email("eszter.kovacs"), Role.manager, "hu"),
    StaffMember("hafiz", "Muhammad Hafiz bin Osman", _email("hafiz.osman"), Role.staff, "ms"),
    StaffMember("nurul", "Nurul Izzah binti Kamal", _email("nurul.kamal"), Role.staff, "ms"),
    StaffMember("siewling", "Tan Siew Ling", _email("siewling.tan"), Role.staff, "en"),
    StaffMember("wanglei", "王磊", _email("lei.wang"), Role.staff, "zh-Hans"),
    StaffMember("kayan", "黃嘉欣", _email("kayan.wong"), Role.staff, "zh-Hant"),
    StaffMember("maria", "Мария Стоянова", _email("maria.stoyanova"), Role.staff, "bg"),
    StaffMember("gergo", "Szabó Gergő", _email("gergo.szabo"), Role.staff, "hu"),
    StaffMember("bence", "Horváth Bence", _email("bence.horvath"), Role.staff, "hu",
                active=False, left_on_days_ago=420),
    StaffMember("priya", "Priya Nair", _email("priya.nair"), Role.viewer, "en"),
)

#: who looks after the clients of each country: (staff key, weight); the first is the team lead
TEAMS: dict[str, tuple[tuple[str, int], ...]] = {
    "MY": (("aisyah", 2), ("hafiz", 4), ("nurul", 4), ("siewling", 3)),
    "SG": (("aisyah", 2), ("siewling", 4), ("hafiz", 1)),
    "CN": (("meiling", 2), ("wanglei", 5)),
    "TW": (("meiling", 4), ("kayan", 2)),
    "HK": (("meiling", 2), ("kayan", 5)),
    "BG": (("georgi", 3), ("maria", 4)),
    "RO": (("georgi", 3), ("maria", 2)),
    "HU": (("eszter", 3), ("gergo", 4), ("bence", 3)),
    "DE": (("eszter", 3), ("gergo", 2)),
    "GB": (("aisyah", 2), ("siewling", 2)),
}

#: the office whose relationships slip: its people (the Budapest office) have not been in touch
#: with the clients they own for the last ``SLIPPED_DAYS`` days, while the other offices keep their
#: contact cadence — the scorecard's weak element and its recommendation to contact key accounts
SLIPPING: tuple[str, ...] = ("eszter", "gergo")
SLIPPED_DAYS = 45


def staff_by_key() -> dict[str, StaffMember]:
    return {member.key: member for member in ROSTER}


def left_on(member: StaffMember, today: date) -> date | None:
    """The day an inactive member left (relative to the demo's today), None for active staff."""
    if member.left_on_days_ago is None:
        return None
    return date.fromordinal(today.toordinal() - member.left_on_days_ago)

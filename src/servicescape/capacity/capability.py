"""Capacity and demand's registry entry: who is available when, how full they are, the hours that
perished unsold, and the demand of the weeks ahead against the capacity promised."""

from __future__ import annotations

from datetime import time

from servicescape.i18n import N_
from servicescape.platform.registry import MANAGERS, Capability, DemoStep, Job, Nav, PermissionSpec, PersonalData

READ = "capacity.read"
MANAGE = "capacity.manage"

CAPABILITY = Capability(
    key="capacity",
    label=N_("Capacity and demand"),
    package="servicescape.capacity",
    nav=Nav(N_("Capacity and demand"), "capacity", "/capacity", permission=READ, order=71),
    models=("servicescape.capacity.models",),
    permissions=(
        PermissionSpec(READ, N_("See staff capacity, utilisation, perished hours and the demand outlook"), MANAGERS),
        PermissionSpec(MANAGE, N_("Set staff capacity and book or record their hours"), MANAGERS),
    ),
    api=("servicescape.capacity.api",),
    pages=("servicescape.capacity.pages",),
    cli=("servicescape.capacity.cli",),
    jobs=(Job("capacity.overbooked", "servicescape.capacity.jobs:warn_overbooked",
              N_("Open a task for people over-booked in a week where they hold promised windows"),
              daily_at=time(6, 30)),),
    demo=(DemoStep("servicescape.capacity.demo:load_capacity",
                   ("staff_capacity", "staff_leave", "booking", "pipeline_estimate"), order=96),),
    entities=("servicescape.capacity.api:STAFF_CAPACITY", "servicescape.capacity.api:BOOKINGS",
              "servicescape.capacity.api:PIPELINE"),
    task_kinds=(("capacity", N_("Over-booked")),),
    templates=True,
    personal_data=(
        PersonalData("booking", client="client_id", erase=(("note", "text"),)),
        PersonalData("pipeline_estimate", via=(("engagement", "engagement_id", "id"),)),
    ),
)

"""Tasks' registry entry: the shared task list every capability creates its tasks in."""

from __future__ import annotations

from servicescape.i18n import N_
from servicescape.platform.registry import (
    ALL_ROLES,
    MANAGERS,
    STAFF_AND_UP,
    Capability,
    ClientSection,
    DemoStep,
    HomePanel,
    Nav,
    PermissionSpec,
    PersonalData,
    TimelineSource,
)

READ = "tasks.read"
WRITE = "tasks.write"
MANAGE = "tasks.manage"

CAPABILITY = Capability(
    key="tasks",
    label=N_("Tasks"),
    package="servicescape.tasks",
    nav=Nav(N_("Tasks"), "tasks", "/tasks", permission=READ, order=15),
    models=("servicescape.tasks.models",),
    permissions=(
        PermissionSpec(READ, N_("See tasks"), ALL_ROLES),
        PermissionSpec(WRITE, N_("Add, change and close tasks"), STAFF_AND_UP),
        PermissionSpec(MANAGE, N_("Delete tasks"), MANAGERS),
    ),
    api=("servicescape.tasks.api",),
    pages=("servicescape.tasks.pages",),
    cli=("servicescape.tasks.cli",),
    demo=(DemoStep("servicescape.tasks.demo:load_tasks", ("task",), order=60),),
    client_sections=(ClientSection("tasks", "tasks/_client_tasks.html", "servicescape.tasks.sections:client_tasks",
                                   READ, order=35),),
    timeline=(TimelineSource((("task", N_("Tasks")),), "servicescape.tasks.timeline:events", READ),),
    home_panels=(HomePanel("my-tasks", "tasks/_my_tasks.html", "servicescape.tasks.sections:my_tasks", READ,
                           order=10),),
    task_kinds=(("follow_up", N_("Follow-up")), ("call_back", N_("Call back")), ("meeting", N_("Meeting")),
                ("other", N_("Other"))),
    entities=("servicescape.tasks.api:TASKS",),
    templates=True,
    personal_data=(PersonalData("task", client="client_id", erase=(("title", "name"), ("notes", "text"),
                                                                     ("outcome", "text"))),),
)

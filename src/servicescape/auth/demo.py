"""The demo firm's staff (the roster in servicescape.demo.firm): its demo step."""

from __future__ import annotations

from sqlalchemy import func, select

from servicescape.auth.passwords import hash_password
from servicescape.demo import firm
from servicescape.demo.roster import staff_rows
from servicescape.demo.steps import DemoRun, next_ids, table


def load_roster(run: DemoRun) -> None:
    """Insert the roster's missing staff; staff already there (same e-mail) keep their password.

    The roster signs in with the published demo password only in a database that had no staff:
    where people already work, the demo never adds an account anyone can guess the password of.
    """
    staff = table("staff")
    with run.runtime.transaction() as session:
        connection = session.connection()
        run.demo_passwords = not connection.scalar(select(func.count()).select_from(staff))
        known = {email: staff_id for email, staff_id in connection.execute(
            select(staff.c.email, staff.c.id).where(staff.c.email.in_([m.email for m in firm.ROSTER]))
        )}
        next_id = next_ids(connection, ("staff",))["staff"]
        ids: dict[str, int] = {}
        for member in firm.ROSTER:
            if member.email in known:
                ids[member.key] = known[member.email]
            else:
                ids[member.key], next_id = next_id, next_id + 1
        rows = [row for row in staff_rows(ids, None, run.spec.today) if row["email"] not in known]
        for row in rows if run.demo_passwords else ():  # one argon2 hash each (salted), ~50 ms apiece
            row["password_hash"] = hash_password(firm.DEMO_OWNER_PASSWORD)
        run.insert(connection, "staff", rows)
    run.ids["staff"] = ids
    run.reused_staff.extend(sorted(known))

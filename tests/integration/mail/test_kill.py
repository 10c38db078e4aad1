"""Kill the sender at random moments: no message is lost, none is received twice.

A subprocess runs what ``servicescape mail send`` runs over 30 queued messages against a real SMTP server
that records each message before it answers (with a short delay, so kills often land between
"the server has it" and "we recorded it"). It is killed with SIGKILL at a random moment (mostly
once it has started sending) and restarted, until nothing is due. Then every message must have been
received at most once, and each is either sent (and received) or in the visible "check" state.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from servicescape.db.types import utcnow
from servicescape.platform.mail import service as mail
from servicescape.platform.mail.models import DUE_STATUSES, MailStatus, OutboxMessage
from servicescape.runtime import Runtime
from tests.integration.mail.conftest import FROM, use_smtp
from tests.support.smtp import SmtpServer

MESSAGES = 30
SRC = Path(__file__).resolve().parents[3] / "src"
#: what ``servicescape mail send`` does, without the CLI's start-up (imports of every capability)
SENDER = ("from servicescape.config import Settings; from servicescape.runtime import open_runtime; "
          "from servicescape.platform.mail.service import send_pending; "
          "print(send_pending(open_runtime(Settings(), upgrade=False)))")


def _due(runtime: Runtime) -> int:
    with runtime.transaction() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.status.in_(DUE_STATUSES))) or 0


#: SIGKILLs per run, at random moments; then a sender runs to the end
KILLS = 12


@pytest.mark.slow
def test_a_killed_sender_never_loses_a_message_and_never_sends_one_twice(
        runtime: Runtime, db_url: str, smtp_server: SmtpServer, tmp_path: Path) -> None:
    use_smtp(runtime, smtp_server)
    smtp_server.delay = 0.02  # the message is recorded, the 250 comes 20 ms later
    start = utcnow() - timedelta(minutes=1)
    with runtime.transaction() as session:
        for number in range(MESSAGES):
            mail.enqueue(session, runtime.settings, to=f"person{number}@firm.test", language="en",
                         kind="password_reset", template="emails/password_reset", now=start,
                         values={"name": f"Person {number}", "email": f"person{number}@firm.test",
                                 "link": f"http://127.0.0.1:8000/reset-password/{number:040d}",
                                 "expires_at": start + timedelta(hours=1), "inviter": None})
    env = {**os.environ, "PYTHONPATH": str(SRC), "SERVICESCAPE_DATABASE_URL": db_url,
           "SERVICESCAPE_DATA_DIR": str(tmp_path), "SERVICESCAPE_MODE": "dev",
           "SERVICESCAPE_SMTP_HOST": smtp_server.host, "SERVICESCAPE_SMTP_PORT": str(smtp_server.port),
           "SERVICESCAPE_SMTP_SECURITY": "none", "SERVICESCAPE_MAIL_FROM": FROM}
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    kills, rounds = 0, 0
    while _due(runtime) and rounds < 40:
        rounds += 1
        before = len(smtp_server.received)
        sender = subprocess.Popen([sys.executable, "-c", SENDER], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        if kills >= KILLS:  # enough kills: the last sender finishes the job (a slow machine sends little per round)
            sender.wait(timeout=300)
        elif rng.random() < 0.3:  # any moment: starting, reading what is due, claiming, sending
            time.sleep(rng.uniform(0, 1.0))
        else:  # once it is sending, somewhere among the next few messages
            deadline = time.monotonic() + 60
            while sender.poll() is None and len(smtp_server.received) == before and time.monotonic() < deadline:
                time.sleep(0.002)
            time.sleep(rng.uniform(0, 0.12))
        if sender.poll() is None:
            sender.kill()  # SIGKILL: no clean-up of any kind
            kills += 1
        _out, err = sender.communicate()
        assert sender.returncode in (0, -9), (seed, err.decode())

    assert _due(runtime) == 0, f"still due after {rounds} rounds (seed {seed})"
    assert kills >= 3, f"only {kills} kills (seed {seed})"
    mail.send_pending(runtime, now=utcnow() + mail.CLAIM_LEASE + timedelta(minutes=1))  # stale claims → check

    received = Counter(got.message["Message-ID"] for got in smtp_server.received)
    with runtime.transaction() as session:
        rows = {row.message_id: row.status for row in session.scalars(select(OutboxMessage))}
    assert len(rows) == MESSAGES
    assert set(received) <= set(rows)
    assert max(received.values()) == 1, f"received twice: {[m for m, n in received.items() if n > 1]} (seed {seed})"
    for message_id, status in rows.items():
        assert status in (MailStatus.sent, MailStatus.check), (message_id, status, seed)
        if status == MailStatus.sent:
            assert received[message_id] == 1, (message_id, seed)
    checked = sum(status == MailStatus.check for status in rows.values())
    print(f"seed {seed}: {rounds} rounds, {kills} kills, {len(received)} received, "
          f"{MESSAGES - checked} sent, {checked} to check "
          f"({sum(rows[m] == MailStatus.check for m in received)} of them had arrived)")

"""Indexes found by the whole product under load at 100,000 clients: the home page's recent activity
reads the newest promises and at-risk notices by time, then keeps those of the owner's clients; the
agenda reads an owner's open promises and open tasks of one kind.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 14:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_promise_window_start', 'promise', ['window_start'], unique=False)
    op.create_index('ix_promise_announced_at', 'promise', ['announced_at'], unique=False)
    op.create_index('ix_promise_owner_status_window_start', 'promise', ['owner_id', 'status', 'window_start'],
                    unique=False)
    op.create_index('ix_task_owner_status_kind_due', 'task', ['owner_id', 'status', 'kind', 'due_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_task_owner_status_kind_due', table_name='task')
    op.drop_index('ix_promise_owner_status_window_start', table_name='promise')
    op.drop_index('ix_promise_announced_at', table_name='promise')
    op.drop_index('ix_promise_window_start', table_name='promise')

"""platform: jobs and tasks

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 05:39:20.325237
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import servicescape.db.types

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('job_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=100), nullable=False),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('holder', sa.String(length=120), nullable=False),
    sa.Column('started_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.Enum('running', 'succeeded', 'failed', 'interrupted', name='runstatus', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_run'))
    )
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.create_index('ix_job_run_job_started', ['job', 'started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_run_started_at'), ['started_at'], unique=False)

    op.create_table('job_state',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('next_run_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('requested_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lease_holder', sa.String(length=120), nullable=True),
    sa.Column('lease_expires_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_state'))
    )
    op.create_table('task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('related_type', sa.String(length=40), nullable=True),
    sa.Column('related_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('priority', sa.Enum('low', 'normal', 'high', 'urgent', name='taskpriority', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('status', sa.Enum('open', 'done', 'cancelled', name='taskstatus', native_enum=False, create_constraint=True, length=13), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('closed_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('rule', sa.String(length=100), nullable=True),
    sa.Column('dedupe_key', sa.String(length=200), nullable=True),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_task_client_id_client'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['closed_by_id'], ['staff.id'], name=op.f('fk_task_closed_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_task_created_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['staff.id'], name=op.f('fk_task_owner_id_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_task_dedupe_key'))
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index('ix_task_client_status', ['client_id', 'status'], unique=False)
        batch_op.create_index('ix_task_owner_status_due', ['owner_id', 'status', 'due_at'], unique=False)
        batch_op.create_index('ix_task_status_due', ['status', 'due_at'], unique=False)
        batch_op.create_index('ix_task_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_task_closed_at', ['closed_at'], unique=False)

    # the newest events across many clients (the home page's recent activity)
    op.create_index('ix_interaction_occurred_at', 'interaction', ['occurred_at'], unique=False)
    op.create_index('ix_engagement_start_date', 'engagement', ['start_date'], unique=False)
    op.create_index('ix_invoice_issued_on', 'invoice', ['issued_on'], unique=False)



def downgrade() -> None:
    op.drop_index('ix_invoice_issued_on', table_name='invoice')
    op.drop_index('ix_engagement_start_date', table_name='engagement')
    op.drop_index('ix_interaction_occurred_at', table_name='interaction')
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index('ix_task_closed_at')
        batch_op.drop_index('ix_task_created_at')
        batch_op.drop_index('ix_task_status_due')
        batch_op.drop_index('ix_task_owner_status_due')
        batch_op.drop_index('ix_task_client_status')

    op.drop_table('task')
    op.drop_table('job_state')
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_run_started_at'))
        batch_op.drop_index('ix_job_run_job_started')

    op.drop_table('job_run')

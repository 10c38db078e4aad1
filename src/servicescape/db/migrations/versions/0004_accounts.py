"""sign-in limits: counters per key instead of a row per attempt

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 09:00:00.000000

The old ``login_attempt`` rows only fed the old limits; they are dropped, not converted (the
audit trail keeps every sign-in and failed sign-in).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import servicescape.db.types

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sign_in_limit',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_limit'))
    )
    with op.batch_alter_table('sign_in_limit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_limit_last_failure_at'), ['last_failure_at'], unique=False)

    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempt_email_at')
        batch_op.drop_index('ix_login_attempt_address_at')

    op.drop_table('login_attempt')


def downgrade() -> None:
    op.create_table('login_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('success', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempt'))
    )
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempt_address_at', ['address', 'at'], unique=False)
        batch_op.create_index('ix_login_attempt_email_at', ['email', 'at'], unique=False)

    with op.batch_alter_table('sign_in_limit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_limit_last_failure_at'))

    op.drop_table('sign_in_limit')

"""Data protection: the retention limits owners set per kind of record; the public routes' request
counts shared by every server (rate limits across processes and servers).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import servicescape.db.types

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('privacy_retention',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff.id'], name=op.f('fk_privacy_retention_updated_by_id_staff'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_privacy_retention'))
    )
    op.create_table('rate_window',
    sa.Column('route', sa.String(length=40), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('slot', sa.BigInteger(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('route', 'address', 'slot', name=op.f('pk_rate_window'))
    )
    op.create_index(op.f('ix_rate_window_expires_at'), 'rate_window', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_rate_window_expires_at'), table_name='rate_window')
    op.drop_table('rate_window')
    op.drop_table('privacy_retention')

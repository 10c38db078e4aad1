"""customer analytics: results cached per data version; the firm's analytics settings; a data
version per kind of record (so a cache that reads a few tables is kept when others change)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import servicescape.db.types

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('data_version_entity',
    sa.Column('entity', sa.String(length=60), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('entity', name=op.f('pk_data_version_entity'))
    )
    op.create_table('analytics_result',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('report', sa.String(length=20), nullable=False),
    sa.Column('data_version', sa.BigInteger(), nullable=False),
    sa.Column('computed_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_analytics_result'))
    )
    op.create_table('analytics_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('acquisition_cost', servicescape.db.types.Money(), nullable=True),
    sa.Column('annual_discount_rate', sa.Float(), nullable=False),
    sa.Column('horizon_months', sa.Integer(), nullable=False),
    sa.Column('at_risk_below', sa.Float(), nullable=False),
    sa.Column('rhythm_multiple', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_analytics_settings'))
    )


def downgrade() -> None:
    op.drop_table('analytics_settings')
    op.drop_table('analytics_result')
    op.drop_table('data_version_entity')

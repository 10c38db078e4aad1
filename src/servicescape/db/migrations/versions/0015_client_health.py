"""The scorecard's client health: each active client's kept health (score, the score 90 days before,
risk level and each part's figure and score), which the health list reads; the managers' estimate of
what clients value (points per SERVQUAL dimension, gap 1); invoices indexed by day with
the client, currency and amount, so that a period's revenue per client is read from the index alone.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import servicescape.db.types

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('scorecard_client_health',
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('previous_score', sa.Float(), nullable=True),
    sa.Column('change', sa.Float(), nullable=True),
    sa.Column('change_order', sa.Float(), nullable=False),
    sa.Column('coverage', sa.Float(), nullable=False),
    sa.Column('risk', sa.String(length=10), nullable=False),
    sa.Column('risk_rank', sa.SmallInteger(), nullable=False),
    sa.Column('parts', sa.JSON(), nullable=False),
    sa.Column('computed_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_scorecard_client_health_client_id_client'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('client_id', name=op.f('pk_scorecard_client_health'))
    )
    op.create_index('ix_scorecard_client_health_risk', 'scorecard_client_health',
                    ['risk', 'risk_rank', 'score', 'client_id'], unique=False)
    op.create_index('ix_scorecard_client_health_rank_score', 'scorecard_client_health',
                    ['risk_rank', 'score', 'client_id'], unique=False)
    op.create_index('ix_scorecard_client_health_change', 'scorecard_client_health',
                    ['change_order', 'risk_rank', 'client_id'], unique=False)
    op.create_table('scorecard_expectation',
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('points', sa.Float(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff.id'], name=op.f('fk_scorecard_expectation_updated_by_id_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('dimension', name=op.f('pk_scorecard_expectation'))
    )
    op.create_index('ix_invoice_issued_client_amount', 'invoice', ['issued_on', 'client_id', 'currency', 'amount'],
                    unique=False)
    op.drop_index('ix_invoice_issued_on', table_name='invoice')


def downgrade() -> None:
    op.drop_table('scorecard_expectation')
    op.create_index('ix_invoice_issued_on', 'invoice', ['issued_on'], unique=False)
    op.drop_index('ix_invoice_issued_client_amount', table_name='invoice')
    op.drop_index('ix_scorecard_client_health_risk', table_name='scorecard_client_health')
    op.drop_table('scorecard_client_health')

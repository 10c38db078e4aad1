"""word of mouth: testimonials (with consent) and referrals

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 09:00:00.000000

A testimonial's ``survey_response_id`` names a survey answer of the quality capability without a
foreign key (that table comes in a later revision). A referral names either a referred client or a
prospect (the service checks that exactly one is given).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import servicescape.db.types

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referrer_client_id', sa.Integer(), nullable=False),
    sa.Column('referred_client_id', sa.Integer(), nullable=True),
    sa.Column('prospect_name', sa.String(length=300), nullable=True),
    sa.Column('prospect_email', sa.String(length=320), nullable=True),
    sa.Column('prospect_company', sa.String(length=300), nullable=True),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('new', 'contacted', 'proposal', 'won', 'lost', name='referralstatus', native_enum=False, create_constraint=True, length=13), nullable=False),
    sa.Column('value_won', servicescape.db.types.Money(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('won_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('value_won IS NULL OR value_won >= 0', name=op.f('ck_referral_value_won_not_negative')),
    sa.ForeignKeyConstraint(['owner_id'], ['staff.id'], name=op.f('fk_referral_owner_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['referred_client_id'], ['client.id'], name=op.f('fk_referral_referred_client_id_client'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['referrer_client_id'], ['client.id'], name=op.f('fk_referral_referrer_client_id_client'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral'))
    )
    op.create_index(op.f('ix_referral_owner_id'), 'referral', ['owner_id'], unique=False)
    op.create_index(op.f('ix_referral_referred_client_id'), 'referral', ['referred_client_id'], unique=False)
    op.create_index('ix_referral_referred_on_figures', 'referral', ['referred_on', 'referrer_client_id', 'status', 'currency', 'value_won'], unique=False)
    op.create_index('ix_referral_referrer_referred_on', 'referral', ['referrer_client_id', 'referred_on'], unique=False)
    op.create_index('ix_referral_status_referred_on', 'referral', ['status', 'referred_on'], unique=False)
    op.create_table('testimonial',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('author_role', sa.String(length=200), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=20), nullable=False),
    sa.Column('consent_by', sa.String(length=200), nullable=True),
    sa.Column('consent_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('use_website', sa.Boolean(), nullable=False),
    sa.Column('use_proposals', sa.Boolean(), nullable=False),
    sa.Column('use_case_studies', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'pending', 'approved', 'rejected', name='testimonialstatus', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rejected_reason', sa.String(length=500), nullable=True),
    sa.Column('survey_response_id', sa.Integer(), nullable=True),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['staff.id'], name=op.f('fk_testimonial_approved_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_testimonial_client_id_client'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_testimonial'))
    )
    op.create_index('ix_testimonial_client_created', 'testimonial', ['client_id', 'created_at'], unique=False)
    op.create_index('ix_testimonial_status_language', 'testimonial', ['status', 'language'], unique=False)
    op.create_index(op.f('ix_testimonial_survey_response_id'), 'testimonial', ['survey_response_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_testimonial_survey_response_id'), table_name='testimonial')
    op.drop_index('ix_testimonial_status_language', table_name='testimonial')
    op.drop_index('ix_testimonial_client_created', table_name='testimonial')
    op.drop_table('testimonial')
    op.drop_index('ix_referral_status_referred_on', table_name='referral')
    op.drop_index('ix_referral_referrer_referred_on', table_name='referral')
    op.drop_index('ix_referral_referred_on_figures', table_name='referral')
    op.drop_index(op.f('ix_referral_referred_client_id'), table_name='referral')
    op.drop_index(op.f('ix_referral_owner_id'), table_name='referral')
    op.drop_table('referral')

"""service quality: surveys (SERVQUAL, NPS, CSAT, the firm's own), campaigns, private survey links,
answers and the addresses that asked for no more surveys

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import servicescape.db.types

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('survey_opt_out',
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('email', name=op.f('pk_survey_opt_out'))
    )
    op.create_table('survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('servqual', 'nps', 'csat', 'custom', name='surveykind', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('status', sa.Enum('draft', 'active', 'closed', name='surveystatus', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('intro', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_survey_created_by_id_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey'))
    )
    op.create_index(op.f('ix_survey_status'), 'survey', ['status'], unique=False)
    op.create_table('survey_campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('draft', 'open', 'closed', name='campaignstatus', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('expires_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('remind_after_days', sa.SmallInteger(), nullable=False),
    sa.Column('max_reminders', sa.SmallInteger(), nullable=False),
    sa.Column('opened_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_survey_campaign_created_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_campaign_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_campaign'))
    )
    op.create_index(op.f('ix_survey_campaign_survey_id'), 'survey_campaign', ['survey_id'], unique=False)
    op.create_table('survey_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.Enum('servqual', 'importance', 'nps', 'csat', 'scale', 'single', 'multiple', 'text', name='itemkind', native_enum=False, create_constraint=True, length=14), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=True),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=True),
    sa.Column('choices', sa.JSON(), nullable=True),
    sa.Column('scale_min', sa.SmallInteger(), nullable=True),
    sa.Column('scale_max', sa.SmallInteger(), nullable=True),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_item_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_item'))
    )
    op.create_index('uq_survey_item_code', 'survey_item', ['survey_id', 'code'], unique=True)
    op.create_table('survey_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('greeting_name', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=20), nullable=False),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('first_mailed_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_mailed_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminders', sa.SmallInteger(), nullable=False),
    sa.Column('opened_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['survey_campaign.id'], name=op.f('fk_survey_invitation_campaign_id_survey_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_survey_invitation_client_id_client'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], name=op.f('fk_survey_invitation_engagement_id_engagement'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_survey_invitation_token_hash'))
    )
    op.create_index('ix_survey_invitation_campaign_answered', 'survey_invitation', ['campaign_id', 'answered_at'], unique=False)
    op.create_index(op.f('ix_survey_invitation_client_id'), 'survey_invitation', ['client_id'], unique=False)
    op.create_index('ix_survey_invitation_email_mailed', 'survey_invitation', ['email', 'last_mailed_at'], unique=False)
    op.create_index('uq_survey_invitation_client', 'survey_invitation', ['campaign_id', 'client_id'], unique=True)
    op.create_table('survey_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('invitation_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=True),
    sa.Column('external_id', sa.String(length=100), nullable=True),
    sa.Column('source', sa.Enum('link', 'imported', 'staff', name='responsesource', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('language', sa.String(length=20), nullable=False),
    sa.Column('started_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('saved_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('nps', sa.SmallInteger(), nullable=True),
    sa.Column('csat', sa.SmallInteger(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['survey_campaign.id'], name=op.f('fk_survey_response_campaign_id_survey_campaign'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_survey_response_client_id_client'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], name=op.f('fk_survey_response_engagement_id_engagement'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invitation_id'], ['survey_invitation.id'], name=op.f('fk_survey_response_invitation_id_survey_invitation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_response_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_response')),
    sa.UniqueConstraint('invitation_id', name=op.f('uq_survey_response_invitation_id'))
    )
    op.create_index(op.f('ix_survey_response_campaign_id'), 'survey_response', ['campaign_id'], unique=False)
    op.create_index('ix_survey_response_client_submitted', 'survey_response', ['client_id', 'submitted_at'], unique=False)
    op.create_index('ix_survey_response_submitted_nps', 'survey_response', ['submitted_at', 'nps'], unique=False)
    op.create_index('ix_survey_response_survey_submitted', 'survey_response', ['survey_id', 'submitted_at'], unique=False)
    op.create_index('uq_survey_response_external', 'survey_response', ['survey_id', 'external_id'], unique=True)
    op.create_table('survey_answer',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('expected', sa.SmallInteger(), nullable=True),
    sa.Column('perceived', sa.SmallInteger(), nullable=True),
    sa.Column('number', sa.SmallInteger(), nullable=True),
    sa.Column('choices', sa.JSON(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['survey_item.id'], name=op.f('fk_survey_answer_item_id_survey_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['survey_response.id'], name=op.f('fk_survey_answer_response_id_survey_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'item_id', name=op.f('pk_survey_answer'))
    )
    op.create_index('ix_survey_answer_item', 'survey_answer', ['item_id', 'response_id'], unique=False)


def downgrade() -> None:
    op.drop_table('survey_answer')
    op.drop_table('survey_response')
    op.drop_table('survey_invitation')
    op.drop_table('survey_item')
    op.drop_table('survey_campaign')
    op.drop_table('survey')
    op.drop_table('survey_opt_out')

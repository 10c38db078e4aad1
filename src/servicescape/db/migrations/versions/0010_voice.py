"""voice of the client: comments read for language, feeling and dimension; the vector cache; reviews

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import servicescape.db.types

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('voice_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('source_key', sa.String(length=80), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('said_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('text_hash', sa.String(length=64), nullable=True),
    sa.Column('language', sa.String(length=10), nullable=True),
    sa.Column('sentiment', sa.String(length=10), nullable=True),
    sa.Column('sentiment_score', sa.Float(), nullable=True),
    sa.Column('dimension_set', sa.String(length=120), nullable=True),
    sa.Column('primary_dimension', sa.String(length=20), nullable=True),
    sa.Column('truncated', sa.Boolean(), nullable=False),
    sa.Column('analysed_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('collected_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_voice_comment_client_id_client'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voice_comment')),
    sa.UniqueConstraint('source', 'source_key', name='uq_voice_comment_source')
    )
    op.create_index('ix_voice_comment_client_said', 'voice_comment', ['client_id', 'said_at'], unique=False)
    op.create_index('ix_voice_comment_hash', 'voice_comment', ['text_hash'], unique=False)
    op.create_index('ix_voice_comment_language_said', 'voice_comment', ['language', 'said_at'], unique=False)
    op.create_index('ix_voice_comment_reading', 'voice_comment', ['primary_dimension', 'sentiment', 'said_at'], unique=False)
    op.create_index('ix_voice_comment_said_at', 'voice_comment', ['said_at'], unique=False)
    op.create_index('ix_voice_comment_waiting', 'voice_comment', ['analysed_at', 'id'], unique=False)
    op.create_table('voice_vector',
    sa.Column('text_hash', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=True),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('text_hash', name=op.f('pk_voice_vector'))
    )
    op.create_table('voice_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=100), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=300), nullable=True),
    sa.Column('author', sa.String(length=300), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('said_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_voice_review_client_id_client'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voice_review')),
    sa.UniqueConstraint('external_id', name=op.f('uq_voice_review_external_id'))
    )
    op.create_index('ix_voice_review_client', 'voice_review', ['client_id', 'said_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_voice_review_client', table_name='voice_review')
    op.drop_table('voice_review')
    op.drop_table('voice_vector')
    for name in ('ix_voice_comment_waiting', 'ix_voice_comment_said_at', 'ix_voice_comment_reading',
                 'ix_voice_comment_language_said', 'ix_voice_comment_hash', 'ix_voice_comment_client_said'):
        op.drop_index(name, table_name='voice_comment')
    op.drop_table('voice_comment')

"""the language the clients' sort keys were made in

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 12:00:00.000000

One row: the collation of ``client.sort_key`` (migration 0005 made the keys in the language of the
engine that ran it). When the firm's language changes, ``clients.name_keys.follow_collation``
makes the keys again and notes the new language here. Like the search index's other tables it is
outside the models (``db.migrate.SEARCH_OBJECTS``): state of the list's indexes, not data.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from servicescape.clients import name_keys

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        'client_search_collation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_client_search_collation')),
    )
    op.bulk_insert(table, [{'id': 1, 'language': name_keys.collation(op.get_bind())}])


def downgrade() -> None:
    op.drop_table('client_search_collation')

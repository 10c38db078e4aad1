"""the client list at scale: names in the firm's collation, a full-text index for search

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 12:00:00.000000

Two columns kept from a client's fields (``servicescape.clients.name_keys``): ``sort_key`` (the
ICU collation key of the name) and ``search_text`` (name, e-mail, external id and city, folded).
Existing clients get both here, in batches. Every sort of the list gets an index that ends in the
id (a stable order). Search gets a trigram index: an FTS5 table kept by triggers on SQLite (and an
index of names with the searched text, to test many matches in name order; and a table by which a
bulk writer pauses the insert trigger, ``clients.search_index``), a ``pg_trgm`` GIN index on
PostgreSQL; these are outside the models (``db.migrate.SEARCH_OBJECTS``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from servicescape.clients import name_keys

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000
FILTERED = ('country', 'segment', 'tier', 'status')

SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE client_search USING fts5(search_text, content='client', content_rowid='id', "
    "tokenize='trigram')",
    "INSERT INTO client_search(client_search) VALUES ('rebuild')",
    # a bulk writer pauses the trigger inside its own transaction and indexes its new clients in one
    # statement (``clients.search_index.bulk_insert``): a row here is only ever seen by that writer
    "CREATE TABLE client_search_paused (writer INTEGER PRIMARY KEY)",
    "CREATE TRIGGER client_search_insert AFTER INSERT ON client "
    "WHEN NOT EXISTS (SELECT 1 FROM client_search_paused) BEGIN "
    "INSERT INTO client_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER client_search_delete AFTER DELETE ON client BEGIN "
    "INSERT INTO client_search(client_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER client_search_update AFTER UPDATE OF search_text ON client "
    "WHEN old.search_text IS NOT new.search_text BEGIN "
    "INSERT INTO client_search(client_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO client_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    # a search matching many clients tests them along the name order: from this index alone, not
    # from each client's row (at a million clients ~13x less work)
    "CREATE INDEX client_search_walk ON client (sort_key, id, search_text)",
)
POSTGRES_SEARCH = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX client_search_trgm ON client USING gin (search_text gin_trgm_ops)",
)


def _fill_keys(bind: sa.Connection) -> None:
    client = sa.table('client', sa.column('id'), *(sa.column(name) for name in name_keys.SEARCHED),
                      sa.column('sort_key', sa.LargeBinary()), sa.column('search_text'))
    language = name_keys.collation(bind)
    change = (sa.update(client).where(client.c.id == sa.bindparam('_id'))
              .values(sort_key=sa.bindparam('_sort_key'), search_text=sa.bindparam('_search_text')))
    last = 0
    while True:
        rows = bind.execute(sa.select(client.c.id, *(client.c[name] for name in name_keys.SEARCHED))
                            .where(client.c.id > last).order_by(client.c.id).limit(BATCH)).all()
        if not rows:
            return
        changes = []
        for row in rows:
            keys = name_keys.keys_for(row._mapping, language)
            changes.append({'_id': row.id, '_sort_key': keys['sort_key'], '_search_text': keys['search_text']})
        bind.execute(change, changes)
        last = rows[-1].id


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_key', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=True))
        for column in FILTERED:
            batch_op.drop_index(f'ix_client_{column}')
    _fill_keys(bind)
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.create_index('ix_client_sort_key_id', ['sort_key', 'id'], unique=False)
        batch_op.create_index('ix_client_created_at_id', ['created_at', 'id'], unique=False)
        for column in FILTERED:
            batch_op.create_index(f'ix_client_{column}_sort_key', [column, 'sort_key', 'id'], unique=False)
    for statement in SQLITE_SEARCH if bind.dialect.name == 'sqlite' else POSTGRES_SEARCH:
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for trigger in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER IF EXISTS client_search_{trigger}')
        op.execute('DROP TABLE IF EXISTS client_search')
        op.execute('DROP TABLE IF EXISTS client_search_paused')
        op.execute('DROP INDEX IF EXISTS client_search_walk')
    else:
        op.execute('DROP INDEX IF EXISTS client_search_trgm')
    with op.batch_alter_table('client', schema=None) as batch_op:
        for column in FILTERED:
            batch_op.drop_index(f'ix_client_{column}_sort_key')
        batch_op.drop_index('ix_client_created_at_id')
        batch_op.drop_index('ix_client_sort_key_id')
        batch_op.drop_column('search_text')
        batch_op.drop_column('sort_key')
        for column in FILTERED:
            batch_op.create_index(f'ix_client_{column}', [column], unique=False)

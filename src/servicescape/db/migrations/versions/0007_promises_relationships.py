"""promises, complaints and service recovery; contact cadence and calendar links; exchange rates

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 09:00:00.000000

The reliability figures are kept per month (``promise_month``, ``promise_month_figure``); triggers
note which months' figures a change makes stale (see ``promises.months``): a promise added,
changed in what the figures count or deleted bumps its month's ``version``; a client's new tier or
an engagement's new package bumps every month's.

The service targets per tier and the contact cadence start empty: a tier without a row has the
product's defaults (``promises.policies.DEFAULT_POLICIES``, ``relationships.service.DEFAULT_CADENCE``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import servicescape.db.types

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


#: what the reliability figures count of a promise (a change elsewhere leaves its month's figures fresh)
COUNTED = 'status, window_end, owner_id, lateness_minutes, announced_at, engagement_id, client_id'
IN_MONTH = 'starts_at <= {row}.window_end AND {row}.window_end < ends_at'
STALE = 'UPDATE promise_month SET version = version + 1'
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER promise_month_insert AFTER INSERT ON promise BEGIN "
    f"{STALE} WHERE {IN_MONTH.format(row='NEW')}; END",
    f"CREATE TRIGGER promise_month_update AFTER UPDATE OF {COUNTED} ON promise BEGIN "
    f"{STALE} WHERE ({IN_MONTH.format(row='NEW')}) OR ({IN_MONTH.format(row='OLD')}); END",
    f"CREATE TRIGGER promise_month_delete AFTER DELETE ON promise BEGIN "
    f"{STALE} WHERE {IN_MONTH.format(row='OLD')}; END",
    f"CREATE TRIGGER promise_month_tier AFTER UPDATE OF tier ON client WHEN OLD.tier IS NOT NEW.tier BEGIN "
    f"{STALE}; END",
    f"CREATE TRIGGER promise_month_package AFTER UPDATE OF package_id ON engagement "
    f"WHEN OLD.package_id IS NOT NEW.package_id BEGIN {STALE}; END",
)
POSTGRES_TRIGGERS = (
    f"""CREATE FUNCTION promise_month_touch() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'INSERT' THEN {STALE} WHERE {IN_MONTH.format(row='OLD')}; END IF;
      IF TG_OP <> 'DELETE' THEN {STALE} WHERE {IN_MONTH.format(row='NEW')}; END IF;
      RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION promise_month_touch_all() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {STALE}; RETURN NULL; END $$""",
    f"CREATE TRIGGER promise_month_touch AFTER INSERT OR DELETE OR UPDATE OF {COUNTED} ON promise "
    "FOR EACH ROW EXECUTE FUNCTION promise_month_touch()",
    "CREATE TRIGGER promise_month_tier AFTER UPDATE OF tier ON client FOR EACH ROW "
    "WHEN (OLD.tier IS DISTINCT FROM NEW.tier) EXECUTE FUNCTION promise_month_touch_all()",
    "CREATE TRIGGER promise_month_package AFTER UPDATE OF package_id ON engagement FOR EACH ROW "
    "WHEN (OLD.package_id IS DISTINCT FROM NEW.package_id) EXECUTE FUNCTION promise_month_touch_all()",
)


def upgrade() -> None:
    op.create_table('cadence_policy',
    sa.Column('tier', sa.Enum('key', 'growth', 'standard', name='tier', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('every_days', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('tier', name=op.f('pk_cadence_policy'))
    )
    op.create_table('exchange_rate',
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('rate', sa.Float(), nullable=False),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('currency', name=op.f('pk_exchange_rate'))
    )
    op.create_table('holiday',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_holiday'))
    )
    op.create_table('notice_template',
    sa.Column('language', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('language', name=op.f('pk_notice_template'))
    )
    op.create_table('promise_month',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('starts_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('computed_version', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('month', name=op.f('pk_promise_month'))
    )
    op.create_table('service_policy',
    sa.Column('tier', sa.Enum('key', 'growth', 'standard', name='tier', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('first_response_hours', sa.Integer(), nullable=False),
    sa.Column('resolution_days', sa.Integer(), nullable=False),
    sa.Column('late_tolerance_minutes', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('tier', name=op.f('pk_service_policy'))
    )
    op.create_table('calendar_feed',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_read_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_calendar_feed_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_id', name=op.f('pk_calendar_feed')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feed_token_hash'))
    )
    op.create_table('promise_month_figure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('dimension', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('promises', sa.Integer(), nullable=False),
    sa.Column('lateness_total', sa.Integer(), nullable=False),
    sa.Column('announced', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['month'], ['promise_month.month'], name=op.f('fk_promise_month_figure_month_promise_month'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promise_month_figure'))
    )
    with op.batch_alter_table('promise_month_figure', schema=None) as batch_op:
        batch_op.create_index('ix_promise_month_figure_month', ['month'], unique=False)

    op.create_table('staff_leave',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_leave_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_leave'))
    )
    with op.batch_alter_table('staff_leave', schema=None) as batch_op:
        batch_op.create_index('ix_staff_leave_staff_days', ['staff_id', 'starts_on', 'ends_on'], unique=False)

    op.create_table('promise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=100), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('appointment', 'deliverable', 'call_back', 'site_visit', 'document', 'other', name='promisekind', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('made_by_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('window_start', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('window_end', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('status', sa.Enum('open', 'kept', 'late', 'missed', 'cancelled', name='promisestatus', native_enum=False, create_constraint=True, length=13), nullable=False),
    sa.Column('confirmed_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('kept_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('delivered_by_id', sa.Integer(), nullable=True),
    sa.Column('lateness_minutes', sa.Integer(), nullable=True),
    sa.Column('missed_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('client_words', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('repromised_from_id', sa.Integer(), nullable=True),
    sa.Column('at_risk', sa.String(length=100), nullable=True),
    sa.Column('announced_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_promise_client_id_client'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['delivered_by_id'], ['staff.id'], name=op.f('fk_promise_delivered_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], name=op.f('fk_promise_engagement_id_engagement'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['made_by_id'], ['staff.id'], name=op.f('fk_promise_made_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['staff.id'], name=op.f('fk_promise_owner_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['repromised_from_id'], ['promise.id'], name=op.f('fk_promise_repromised_from_id_promise'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promise')),
    sa.UniqueConstraint('external_id', name=op.f('uq_promise_external_id')),
    sa.UniqueConstraint('repromised_from_id', name=op.f('uq_promise_repromised_from_id'))
    )
    with op.batch_alter_table('promise', schema=None) as batch_op:
        batch_op.create_index('ix_promise_client_window_start', ['client_id', 'window_start'], unique=False)
        batch_op.create_index(batch_op.f('ix_promise_engagement_id'), ['engagement_id'], unique=False)
        batch_op.create_index('ix_promise_owner_window_start', ['owner_id', 'window_start'], unique=False)
        batch_op.create_index('ix_promise_status_window_end', ['status', 'window_end'], unique=False)
        batch_op.create_index('ix_promise_status_window_start', ['status', 'window_start'], unique=False)
        batch_op.create_index('ix_promise_window_end_status', ['window_end', 'status', 'owner_id', 'lateness_minutes', 'client_id', 'engagement_id', 'announced_at'], unique=False)

    op.create_table('complaint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=100), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('promise_id', sa.Integer(), nullable=True),
    sa.Column('received_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.Enum('call', 'e-mail', 'letter', 'meeting', 'meal', 'other', name='channel', native_enum=False, create_constraint=True, length=11), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('severity', sa.Enum('low', 'medium', 'high', 'critical', name='severity', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('open', 'responded', 'resolved', name='complaintstatus', native_enum=False, create_constraint=True, length=13), nullable=False),
    sa.Column('response_due_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolution_due_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('first_response_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('response_breached_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolution_breached_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_complaint_client_id_client'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['staff.id'], name=op.f('fk_complaint_owner_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['promise_id'], ['promise.id'], name=op.f('fk_complaint_promise_id_promise'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint')),
    sa.UniqueConstraint('external_id', name=op.f('uq_complaint_external_id'))
    )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index('ix_complaint_client_received', ['client_id', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_promise_id'), ['promise_id'], unique=False)
        batch_op.create_index('ix_complaint_received_at', ['received_at'], unique=False)
        batch_op.create_index('ix_complaint_resolved_at', ['resolved_at'], unique=False)
        batch_op.create_index('ix_complaint_status_resolution_due', ['status', 'resolution_due_at'], unique=False)
        batch_op.create_index('ix_complaint_status_response_due', ['status', 'response_due_at'], unique=False)


    for statement in SQLITE_TRIGGERS if op.get_bind().dialect.name == 'sqlite' else POSTGRES_TRIGGERS:
        op.execute(statement)

def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for trigger in ('insert', 'update', 'delete', 'tier', 'package'):
            op.execute(f'DROP TRIGGER IF EXISTS promise_month_{trigger}')
    else:
        op.execute('DROP TRIGGER IF EXISTS promise_month_tier ON client')
        op.execute('DROP TRIGGER IF EXISTS promise_month_package ON engagement')
        op.execute('DROP TRIGGER IF EXISTS promise_month_touch ON promise')
        op.execute('DROP FUNCTION IF EXISTS promise_month_touch()')
        op.execute('DROP FUNCTION IF EXISTS promise_month_touch_all()')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_status_response_due')
        batch_op.drop_index('ix_complaint_status_resolution_due')
        batch_op.drop_index('ix_complaint_resolved_at')
        batch_op.drop_index('ix_complaint_received_at')
        batch_op.drop_index(batch_op.f('ix_complaint_promise_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_owner_id'))
        batch_op.drop_index('ix_complaint_client_received')

    op.drop_table('complaint')
    with op.batch_alter_table('promise', schema=None) as batch_op:
        batch_op.drop_index('ix_promise_window_end_status')
        batch_op.drop_index('ix_promise_status_window_start')
        batch_op.drop_index('ix_promise_status_window_end')
        batch_op.drop_index('ix_promise_owner_window_start')
        batch_op.drop_index(batch_op.f('ix_promise_engagement_id'))
        batch_op.drop_index('ix_promise_client_window_start')

    op.drop_table('promise')
    with op.batch_alter_table('staff_leave', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_leave_staff_days')

    op.drop_table('staff_leave')
    with op.batch_alter_table('promise_month_figure', schema=None) as batch_op:
        batch_op.drop_index('ix_promise_month_figure_month')

    op.drop_table('promise_month_figure')
    op.drop_table('calendar_feed')
    op.drop_table('service_policy')
    op.drop_table('promise_month')
    op.drop_table('notice_template')
    op.drop_table('holiday')
    op.drop_table('exchange_rate')
    op.drop_table('cadence_policy')

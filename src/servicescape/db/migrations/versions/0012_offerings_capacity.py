"""offerings and value: package levels with their targets, add-ons, dated list prices, the level of
each engagement, competitors' prices, value cases with outcomes, price studies and their answers;
capacity and demand: staff capacity, bookings and the pipeline's estimates

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 08:24:41.844557
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import servicescape.db.types

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('competitor_price',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=True),
    sa.Column('competitor', sa.String(length=200), nullable=False),
    sa.Column('offer', sa.String(length=200), nullable=False),
    sa.Column('segment', sa.String(length=120), nullable=True),
    sa.Column('price', servicescape.db.types.Money(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('perceived_quality', sa.Float(), nullable=True),
    sa.Column('noted_on', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=True),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['service_package.id'], name=op.f('fk_competitor_price_package_id_service_package'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competitor_price'))
    )
    with op.batch_alter_table('competitor_price', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competitor_price_package_id'), ['package_id'], unique=False)

    op.create_table('package_addon',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['service_package.id'], name=op.f('fk_package_addon_package_id_service_package'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_package_addon')),
    sa.UniqueConstraint('package_id', 'name', name=op.f('uq_package_addon_package_id'))
    )
    op.create_table('package_level',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('inclusions', sa.JSON(), nullable=False),
    sa.Column('first_response_hours', sa.Integer(), nullable=True),
    sa.Column('resolution_days', sa.Integer(), nullable=True),
    sa.Column('cadence_days', sa.Integer(), nullable=True),
    sa.Column('perceived_quality', sa.Float(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['service_package.id'], name=op.f('fk_package_level_package_id_service_package'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_package_level')),
    sa.UniqueConstraint('package_id', 'name', name=op.f('uq_package_level_package_id'))
    )
    op.create_table('staff_capacity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('hours_per_week', sa.Float(), nullable=False),
    sa.Column('working_days', sa.JSON(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('standard_rate', servicescape.db.types.Money(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('hours_per_week >= 0 AND hours_per_week <= 168', name=op.f('ck_staff_capacity_hours')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_capacity_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_capacity')),
    sa.UniqueConstraint('staff_id', name=op.f('uq_staff_capacity_staff_id'))
    )
    op.create_table('package_price',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=True),
    sa.Column('addon_id', sa.Integer(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount', servicescape.db.types.Money(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(level_id IS NULL) <> (addon_id IS NULL)', name=op.f('ck_package_price_level_or_addon')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_package_price_positive')),
    sa.ForeignKeyConstraint(['addon_id'], ['package_addon.id'], name=op.f('fk_package_price_addon_id_package_addon'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['level_id'], ['package_level.id'], name=op.f('fk_package_price_level_id_package_level'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_package_price'))
    )
    with op.batch_alter_table('package_price', schema=None) as batch_op:
        batch_op.create_index('ix_package_price_addon', ['addon_id', 'currency', 'valid_from'], unique=False)
        batch_op.create_index('ix_package_price_level', ['level_id', 'currency', 'valid_from'], unique=False)

    op.create_table('price_study',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('method', sa.Enum('van_westendorp', 'gabor_granger', name='studymethod', native_enum=False, create_constraint=True, length=18), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('grid', sa.JSON(), nullable=False),
    sa.Column('asked_on', sa.Date(), nullable=True),
    sa.Column('minimum_sample', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['level_id'], ['package_level.id'], name=op.f('fk_price_study_level_id_package_level'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_study')),
    sa.UniqueConstraint('name', name=op.f('uq_price_study_name'))
    )
    op.create_table('value_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('price', servicescape.db.types.Money(), nullable=False),
    sa.Column('horizon_months', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('prepared_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('horizon_months > 0', name=op.f('ck_value_case_positive_horizon')),
    sa.CheckConstraint('price > 0', name=op.f('ck_value_case_positive_price')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_value_case_client_id_client'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['level_id'], ['package_level.id'], name=op.f('fk_value_case_level_id_package_level'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['prepared_by_id'], ['staff.id'], name=op.f('fk_value_case_prepared_by_id_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_value_case'))
    )
    with op.batch_alter_table('value_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_value_case_client_id'), ['client_id'], unique=False)

    op.create_table('booking',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('billable', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('scheduled', 'worked', name='bookingstatus', native_enum=False, create_constraint=True, length=13), nullable=False),
    sa.Column('billed_hours', sa.Float(), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('engagement_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=60), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('billed_hours IS NULL OR billed_hours >= 0', name=op.f('ck_booking_billed_hours')),
    sa.CheckConstraint('hours > 0 AND hours <= 24', name=op.f('ck_booking_hours')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_booking_client_id_client'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], name=op.f('fk_booking_engagement_id_engagement'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_booking_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking'))
    )
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_client_id'), ['client_id'], unique=False)
        batch_op.create_index('ix_booking_day', ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_engagement_id'), ['engagement_id'], unique=False)
        batch_op.create_index('ix_booking_staff_day', ['staff_id', 'day'], unique=False)

    op.create_table('engagement_level',
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], name=op.f('fk_engagement_level_engagement_id_engagement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['level_id'], ['package_level.id'], name=op.f('fk_engagement_level_level_id_package_level'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('engagement_id', name=op.f('pk_engagement_level'))
    )
    with op.batch_alter_table('engagement_level', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagement_level_level_id'), ['level_id'], unique=False)

    op.create_table('pipeline_estimate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('probability', sa.Float(), nullable=False),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('hours > 0', name=op.f('ck_pipeline_estimate_hours')),
    sa.CheckConstraint('probability >= 0 AND probability <= 1', name=op.f('ck_pipeline_estimate_probability')),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], name=op.f('fk_pipeline_estimate_engagement_id_engagement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipeline_estimate')),
    sa.UniqueConstraint('engagement_id', name=op.f('uq_pipeline_estimate_engagement_id'))
    )
    op.create_table('price_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('respondent', sa.String(length=100), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('segment', sa.String(length=120), nullable=True),
    sa.Column('too_cheap', servicescape.db.types.Money(), nullable=False),
    sa.Column('cheap', servicescape.db.types.Money(), nullable=False),
    sa.Column('expensive', servicescape.db.types.Money(), nullable=False),
    sa.Column('too_expensive', servicescape.db.types.Money(), nullable=False),
    sa.Column('likely_cheap', sa.SmallInteger(), nullable=True),
    sa.Column('likely_expensive', sa.SmallInteger(), nullable=True),
    sa.Column('valid', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_price_answer_client_id_client'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['study_id'], ['price_study.id'], name=op.f('fk_price_answer_study_id_price_study'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_answer'))
    )
    with op.batch_alter_table('price_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_answer_study_id'), ['study_id'], unique=False)

    op.create_table('price_choice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('respondent', sa.String(length=100), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('segment', sa.String(length=120), nullable=True),
    sa.Column('price', servicescape.db.types.Money(), nullable=False),
    sa.Column('buys', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_price_choice_client_id_client'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['study_id'], ['price_study.id'], name=op.f('fk_price_choice_study_id_price_study'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_choice'))
    )
    with op.batch_alter_table('price_choice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_choice_study_id'), ['study_id'], unique=False)

    op.create_table('value_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('benefit', 'cost', name='valueside', native_enum=False, create_constraint=True, length=11), nullable=False),
    sa.Column('kind', sa.Enum('time_saved', 'risk_avoided', 'revenue_gained', 'cost_avoided', 'money', 'their_time', 'switching', 'risk', name='valuekind', native_enum=False, create_constraint=True, length=18), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('low', servicescape.db.types.Money(), nullable=False),
    sa.Column('expected', servicescape.db.types.Money(), nullable=False),
    sa.Column('high', servicescape.db.types.Money(), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=True),
    sa.CheckConstraint('low >= 0 AND low <= expected AND expected <= high', name=op.f('ck_value_item_ordered')),
    sa.ForeignKeyConstraint(['case_id'], ['value_case.id'], name=op.f('fk_value_item_case_id_value_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_value_item'))
    )
    with op.batch_alter_table('value_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_value_item_case_id'), ['case_id'], unique=False)

    op.create_table('price_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('greeting_name', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answer_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answer_id'], ['price_answer.id'], name=op.f('fk_price_invitation_answer_id_price_answer'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_price_invitation_client_id_client'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['study_id'], ['price_study.id'], name=op.f('fk_price_invitation_study_id_price_study'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_price_invitation_token_hash'))
    )
    with op.batch_alter_table('price_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_invitation_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_price_invitation_study_id'), ['study_id'], unique=False)

    op.create_table('value_outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('amount', servicescape.db.types.Money(), nullable=True),
    sa.Column('promise_id', sa.Integer(), nullable=True),
    sa.Column('survey_response_id', sa.Integer(), nullable=True),
    sa.Column('testimonial_id', sa.Integer(), nullable=True),
    sa.Column('created_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', servicescape.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['value_case.id'], name=op.f('fk_value_outcome_case_id_value_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], name=op.f('fk_value_outcome_engagement_id_engagement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['promise_id'], ['promise.id'], name=op.f('fk_value_outcome_promise_id_promise'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_response_id'], ['survey_response.id'], name=op.f('fk_value_outcome_survey_response_id_survey_response'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['testimonial_id'], ['testimonial.id'], name=op.f('fk_value_outcome_testimonial_id_testimonial'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_value_outcome'))
    )
    with op.batch_alter_table('value_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_value_outcome_case_id'), ['case_id'], unique=False)

    # a plain ALTER TABLE ADD COLUMN: a batch copy of the table on SQLite would drop the old one, and
    # the engagements' ON DELETE SET NULL would forget which package they were sold from
    op.add_column('service_package', sa.Column('off_peak', sa.Boolean(), nullable=False, server_default=sa.false()))
    _levels_of_existing_packages()


def _levels_of_existing_packages() -> None:
    """A package that had a level or a list price keeps them: as its one level (named by the old
    ``level``, else "Standard") with that list price from the day the package was added, and the
    engagements sold from it at that level."""
    connection = op.get_bind()
    package = sa.table('service_package', sa.column('id'), sa.column('level'), sa.column('list_price'),
                       sa.column('currency'), sa.column('created_at'))
    level = sa.table('package_level', sa.column('id', sa.Integer), sa.column('package_id'), sa.column('name'),
                     sa.column('position'), sa.column('inclusions', sa.JSON), sa.column('active', sa.Boolean),
                     sa.column('created_at'), sa.column('updated_at'))
    price = sa.table('package_price', sa.column('level_id'), sa.column('currency'), sa.column('amount'),
                     sa.column('valid_from'), sa.column('created_at'), sa.column('updated_at'))
    engagement = sa.table('engagement', sa.column('id'), sa.column('package_id'))
    engagement_level = sa.table('engagement_level', sa.column('engagement_id'), sa.column('level_id'))
    rows = connection.execute(sa.select(package.c.id, package.c.level, package.c.list_price, package.c.currency,
                                        package.c.created_at)
                              .where(sa.or_(package.c.level.is_not(None), package.c.list_price.is_not(None)))).all()
    for package_id, name, list_price, currency, created_at in rows:
        level_id = connection.execute(sa.insert(level).values(
            package_id=package_id, name=(name or 'Standard')[:60], position=0, inclusions=[], active=True,
            created_at=created_at, updated_at=created_at).returning(level.c.id)).scalar_one()
        if list_price is not None and list_price > 0:
            day = created_at.date() if hasattr(created_at, 'date') else sa.func.date(created_at)
            connection.execute(sa.insert(price).values(level_id=level_id, currency=currency, amount=list_price,
                                                       valid_from=day, created_at=created_at, updated_at=created_at))
        connection.execute(sa.insert(engagement_level).from_select(
            ['engagement_id', 'level_id'],
            sa.select(engagement.c.id, sa.literal(level_id)).where(engagement.c.package_id == package_id)))



def downgrade() -> None:
    with op.batch_alter_table('service_package', schema=None) as batch_op:
        batch_op.drop_column('off_peak')

    with op.batch_alter_table('value_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_value_outcome_case_id'))

    op.drop_table('value_outcome')
    with op.batch_alter_table('price_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_invitation_study_id'))
        batch_op.drop_index(batch_op.f('ix_price_invitation_client_id'))

    op.drop_table('price_invitation')
    with op.batch_alter_table('value_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_value_item_case_id'))

    op.drop_table('value_item')
    with op.batch_alter_table('price_choice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_choice_study_id'))

    op.drop_table('price_choice')
    with op.batch_alter_table('price_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_answer_study_id'))

    op.drop_table('price_answer')
    op.drop_table('pipeline_estimate')
    with op.batch_alter_table('engagement_level', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_engagement_level_level_id'))

    op.drop_table('engagement_level')
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_index('ix_booking_staff_day')
        batch_op.drop_index(batch_op.f('ix_booking_engagement_id'))
        batch_op.drop_index('ix_booking_day')
        batch_op.drop_index(batch_op.f('ix_booking_client_id'))

    op.drop_table('booking')
    with op.batch_alter_table('value_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_value_case_client_id'))

    op.drop_table('value_case')
    op.drop_table('price_study')
    with op.batch_alter_table('package_price', schema=None) as batch_op:
        batch_op.drop_index('ix_package_price_level')
        batch_op.drop_index('ix_package_price_addon')

    op.drop_table('package_price')
    op.drop_table('staff_capacity')
    op.drop_table('package_level')
    op.drop_table('package_addon')
    with op.batch_alter_table('competitor_price', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competitor_price_package_id'))

    op.drop_table('competitor_price')

"""org: districts are tenants (an optional city above them)

A second district's organiser saw the first district's plans, compliance and competitions,
because a district unit meant "everything". ``units.district_id`` records the district a
unit lies in (itself for a district; none for a city, the new optional level above
districts). Quizzes and competitions made for a whole district, and courses, scenarios and
questions written by a district's staff, record their district in ``district_id``; content
with no district (the shipped library) is read by every district.

Existing rows: every unit gets its district from its path; quizzes and competitions go to
the district of their street, else to the (single) existing district; courses, scenarios
and questions limited to a street go to that street's district, the others stay library.
Trainers with no unit (district-wide until now) are placed in the existing district.

Revision ID: a1c3e5f7b9d2
Revises: a7c9e1f3b5d2
Create Date: 2026-12-06 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a1c3e5f7b9d2'
down_revision = 'a7c9e1f3b5d2'
branch_labels = None
depends_on = None

OLD_LEVELS = "level IN ('district','street','community','grid','small_grid','micro_grid')"
NEW_LEVELS = ("level IN ('city','district','street','community','grid','small_grid',"
              "'micro_grid')")
CONTENT = ('courses', 'scenarios', 'questions', 'quizzes', 'competitions')

units = sa.table('units', sa.column('id', sa.Integer), sa.column('level', sa.String),
                 sa.column('path', sa.String), sa.column('district_id', sa.Integer))
users = sa.table('users', sa.column('role', sa.String), sa.column('unit_id', sa.Integer))


def _sqlite_foreign_keys(on: bool) -> None:
    """Batch mode rebuilds a table on SQLite: with foreign keys enforced, dropping the old
    table would delete (cascade) or refuse for the rows that point at it. The pragma only
    takes effect outside a transaction: end the migration's (trainer.database begins them
    with a plain BEGIN on a driver connection in autocommit), set it, begin again."""
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        bind.exec_driver_sql("COMMIT")
        bind.exec_driver_sql(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
        bind.exec_driver_sql("BEGIN")


def upgrade():
    _sqlite_foreign_keys(False)
    try:
        _upgrade()
    finally:
        _sqlite_foreign_keys(True)


def downgrade():
    _sqlite_foreign_keys(False)
    try:
        _downgrade()
    finally:
        _sqlite_foreign_keys(True)


def _upgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_units_level_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_units_level_known'), NEW_LEVELS)
        batch_op.add_column(sa.Column('district_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_units_district_id'), ['district_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_units_district_id_units'), 'units',
                                    ['district_id'], ['id'])
    for table in CONTENT:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('district_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_district_id'), ['district_id'],
                                  unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_district_id_units'), 'units',
                                        ['district_id'], ['id'])
    bind = op.get_bind()
    districts = bind.execute(sa.select(units.c.id, units.c.path)
                             .where(units.c.level == 'district').order_by(units.c.id)).all()
    for district_id, path in districts:
        bind.execute(sa.update(units).where(units.c.path.startswith(path))
                     .values(district_id=district_id))
    if not districts:
        return
    first = districts[0][0]
    for table in CONTENT:
        rows = sa.table(table, sa.column('street_id', sa.Integer),
                        sa.column('district_id', sa.Integer))
        of_street = (sa.select(units.c.district_id).where(units.c.id == rows.c.street_id)
                     .scalar_subquery())
        bind.execute(sa.update(rows).where(rows.c.street_id.is_not(None))
                     .values(district_id=of_street))
        if table in ('quizzes', 'competitions'):
            bind.execute(sa.update(rows).where(rows.c.street_id.is_(None))
                         .values(district_id=first))
    bind.execute(sa.update(users).where(users.c.role == 'trainer', users.c.unit_id.is_(None))
                 .values(unit_id=first))


def _downgrade():
    bind = op.get_bind()
    # District trainers had no unit before; a city and its organisers cannot be kept.
    district_ids = sa.select(units.c.id).where(units.c.level == 'district')
    bind.execute(sa.update(users).where(users.c.role == 'trainer',
                                        users.c.unit_id.in_(district_ids))
                 .values(unit_id=None))
    for table in reversed(CONTENT):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_district_id_units'),
                                     type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_district_id'))
            batch_op.drop_column('district_id')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_units_district_id_units'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_units_district_id'))
        batch_op.drop_column('district_id')
        batch_op.drop_constraint(batch_op.f('ck_units_level_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_units_level_known'), OLD_LEVELS)

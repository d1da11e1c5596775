"""learning: retired lessons keep progress; every lesson has a file name, unique per course

Web-authored lessons had the file name "", so `flask content load` of an exported course
could not match them and replaced them (new ids, learners' progress gone). Existing web
lessons get the name the export used for them ("NN-lesson-ID.md"), so folders exported
before this change load back onto the same lessons. The loader's history rows said
"created from courses/x" in English; they become translatable action codes.

Revision ID: c3b5d7e9f1a2
Revises: a1d3e5f7b9c2
Create Date: 2026-12-05 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import trainer.models


revision = 'c3b5d7e9f1a2'
down_revision = 'a1d3e5f7b9c2'
branch_labels = None
depends_on = None

lessons = sa.table('lessons', sa.column('id', sa.Integer), sa.column('course_id', sa.Integer),
                   sa.column('position', sa.Integer), sa.column('filename', sa.String))
revisions = sa.table('course_revisions', sa.column('id', sa.Integer),
                     sa.column('action', sa.String), sa.column('detail', sa.Text))
LOADED = {'created from ': 'loaded new', 'updated from ': 'reloaded'}


def _name_web_lessons(conn) -> None:
    taken = {(c, f) for c, f in conn.execute(sa.select(lessons.c.course_id, lessons.c.filename))}
    rows = conn.execute(sa.select(lessons.c.id, lessons.c.course_id, lessons.c.position)
                        .where(lessons.c.filename == '')).all()
    for lesson_id, course_id, position in rows:
        name = f'{position:02d}-lesson-{lesson_id}.md'
        if (course_id, name) in taken:
            name = f'web-lesson-{lesson_id}.md'
        taken.add((course_id, name))
        conn.execute(sa.update(lessons).where(lessons.c.id == lesson_id).values(filename=name))


def _translatable_load_history(conn) -> None:
    rows = conn.execute(sa.select(revisions.c.id, revisions.c.detail)
                        .where(revisions.c.action == 'loaded')).all()
    for row_id, detail in rows:
        for prefix, action in LOADED.items():
            if (detail or '').startswith(prefix):
                conn.execute(sa.update(revisions).where(revisions.c.id == row_id)
                             .values(action=action, detail=detail[len(prefix):]))


def upgrade():
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    conn = op.get_bind()
    _name_web_lessons(conn)
    _translatable_load_history(conn)
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_lessons_course_id_filename'),
                                          ['course_id', 'filename'])


def downgrade():
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_lessons_course_id_filename'), type_='unique')
        batch_op.drop_column('retired')

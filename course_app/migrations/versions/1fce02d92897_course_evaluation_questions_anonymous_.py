"""course evaluation: questions, anonymous answers and who answered; lesson search index

Revision ID: 1fce02d92897
Revises: 215529519c17
Create Date: 2026-11-30 23:21:05.453927
"""

import sqlalchemy as sa
from alembic import op

import course_app.db

revision = '1fce02d92897'
down_revision = "215529519c17"
branch_labels = None
depends_on = None


#: SQLite: an FTS5 index over the lessons' title and published Markdown, kept current by
#: triggers (content loads and browser edits both write ``lessons``). PostgreSQL: a GIN index
#: on the same text's tsvector. ``course_app/modules/search.py`` reads either.
SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE lesson_search USING fts5(title, body_markdown, content='lessons', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER lesson_search_insert AFTER INSERT ON lessons BEGIN "
    "INSERT INTO lesson_search(rowid, title, body_markdown) "
    "VALUES (new.id, new.title, new.body_markdown); END",
    "CREATE TRIGGER lesson_search_delete AFTER DELETE ON lessons BEGIN "
    "INSERT INTO lesson_search(lesson_search, rowid, title, body_markdown) "
    "VALUES ('delete', old.id, old.title, old.body_markdown); END",
    "CREATE TRIGGER lesson_search_update AFTER UPDATE OF title, body_markdown ON lessons BEGIN "
    "INSERT INTO lesson_search(lesson_search, rowid, title, body_markdown) "
    "VALUES ('delete', old.id, old.title, old.body_markdown); "
    "INSERT INTO lesson_search(rowid, title, body_markdown) "
    "VALUES (new.id, new.title, new.body_markdown); END",
    "INSERT INTO lesson_search(lesson_search) VALUES ('rebuild')",
)
POSTGRES_SEARCH = (
    "CREATE INDEX ix_lessons_search ON lessons USING gin "
    "(to_tsvector('english', title || ' ' || body_markdown))"
)


def _add_search() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for statement in SQLITE_SEARCH:
            op.execute(statement)
    elif dialect == 'postgresql':
        op.execute(POSTGRES_SEARCH)


def _drop_search() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for trigger in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER IF EXISTS lesson_search_{trigger}')
        op.execute('DROP TABLE IF EXISTS lesson_search')
    elif dialect == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_lessons_search')


def upgrade() -> None:
    _add_search()
    op.create_table('evaluation_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', course_app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_evaluation_submissions_course_id_courses')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_evaluation_submissions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_submissions')),
    sa.UniqueConstraint('course_id', 'user_id', name=op.f('uq_evaluation_submissions_course_id_user_id'))
    )
    with op.batch_alter_table('evaluation_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_submissions_user_id'), ['user_id'], unique=False)

    op.create_table('evaluation_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_evaluation_responses_cohort_id_cohorts')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_evaluation_responses_course_id_courses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_responses'))
    )
    with op.batch_alter_table('evaluation_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_responses_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_responses_course_id'), ['course_id'], unique=False)

    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('evaluation', sa.JSON(), nullable=False, server_default='[]')
        )



def downgrade() -> None:
    _drop_search()
    # SQLite drops a column in place (3.35+): batch mode would recreate ``courses``, which
    # every course's rows reference, and fail with foreign keys on.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE courses DROP COLUMN evaluation')
    else:
        op.drop_column('courses', 'evaluation')

    with op.batch_alter_table('evaluation_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_responses_course_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_responses_cohort_id'))

    op.drop_table('evaluation_responses')
    with op.batch_alter_table('evaluation_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_submissions_user_id'))

    op.drop_table('evaluation_submissions')

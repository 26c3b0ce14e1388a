"""Alembic environment: runs on the connection that course_app.migrate hands over."""

from alembic import context

from course_app.models import metadata

connection = context.config.attributes["connection"]


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Leave out the lesson search index (an FTS5 table and its shadow tables on SQLite, an
    expression index on PostgreSQL): a migration makes it, no model describes it."""
    return not (name or "").startswith(("lesson_search", "ix_lessons_search"))


context.configure(
    include_object=include_object,
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

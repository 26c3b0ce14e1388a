"""Alembic environment: runs on the connection that course_app.migrate hands over."""

from alembic import context

from course_app.migrate import include_object
from course_app.models import metadata

connection = context.config.attributes["connection"]


context.configure(
    include_object=include_object,
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

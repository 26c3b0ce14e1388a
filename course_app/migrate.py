"""Schema migrations through Alembic, on the app's own engine."""

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Leave out the lesson search index (an FTS5 table and its shadow tables on SQLite, an
    expression index on PostgreSQL): a migration makes it, no model describes it."""
    return not (name or "").startswith(("lesson_search", "ix_lessons_search"))


def alembic_config(connection=None) -> Config:
    config = Config()
    config.set_main_option("script_location", "course_app:migrations")
    config.attributes["connection"] = connection
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Apply every migration not yet applied; a no-op on an up-to-date database."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")


def make_revision(engine: Engine, message: str) -> None:
    """Autogenerate a migration from the difference between the models and the database."""
    with engine.begin() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=True)

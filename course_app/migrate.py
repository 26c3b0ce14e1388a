"""Schema migrations through Alembic, on the app's own engine."""

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine


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

"""Alembic migrations, run with ``flask --app course_app init-db``."""

"""The schema: migrations match the models, and the database itself enforces the rules."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from course_app.auth.models import User
from course_app.db import get_engine
from course_app.migrate import include_object
from course_app.models import metadata
from course_app.modules.models import Course, Enrollment, LessonProgress
from tests.helpers import make_user


def test_migrations_produce_exactly_the_models_schema(app):
    with get_engine(app).connect() as connection:
        options = {"compare_type": True, "include_object": include_object}
        context = MigrationContext.configure(connection, opts=options)
        assert compare_metadata(context, metadata) == []


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(app):
    engine = get_engine(app)
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas apply to SQLite only")  # the PostgreSQL run covers the rest
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_a_learner_without_registration_is_refused_by_the_database(db):
    db.add(User(email="x@example.org", password_hash="x", full_name="X", role="learner"))
    with pytest.raises(IntegrityError, match="learner_has_registration"):
        db.commit()


def test_unknown_role_is_refused_by_the_database(db):
    db.add(User(email="x@example.org", password_hash="x", full_name="X", role="superuser"))
    with pytest.raises(IntegrityError, match="role_known"):
        db.commit()


def test_foreign_keys_are_enforced(db):
    user = make_user(db)
    db.add(Enrollment(user_id=user.id, course_id=424242))
    with pytest.raises(IntegrityError):
        db.commit()


def test_one_completion_per_learner_and_lesson(db, content):
    user = make_user(db)
    db.add_all(
        [LessonProgress(user_id=user.id, lesson_id=1), LessonProgress(user_id=user.id, lesson_id=1)]
    )
    with pytest.raises(IntegrityError):
        db.commit()


def test_course_level_is_checked(db):
    db.add(Course(slug="x", title="X", level=3, ce_minutes=60))
    with pytest.raises(IntegrityError, match="level_known"):
        db.commit()


def test_a_savepoint_that_opens_the_transaction_is_undone_with_it(app, db):
    """Work in a SAVEPOINT that is the transaction's first statement belongs to the
    transaction: rolling the transaction back undoes it. (Python's sqlite3 opens a transaction
    only before INSERT/UPDATE/DELETE, so without an explicit BEGIN the SAVEPOINT opened one of
    its own and its RELEASE committed the work, whatever the request did next.)"""
    with db.begin_nested():
        db.add(User(email="inside@example.org", password_hash="x", full_name="X", role="admin"))
    db.rollback()
    with get_engine(app).connect() as connection:
        count = connection.execute(
            text("SELECT count(*) FROM users WHERE email = 'inside@example.org'")
        ).scalar()
    assert count == 0

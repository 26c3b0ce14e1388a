"""Fixtures: a fresh, migrated database per test, on SQLite or (when
COURSE_APP_TEST_DATABASE_URL is set) on PostgreSQL, which must then be reachable."""

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from sqlalchemy import create_engine, exists, literal, make_url, select, text, union_all
from sqlalchemy.engine import URL

from course_app import create_app
from course_app.db import EXTENSION_KEY, get_engine
from course_app.migrate import upgrade_to_head
from course_app.models import metadata
from course_app.modules.content import parse_content
from course_app.modules.sync import sync_content

TEST_CONTENT = Path(__file__).parent / "data" / "content"
PG_URL_VARIABLE = "COURSE_APP_TEST_DATABASE_URL"

#: The browser tests' fixtures (live servers, Chromium), for every test file that needs them.
pytest_plugins = ["tests.browser_support"]


def pytest_configure(config) -> None:
    _reuse_url_builders()


def _reuse_url_builders() -> None:
    """Build each URL rule's builder function once per test process, not once per app.

    Every test builds its own app (its own config, instance folder and database), and
    Werkzeug generates and compiles Python source for two builder functions per URL rule on
    every app: about 60 % of ``create_app``'s time, a third of the suite's. The function is
    determined by the rule's parsed parts and defaults (the rule object is passed in at
    call time), so one compiled for an identical rule of an earlier app is the same function.
    Production builds one app per process and is unaffected. If Werkzeug changes the private
    method this relies on, the suite simply runs at the old speed."""
    from werkzeug.routing.rules import Rule

    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None or getattr(compile_builder, "reused", False):
        return
    builders: dict[tuple, object] = {}

    def reused_builder(rule: Rule, append_unknown: bool = True):
        defaults = sorted((rule.defaults or {}).items(), key=repr)
        key = (rule.rule, repr(rule._trace), repr(defaults), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(rule, append_unknown)
        return builders[key]

    reused_builder.reused = True
    Rule._compile_builder = reused_builder


def pytest_collection_modifyitems(items) -> None:
    """Mark the browser journeys, so a run can leave them out: CI runs them once, on SQLite
    (what they check is the pages, which do not change with the database)."""
    for item in items:
        if item.path.name.startswith("test_browser_"):
            item.add_marker(pytest.mark.browser)


#: Every test starts at this instant and the clock runs on from there, whatever today's date:
#: the last day of a month, so date arithmetic meets month ends in every run. A test that needs
#: another day says so with ``@pytest.mark.clock("2026-11-30T12:00:00+00:00")``.
FIXED_NOW = datetime(2027, 5, 31, 9, 30, tzinfo=UTC)

#: Cheap hashing keeps the suite fast; test_auth checks the production parameters.
FAST_HASH = {"PASSWORD_HASH_MEMORY_KIB": 1024, "PASSWORD_HASH_TIME_COST": 1}


def base_config(database_url: str) -> dict:
    return {
        "TESTING": True,
        "PUBLIC_BASE_URL": "http://localhost",  # the test client's host, whatever the env says
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "CONTENT_DIR": str(TEST_CONTENT),
        "RATELIMIT_ENABLED": False,
        **FAST_HASH,
    }


@pytest.fixture(autouse=True)
def fixed_clock(request) -> Iterator[None]:
    """Start every test on FIXED_NOW, or its ``clock`` mark's instant, ticking from there: no
    test depends on today's date. Fixtures run after it, so they happen on that day too."""
    if request.node.get_closest_marker("real_clock"):
        yield
        return
    mark = request.node.get_closest_marker("clock")
    start = datetime.fromisoformat(mark.args[0]) if mark else FIXED_NOW
    with time_machine.travel(start, tick=True) as traveller:
        _travellers.append(traveller)
        try:
            yield
        finally:
            _travellers.pop()


#: The running test's clock (see :func:`move_clock`).
_travellers: list[time_machine.Coordinates] = []


@pytest.fixture
def still_clock() -> Iterator[None]:
    """Stop the clock where it is: it moves only with :func:`move_clock`, so durations that
    the server measures come out exact."""
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        _travellers.append(traveller)
        try:
            yield
        finally:
            _travellers.pop()


def move_clock(delta: timedelta) -> None:
    """Move the running test's clock forward, for the rest of the test (servers in threads of
    this process see it too). Never backwards: Flask's session cookie and the lesson page's
    token refuse a time from the future, so going back would log the user out. Less than 31
    days at a time, the session cookie's lifetime."""
    assert timedelta(0) <= delta < timedelta(days=31), "move the clock forward, by < 31 days"
    assert _travellers, "this test runs on the real clock"
    _travellers[-1].shift(delta)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> Iterator[str]:
    """A migrated database made once per run: a SQLite file to copy, or a PostgreSQL DB."""
    pg_url = os.environ.get(PG_URL_VARIABLE)
    if pg_url:
        yield from _postgres_database(pg_url)
        return
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    engine.dispose()
    yield str(path)


def _postgres_database(admin_url: str) -> Iterator[str]:
    """Create a throwaway database beside the given one; never skip if unreachable."""
    url = make_url(admin_url)
    name = f"course_app_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
        # A throwaway database: a commit need not wait for its WAL to reach the disk (a crash
        # loses nothing the run needs). Every test commits many times.
        connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit TO off'))
    test_url = url.set(database=name)
    engine = create_engine(test_url)
    upgrade_to_head(engine)
    engine.dispose()
    yield test_url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> str:
    if database_template.startswith("postgresql"):
        _truncate_all(make_url(database_template))
        return database_template
    copy = tmp_path / "test.sqlite"
    shutil.copyfile(database_template, copy)
    return f"sqlite:///{copy}"


def _truncate_all(url: URL) -> None:
    """Empty the tables the last test used and restart their ids. TRUNCATE of every table
    took longer than most tests (about 0.1 s); a test writes to a few of them."""
    engine = create_engine(url)
    with engine.begin() as connection:
        used = _used_tables(connection)
        if used:
            tables = ", ".join(f'"{name}"' for name in sorted(used))
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


def _used_tables(connection) -> set[str]:
    """Tables holding rows, or whose id sequence has handed out a value since its restart (a
    rolled-back insert leaves the table empty but the next id at 2). Any sequence not named
    after a known table's id: every table, to be safe."""
    names = [table.name for table in metadata.sorted_tables]
    holding = union_all(
        *(
            select(literal(table.name)).where(exists(select(literal(1)).select_from(table)))
            for table in metadata.sorted_tables
        )
    )
    used = set(connection.scalars(holding))
    sequences = connection.scalars(
        text(
            "SELECT sequencename FROM pg_sequences"
            " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
        )
    )
    for sequence in sequences:
        table = sequence.removesuffix("_id_seq")
        if table not in names:
            return set(names)
        used.add(table)
    return used


@pytest.fixture
def make_app(database_url: str, tmp_path: Path):
    """Build an app on this test's database, with extra settings."""
    apps: list[Flask] = []

    def build(**overrides) -> Flask:
        instance = tmp_path / "instance"
        app = create_app({**base_config(database_url), **overrides}, instance_path=str(instance))
        apps.append(app)
        return app

    yield build
    for app in apps:
        get_engine(app).dispose()


@pytest.fixture
def app(make_app) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def db(app: Flask):
    """A session on the app's database for arranging and checking data.

    It deliberately pushes no app context: Flask would reuse a pushed context for every
    test-client request, sharing ``g`` (and one DB session) across requests.
    """
    session = app.extensions[EXTENSION_KEY]()
    yield session
    session.close()


@pytest.fixture
def content(app: Flask, db) -> None:
    """Load tests/data/content (courses 'basics' and 'advanced')."""
    courses, problems = parse_content(TEST_CONTENT)
    assert problems == []
    sync_content(db, courses)
    db.commit()


@pytest.fixture
def learner(app, db, content):
    """Ada, enrolled in the test course 'basics', logged in: ``learner.browser``. (Modules
    with their own ``learner`` fixture use theirs.)"""
    from tests.helpers import login, make_user, post

    user = make_user(db, email="learner@example.org", full_name="Ada Learner")
    browser = app.test_client()
    login(browser, user.email)
    post(browser, "/courses/basics/enrol")
    user.browser = browser
    return user


@pytest.fixture
def instructor(app, db, content):
    """Tess, who teaches 'basics', logged in: ``instructor.browser``."""
    from course_app.auth.models import Role
    from course_app.instructor.models import CourseStaff
    from course_app.modules.models import Course
    from tests.helpers import login, make_user

    user = make_user(
        db, email="teacher@example.org", role=Role.INSTRUCTOR, full_name="Tess Teacher"
    )
    course_id = db.scalar(select(Course.id).where(Course.slug == "basics"))
    db.add(CourseStaff(course_id=course_id, user_id=user.id))
    db.commit()
    browser = app.test_client()
    login(browser, user.email)
    user.browser = browser
    return user


@pytest.fixture
def real_app(make_app):
    """The app on the shipped curriculum (``content/``), loaded. (Modules with their own
    ``real_app`` fixture use theirs.)"""
    from course_app.config import REPO_ROOT

    app = make_app(CONTENT_DIR=str(REPO_ROOT / "content"))
    assert app.test_cli_runner().invoke(args=["load-content"]).exit_code == 0
    return app


@pytest.fixture
def teacher(real_app, db):
    """Tess, who teaches Level 1 of the shipped curriculum, logged in (a test client)."""
    from course_app.auth.models import Role
    from course_app.instructor.models import CourseStaff
    from course_app.modules.models import Course
    from tests.helpers import login, make_user

    user = make_user(
        db, email="teacher@example.org", role=Role.INSTRUCTOR, full_name="Tess Teacher"
    )
    course_id = db.scalar(select(Course.id).where(Course.slug == "dry-needling-level-1"))
    db.add(CourseStaff(course_id=course_id, user_id=user.id))
    db.commit()
    browser = real_app.test_client()
    login(browser, user.email)
    return browser

"""The app factory: config layers, the generated secret, no database work at start-up."""

import stat

import pytest
from sqlalchemy import create_engine, inspect

from course_app import create_app


@pytest.fixture(autouse=True)
def public_address(monkeypatch):
    """Outside testing the factory needs the public address (test_host_header checks that)."""
    monkeypatch.setenv("COURSE_APP_PUBLIC_BASE_URL", "https://ce.example.org")


def test_defaults_put_the_secret_and_database_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_APP_SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    app = create_app(instance_path=str(instance))
    key_file = instance / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert app.config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(app.config["SECRET_KEY"]) == 64
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance / 'course_app.sqlite'}"
    again = create_app(instance_path=str(instance))
    assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"]


def test_creating_the_app_touches_no_database(tmp_path):
    database = tmp_path / "instance" / "course_app.sqlite"
    create_app(instance_path=str(tmp_path / "instance"))
    assert not database.exists()


def test_config_layers_env_over_instance_file_and_test_config_over_all(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        'MAIL_SENDER = "file"\nMAIL_PORT = 2525\nFIRST_ADMIN_EMAIL = "file@example.org"\n'
    )
    monkeypatch.setenv("COURSE_APP_MAIL_PORT", "587")
    monkeypatch.setenv("COURSE_APP_FIRST_ADMIN_EMAIL", "env@example.org")
    app = create_app({"FIRST_ADMIN_EMAIL": "test@example.org"}, instance_path=str(instance))
    assert app.config["MAIL_SENDER"] == "file"
    assert app.config["MAIL_PORT"] == 587  # env values are parsed as JSON where possible
    assert app.config["FIRST_ADMIN_EMAIL"] == "test@example.org"
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_secret_key_from_the_environment_is_not_written_to_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_APP_SECRET_KEY", "from-env")
    app = create_app(instance_path=str(tmp_path / "instance"))
    assert app.config["SECRET_KEY"] == "from-env"
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_init_db_creates_the_schema_and_can_run_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x"}, instance_path=str(tmp_path))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert runner.invoke(args=["init-db"]).exit_code == 0
    tables = set(inspect(create_engine(url)).get_table_names())
    assert {"users", "courses", "lessons", "lesson_progress", "alembic_version"} <= tables

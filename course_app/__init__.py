"""course_app: a continuing-education platform for dry needling (Level 1 and Level 2)."""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from course_app.config import DefaultConfig
from course_app.instance_files import load_or_create_secret_key, secure_instance_folder


def create_app(
    test_config: Mapping[str, Any] | None = None, instance_path: str | None = None
) -> Flask:
    """Build the application. No database work happens here.

    :param test_config: settings applied last, over every other layer.
    :param instance_path: the instance folder (default: the repository's ``instance/``).
    """
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    _configure(app, test_config)
    _init_subsystems(app)
    return app


def _configure(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("COURSE_APP")
    if test_config is not None:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, mode=0o700, exist_ok=True)
    secure_instance_folder(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret_key(app.instance_path)
    if not app.config.get("DATABASE_URL"):
        sqlite_file = Path(app.instance_path) / "course_app.sqlite"
        app.config["DATABASE_URL"] = f"sqlite:///{sqlite_file}"


def _init_subsystems(app: Flask) -> None:
    from course_app import (
        admin,
        api,
        auth,
        booking,
        bounded,
        branding,
        certificates,
        cli,
        db,
        errors,
        evaluation,
        health,
        i18n,
        incidents,
        instructor,
        jobs,
        listing,
        lti,
        modules,
        notifications,
        permissions,
        profiles,
        quizzes,
        scheduled,
        security,
        standing_store,
        urls,
        xapi,
    )

    for subsystem in (
        urls,
        branding,
        listing,
        bounded,  # before any blueprint: its int converter is used by their routes
        db,
        jobs,
        security,
        auth,
        i18n,  # after auth: the locale follows the signed-in account
        modules,
        quizzes,
        instructor,
        booking,
        incidents,
        evaluation,
        certificates,
        admin,
        standing_store,
        notifications,
        profiles,
        api,
        lti,
        xapi,
        errors,
        health,
        permissions,
        scheduled,
        cli,
    ):
        subsystem.init_app(app)

"""Schemathesis, from outside, against the API on a real server: no server error and every
response matching the OpenAPI document, for a learner's, an instructor's and an
administrator's token (the administrator's also issues and revokes certificates)."""

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from course_app.auth.models import Role
from course_app.instructor.models import CourseStaff
from course_app.modules.models import Course
from tests.api_support import create_token
from tests.helpers import complete_course, login, make_user, post
from tests.issued import issue_for

#: Enough examples to reach every operation's parameters, within about a minute per token.
MAX_EXAMPLES = "30"
ALL_SCOPES = ["read:self", "read:courses", "read:gradebook", "admin:certificates", "admin:users"]
INSTRUCTOR_SCOPES = ["read:self", "read:courses", "read:gradebook"]


@pytest.fixture
def api_server(app, db, content):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _token_for(app, db, role: str) -> str:
    """A token of each kind, with data behind it: attempts, a standing, certificates."""
    issue_for(app, db, "certified@example.org", "Cert Ified")
    user = make_user(db, email=f"{role}@example.org", role=role)
    browser = app.test_client()
    login(browser, user.email)
    if role == Role.LEARNER:
        post(browser, "/courses/basics/enrol")
        complete_course(browser, db, "basics")  # attempts and a standing with data in it
        return create_token(browser, ["read:self", "read:courses"])
    if role == Role.INSTRUCTOR:  # teaches basics, whose learners have data
        basics = db.scalar(select(Course.id).where(Course.slug == "basics"))
        db.add(CourseStaff(course_id=basics, user_id=user.id))
        db.commit()
        learner = make_user(db, email="done@example.org")
        learner_browser = app.test_client()
        login(learner_browser, learner.email)
        complete_course(learner_browser, db, "basics")
        return create_token(browser, INSTRUCTOR_SCOPES)
    return create_token(browser, ALL_SCOPES)


def _schemathesis() -> list[str]:
    found = shutil.which("st", path=str(Path(sys.executable).parent))
    assert found, "schemathesis is a dev dependency (pip install -e .[dev])"
    return [found]


@pytest.mark.parametrize("role", [Role.LEARNER, Role.INSTRUCTOR, Role.ADMIN])
def test_schemathesis_finds_nothing(app, db, api_server, tmp_path, role):
    token = _token_for(app, db, role)
    result = subprocess.run(
        [
            *_schemathesis(),
            "run",
            f"{api_server}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "all",
            "--max-examples",
            MAX_EXAMPLES,
            "--seed",
            "19",
            "--workers",
            "1",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "No issues found" in result.stdout or "passed" in result.stdout

"""The statements against a real Learning Record Store: Ralph (``ralph-malph``, in its own
venv: ``make test`` builds ``.venv-ralph``; COURSE_APP_RALPH_VENV points elsewhere), started
by the test on a free port with HTTP basic credentials made by ``ralph auth``.

Statements leave through the job queue's ``send-xapi`` task and are read back from Ralph's
``GET /xAPI/statements``; then Ralph is stopped, learners go on (their requests succeed, the
statements wait, a send backs off), Ralph is started again on the same store, and the backlog
arrives once: no statement lost, none twice, even when a batch is sent again."""

import os
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import select, update

from course_app.config import REPO_ROOT
from course_app.scheduled import PERIODIC_KEY
from course_app.xapi.models import XapiStatement
from tests.conftest import move_clock
from tests.helpers import login, make_user, post, read_and_complete, take_quiz
from tests.test_mail import free_port
from tests.xapi_rules import problems

USER, PASSWORD = "course-app", "a-test-only-secret"


def ralph_venv() -> Path:
    venv = Path(os.environ.get("COURSE_APP_RALPH_VENV") or REPO_ROOT / ".venv-ralph")
    if not (venv / "bin" / "ralph").exists():
        message = f"Ralph is not installed in {venv} (make test installs it: .venv-ralph)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    return venv


class Ralph:
    """Ralph's LRS API on its file-system backend (tests/ralph_server.py says how and why
    it is not started with `ralph runserver`)."""

    def __init__(self, venv: Path, folder: Path):
        self.venv, self.folder, self.port = venv, folder, free_port()
        self.url = f"http://127.0.0.1:{self.port}/xAPI"
        self.process: subprocess.Popen | None = None
        self.env = {
            **os.environ,
            "RALPH_APP_DIR": str(folder),
            "RALPH_AUTH_FILE": str(folder / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "store"),
        }
        (folder / "store").mkdir(parents=True)
        subprocess.run(
            [
                venv / "bin" / "ralph",
                "auth",
                "-u",
                USER,
                "-p",
                PASSWORD,
                "-s",
                "all",
                "-M",
                "mailto:lrs-client@example.org",
                "-w",
            ],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        self.log = open(self.folder / "ralph.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                self.venv / "bin" / "python",
                Path(__file__).with_name("ralph_server.py"),
                str(self.port),
            ],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url[:-5] + "/__heartbeat__", timeout=1).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise AssertionError((self.folder / "ralph.log").read_text())

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None
            self.log.close()

    def statements(self) -> list[dict]:
        """Every statement Ralph stored, following its ``more`` links."""
        found, url = [], f"{self.url}/statements?limit=100"
        while url:
            reply = requests.get(
                url,
                auth=(USER, PASSWORD),
                timeout=10,
                headers={"X-Experience-API-Version": "1.0.3"},
            )
            assert reply.status_code == 200, reply.text
            page = reply.json()
            found += page["statements"]
            more = page.get("more")
            url = f"http://127.0.0.1:{self.port}{more}" if more and page["statements"] else None
        return found


@pytest.fixture
def ralph(tmp_path):
    server = Ralph(ralph_venv(), tmp_path / "ralph")
    server.start()
    yield server
    server.stop()


def send(app) -> None:
    """The consumer's periodic task (run at once: the tests' queue is immediate)."""
    app.extensions[PERIODIC_KEY]["send-xapi"]()


def outbox(db) -> list[XapiStatement]:
    db.expire_all()
    return list(db.scalars(select(XapiStatement).order_by(XapiStatement.seq)))


def learner_does_things(app, db, email: str, lesson: str) -> None:
    user = make_user(db, email=email)
    browser = app.test_client()
    login(browser, user.email)
    assert post(browser, "/courses/basics/enrol").status_code == 302
    assert read_and_complete(browser, "basics", lesson, 10).status_code == 302
    take_quiz(browser, db, "basics", "first", right=email.startswith("right"))


def test_statements_reach_ralph_and_a_backlog_catches_up_once(make_app, db, content, ralph):
    app = make_app(XAPI_LRS_URL=ralph.url, XAPI_LRS_USERNAME=USER, XAPI_LRS_PASSWORD=PASSWORD)
    learner_does_things(app, db, "right@example.org", "one")
    assert all(row.sent_at is None for row in outbox(db))  # nothing left in the requests
    send(app)
    first = outbox(db)
    assert first and all(row.sent_at is not None for row in first)
    stored = ralph.statements()
    assert sorted(s["id"] for s in stored) == sorted(row.id for row in first)
    for statement in stored:  # as Ralph keeps them: our statement plus stored and authority
        mine = {k: v for k, v in statement.items() if k not in ("stored", "authority")}
        assert problems(mine) == [], problems(mine)
    verbs = {s["verb"]["id"].rsplit("/", 1)[1] for s in stored}
    assert verbs == {"launched", "completed", "attempted", "answered", "passed"}

    ralph.stop()
    learner_does_things(app, db, "wrong@example.org", "one")  # every request succeeded
    send(app)
    backlog = [row for row in outbox(db) if row.sent_at is None]
    assert backlog and all(
        row.tries == 1 and "ConnectionError" in row.last_error for row in backlog
    )
    send(app)  # backing off: not tried again yet
    assert all(row.tries == 1 for row in outbox(db) if row.sent_at is None)

    ralph.start()
    move_clock(timedelta(minutes=2))  # past the first back-off (1 minute)
    send(app)
    everything = outbox(db)
    assert all(row.sent_at is not None for row in everything)
    stored = ralph.statements()
    assert len(stored) == len({s["id"] for s in stored}) == len(everything)
    assert {s["id"] for s in stored} == {row.id for row in everything}

    # The reply of a batch lost: the batch goes again, and Ralph still holds each once.
    db.execute(update(XapiStatement).values(sent_at=None))
    db.commit()
    send(app)
    again = ralph.statements()
    assert len(again) == len(everything) and all(row.sent_at for row in outbox(db))


def test_wrong_credentials_keep_statements_pending_with_the_reason(make_app, db, content, ralph):
    app = make_app(XAPI_LRS_URL=ralph.url, XAPI_LRS_USERNAME=USER, XAPI_LRS_PASSWORD="wrong")
    user = make_user(db, email="ada@example.org")
    browser = app.test_client()
    login(browser, user.email)
    post(browser, "/courses/basics/enrol")
    send(app)
    [row] = outbox(db)
    assert row.sent_at is None and row.last_error.startswith("HTTP 401")
    assert ralph.statements() == []


def test_a_statement_the_lrs_refuses_does_not_hold_back_the_others(make_app, db, content, ralph):
    app = make_app(XAPI_LRS_URL=ralph.url, XAPI_LRS_USERNAME=USER, XAPI_LRS_PASSWORD=PASSWORD)
    user = make_user(db, email="ada@example.org")
    browser = app.test_client()
    login(browser, user.email)
    post(browser, "/courses/basics/enrol")
    read_and_complete(browser, "basics", "one", 10)
    launched, completed = outbox(db)
    # As if a bug had written it: a statement with no object.
    spoiled = {key: value for key, value in launched.body.items() if key != "object"}
    db.execute(update(XapiStatement).where(XapiStatement.seq == launched.seq).values(body=spoiled))
    db.commit()
    send(app)
    launched, completed = outbox(db)
    assert completed.sent_at is not None
    assert launched.sent_at is None and launched.tries == 1
    assert launched.last_error.startswith("HTTP 4")
    assert [s["id"] for s in ralph.statements()] == [completed.id]

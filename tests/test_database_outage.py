"""A PostgreSQL restart costs no user request, and while the database is unreachable pages
answer 503 with Retry-After (autosave: JSON), then recover without restarting the app.

The test starts its own PostgreSQL cluster (initdb + pg_ctl on a spare port, as the postgres
user, in a temporary folder) and stops and starts it: never the shared server."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from course_app.db import get_engine
from course_app.migrate import upgrade_to_head
from tests.conftest import base_config
from tests.helpers import csrf_token, login, make_user
from tests.test_scale_out import free_port

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)
pytestmark = pytest.mark.real_clock  # the cluster runs on the real clock


def _as_postgres(*command: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", *command], capture_output=True, text=True, **kwargs
    )


class Cluster:
    """A throwaway PostgreSQL cluster the test owns."""

    def __init__(self, folder: Path):
        self.data, self.port = folder / "data", free_port()
        folder.mkdir(parents=True, exist_ok=True)
        shutil.chown(folder, "postgres", "postgres")
        os.chmod(folder, 0o700)
        done = _as_postgres(
            str(PG_BIN / "initdb"), "-A", "trust", "-U", "postgres", "-D", str(self.data)
        )
        assert done.returncode == 0, done.stderr

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        done = _as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-t", "60", *args
        )
        assert done.returncode == 0, done.stderr + done.stdout

    def start(self) -> None:
        self._ctl("-l", str(self.data / "log"), "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def cluster(tmp_path):
    if PG_BIN is None or shutil.which("runuser") is None:
        message = "PostgreSQL server binaries or runuser missing"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    # Not under pytest's tmp_path: the postgres user cannot enter root's 0700 folders.
    owned = Cluster(Path(tempfile.mkdtemp(prefix="course-app-pg-")))
    owned.start()
    engine = create_engine(owned.url)
    upgrade_to_head(engine)
    engine.dispose()
    yield owned
    _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(owned.data), "-m", "immediate", "stop")
    shutil.rmtree(owned.data.parent, ignore_errors=True)


@pytest.fixture
def app_on(cluster, tmp_path):
    from course_app import create_app

    app = create_app(base_config(cluster.url), instance_path=str(tmp_path / "instance"))
    session = app.extensions["course_app.db"]()
    make_user(session, email="ada@example.org")
    session.close()
    yield app
    get_engine(app).dispose()


def test_a_database_restart_costs_no_request_and_an_outage_answers_503(cluster, app_on):
    browser = app_on.test_client()
    login(browser, "ada@example.org")
    assert browser.get("/dashboard").status_code == 200  # the pool now holds a connection
    token = csrf_token(browser)

    cluster.stop()
    down = browser.get("/dashboard")
    assert down.status_code == 503 and int(down.headers["Retry-After"]) > 0
    assert "briefly unavailable" in down.get_data(as_text=True)
    autosave = browser.post(
        "/attempts/1/save",
        data={"q1": "1", "csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert autosave.status_code == 503 and autosave.json["saved"] is False
    assert "Retry-After" in autosave.headers

    cluster.start()
    # The first request after the restart finds the pool's stale connection: it must not fail.
    assert browser.get("/dashboard").status_code == 200
    with get_engine(app_on).connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1


def test_a_restart_while_idle_costs_no_request_on_any_pooled_connection(cluster, app_on):
    clients = [app_on.test_client() for _ in range(3)]
    for client in clients:
        login(client, "ada@example.org")
    for client in clients:
        assert client.get("/dashboard").status_code == 200
    cluster.stop()
    cluster.start()
    assert [client.get("/dashboard").status_code for client in clients] == [200, 200, 200]

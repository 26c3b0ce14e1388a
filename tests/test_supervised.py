"""A dead instance comes back: two instances run as deploy/course-app@.service runs them, under
a real supervisor the test starts (supervisord, with a configuration generated from the unit:
the same command, restart always, the whole process group stopped). SIGKILL of one instance's
gunicorn master is followed within seconds by a new master serving /health, while the other
instance never stops answering.

systemd itself cannot run here (no user session in the test container); supervisord is the
closest equivalent a test can own. One difference: after a crash, systemd also stops the dead
master's orphaned workers (KillMode=control-group); supervisord does not, so here they leave
by themselves once they notice their master is gone, and the test waits for that too.
"""

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.test_scale_out import free_port

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
UNIT = REPO / "deploy" / "course-app@.service"
pytestmark = pytest.mark.real_clock  # the servers run in other processes


def unit_command(port: int) -> list[str]:
    """The unit's ExecStart for instance ``port``, with this checkout and venv as /srv."""
    line = next(x for x in UNIT.read_text().splitlines() if x.startswith("ExecStart="))
    command = line.removeprefix("ExecStart=").replace("%i", str(port))
    command = command.replace("/srv/course_app/.venv/bin/", f"{BIN}/")
    return shlex.split(command.replace("/srv/course_app/", f"{REPO}/"))


def unit_settings() -> dict[str, str]:
    pairs = (x.split("=", 1) for x in UNIT.read_text().splitlines() if "=" in x)
    return {key: value for key, value in pairs if not key.startswith("#")}


SUPERVISORD_CONF = """
[supervisord]
nodaemon=true
logfile={root}/supervisord.log
pidfile={root}/supervisord.pid
childlogdir={root}

[unix_http_server]
file={root}/supervisor.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{root}/supervisor.sock
"""

PROGRAM = """
[program:course-app-{port}]
command={command}
directory={repo}
autorestart=true
startsecs=1
startretries=1000
stopasgroup=true
killasgroup=true
stopwaitsecs={stop_seconds}
redirect_stderr=true
stdout_logfile={root}/course-app-{port}.log
"""


class Supervisor:
    def __init__(self, root: Path, ports: list[int], env: dict[str, str]):
        self.root, self.ports = root, ports
        settings = unit_settings()
        assert settings["Restart"] == "always" and settings["KillMode"] == "control-group"
        conf = SUPERVISORD_CONF.format(root=root)
        for port in ports:
            conf += PROGRAM.format(
                port=port,
                command=shlex.join(unit_command(port)),
                repo=REPO,
                root=root,
                stop_seconds=settings["TimeoutStopSec"],
            )
        self.conf = root / "supervisord.conf"
        self.conf.write_text(conf)
        self.process = subprocess.Popen(
            [str(BIN / "supervisord"), "-c", str(self.conf)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def master_pid(self, port: int) -> int:
        done = subprocess.run(
            [str(BIN / "supervisorctl"), "-c", str(self.conf), "pid", f"course-app-{port}"],
            capture_output=True,
            text=True,
            check=False,
        )
        return int(done.stdout.strip()) if done.stdout.strip().isdigit() else 0

    def log(self, port: int) -> str:
        path = self.root / f"course-app-{port}.log"
        return path.read_text()[-3000:] if path.exists() else "(no log)"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def health(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
            return response.status
    except OSError:
        return 0


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(what)


@pytest.fixture
def supervised(database_url, tmp_path):
    if not shutil.which("supervisord", path=str(BIN)):
        pytest.skip("supervisord missing (pip install supervisor, in the dev extra)")
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "COURSE_APP_DATABASE_URL": database_url,
        "COURSE_APP_SECRET_KEY": "shared-secret-for-the-supervised-test",
        "COURSE_APP_PUBLIC_BASE_URL": "http://127.0.0.1",  # required outside debug
    }
    ports = [free_port(), free_port()]
    supervisor = Supervisor(tmp_path, ports, env)
    try:
        for port in ports:
            wait_for(lambda p=port: health(p) == 200, 60, supervisor.log(port))
        yield supervisor
    finally:
        supervisor.stop()


def test_a_killed_master_is_restarted_and_serves_again_within_seconds(supervised):
    a, b = supervised.ports
    old_master = supervised.master_pid(a)
    old_workers = children(old_master)
    assert old_master and old_workers, supervised.log(a)

    os.kill(old_master, signal.SIGKILL)
    try:
        new_master = wait_for(
            lambda: (pid := supervised.master_pid(a)) not in (0, old_master) and pid,
            15,
            f"no new master\n{supervised.log(a)}",
        )
        # The new master binds beside the orphaned workers (SO_REUSEPORT) and has its own.
        wait_for(lambda: children(new_master), 15, f"no workers\n{supervised.log(a)}")
        wait_for(lambda: health(a) == 200, 15, f"not serving\n{supervised.log(a)}")
        assert health(b) == 200
        assert "Connection in use" not in supervised.log(a)
        # Orphans notice their parent is gone and leave; the new master keeps serving.
        wait_for(lambda: not any(Path(f"/proc/{p}").exists() for p in old_workers), 60, "orphans")
        assert supervised.master_pid(a) == new_master
        assert health(a) == 200
    finally:
        for pid in old_workers:  # never leave an orphan behind, whatever failed
            if Path(f"/proc/{pid}").exists():
                os.kill(pid, signal.SIGKILL)

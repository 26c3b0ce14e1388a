"""Benchmark the app against a bare Flask hello-world, measured the same way in the same run.

    .venv/bin/python benchmarks/run.py [--learners 1000] [--seconds 10] [--connections 16]

Needs `wrk` (Debian) and the scale extra (gunicorn). Builds a fresh database (SQLite, or
PostgreSQL when COURSE_APP_BENCH_DATABASE_URL is set), loads the curriculum, seeds demo
learners, starts gunicorn (2 sync workers, then 2 workers × 4 threads) and the hello-world
the same way, drives each endpoint with wrk, and writes benchmarks/results/latest.{md,json}.
"""

import argparse
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results"
ADMIN = "bench-admin@example.org"
CONFIGS = {
    "2 sync workers": ["--workers", "2"],
    "2 workers × 4 threads": ["--workers", "2", "--threads", "4"],
}


def main() -> None:
    args = _arguments()
    workdir = Path(tempfile.mkdtemp(prefix="course-app-bench-"))
    env = _environment(workdir)
    fixtures = _prepare(env, args.learners)
    rows = []
    for label, options in CONFIGS.items():
        hello = _serve("benchmarks.hello:app", options, env)
        baseline = _load(hello, "/", None, args)
        _stop(hello)
        app = _serve(f"course_app:create_app(instance_path='{workdir / 'instance'}')", options, env)
        cookies = _log_in(app.url, fixtures)
        measured = []
        for name, path, who, body in _endpoints(fixtures):
            result = _load(app, path, cookies[who], args, body)
            ratio = round(result["rps"] / baseline["rps"], 3)
            measured.append(
                {
                    "config": label,
                    "endpoint": name,
                    **result,
                    "ratio_to_hello": ratio,
                    "hello_rps": baseline["rps"],
                    "cold_start_ms": app.cold_start_ms,
                }
            )
        peak = _peak_rss(app)
        rows += [{**row, "peak_worker_rss_mib": peak} for row in measured]
        _stop(app)
    _write(rows, args)


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    return parser.parse_args()


def _environment(workdir: Path) -> dict[str, str]:
    database = (
        os.environ.get("COURSE_APP_BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite'}"
    )
    return {
        **os.environ,
        "COURSE_APP_DATABASE_URL": database,
        "COURSE_APP_SECRET_KEY": "benchmark-secret",
        "COURSE_APP_RATELIMIT_ENABLED": "false",
        "COURSE_APP_PUBLIC_BASE_URL": "http://127.0.0.1",
        "PYTHONPATH": str(ROOT),
    }


def _flask(env, *args: str) -> str:
    command = [str(BIN / "flask"), "--app", "course_app", *args]
    return subprocess.run(
        command, env=env, check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout


def _prepare(env, learners: int) -> dict:
    _flask(env, "init-db")
    _flask(env, "load-content")
    _flask(env, "seed-demo", "--learners", str(learners))
    password = re.search(r"password: (\S+)", _flask(env, "create-admin", "--email", ADMIN)).group(1)
    script = ROOT / "benchmarks" / "fixtures.py"
    out = subprocess.run(
        [sys.executable, str(script)], env=env, check=True, capture_output=True, text=True, cwd=ROOT
    )
    return {**json.loads(out.stdout), "admin_password": password}


class Server:
    def __init__(self, process, url, cold_start_ms):
        self.process, self.url, self.cold_start_ms = process, url, cold_start_ms


def _serve(target: str, options: list[str], env) -> Server:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--no-control-socket",
            *options,
            "--bind",
            f"127.0.0.1:{port}",
            target,
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=1)
            break
        except OSError:
            if time.monotonic() - started > 30:
                raise RuntimeError(f"{target} did not start") from None
            time.sleep(0.05)
    return Server(process, url, round((time.monotonic() - started) * 1000))


def _stop(server: Server) -> None:
    server.process.terminate()
    server.process.wait(timeout=10)


def _log_in(url: str, fixtures: dict) -> dict[str, str]:
    cookies = {"anonymous": ""}
    for who, email, password in (
        ("admin", ADMIN, fixtures["admin_password"]),
        ("learner", fixtures["learner_email"], fixtures["learner_password"]),
    ):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(url + "/auth/login").read().decode()
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {"email": email, "password": password, "csrf_token": token}
        ).encode()
        opener.open(urllib.request.Request(url + "/auth/login", data=body))
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        check = urllib.request.Request(url + "/dashboard", headers={"Cookie": cookie})
        assert "My learning" in urllib.request.urlopen(check).read().decode(), (
            f"{who} not logged in"
        )
        cookies[who] = cookie
    return cookies


def _endpoints(fixtures: dict):
    course = "/courses/dry-needling-level-1"
    attempt = fixtures["attempt_id"]
    return [
        ("lesson page", f"{course}/lessons/defining-dry-needling", "learner", None),
        ("dashboard", "/dashboard", "learner", None),
        ("quiz attempt page", f"/attempts/{attempt}", "learner", None),
        ("answer autosave", f"/attempts/{attempt}/save", "learner", "autosave"),
        ("gradebook", "/instructor/courses/dry-needling-level-1/gradebook", "admin", None),
        (
            "item analysis",
            "/instructor/courses/dry-needling-level-1/quizzes/what-dry-needling-is/analysis",
            "admin",
            None,
        ),
        ("certificate PDF", f"/certificates/{fixtures['certificate']}.pdf", "admin", None),
        ("public verification", f"/verify/{fixtures['certificate']}", "anonymous", None),
    ]


def _cpu_seconds(pid: int) -> float:
    total = 0.0
    for task in [pid, *_children(pid)]:
        fields = Path(f"/proc/{task}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _peak_rss(server: Server) -> float:
    peaks = []
    for worker in _children(server.process.pid):
        status = Path(f"/proc/{worker}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
    return round(max(peaks), 1) if peaks else 0.0


def _load(server: Server, path: str, cookie: str | None, args, body: str | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency"]
    env = dict(os.environ)
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if body:
        command += ["-s", str(ROOT / "benchmarks" / "autosave.lua")]
        env["BENCH_BODY"] = _autosave_body(server.url + path.rsplit("/", 1)[0], cookie)
    before = _cpu_seconds(server.process.pid)
    output = subprocess.run(
        [*command, server.url + path], capture_output=True, text=True, check=True, env=env
    ).stdout
    cpu = _cpu_seconds(server.process.pid) - before
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99_ms": _ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "cpu_ms_per_request": round(1000 * cpu / max(requests, 1), 2),
        "requests": requests,
        "errors": int(errors.group(1)) if errors else 0,
    }


def _autosave_body(attempt_url: str, cookie: str) -> str:
    page = (
        urllib.request.urlopen(urllib.request.Request(attempt_url, headers={"Cookie": cookie}))
        .read()
        .decode()
    )
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    return urllib.parse.urlencode({"q1": "a", "csrf_token": token})


def _ms(text: str) -> float:
    value, unit = float(re.match(r"[\d.]+", text).group(0)), re.sub(r"[\d.]", "", text)
    return round(value * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit], 2)


def _write(rows: list[dict], args) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(
        json.dumps({"learners": args.learners, "rows": rows}, indent=2)
    )
    lines = [
        f"Learners seeded: {args.learners}; {args.connections} connections, "
        f"{args.seconds} s per endpoint.",
        "",
        "| config | endpoint | req/s | ratio to hello | p50 ms | p99 ms | CPU ms/req | errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['config']} | {r['endpoint']} | {r['rps']:.0f} | {r['ratio_to_hello']:.3f} | "
            f"{r['p50_ms']} | {r['p99_ms']} | {r['cpu_ms_per_request']} | {r['errors']} |"
        )
    configs = {r["config"]: r for r in rows}
    lines.append("")
    for label, r in configs.items():
        lines.append(
            f"- {label}: hello-world {r['hello_rps']:.0f} req/s; app cold start "
            f"{r['cold_start_ms']} ms; peak worker memory {r['peak_worker_rss_mib']} MiB"
        )
    (RESULTS / "latest.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

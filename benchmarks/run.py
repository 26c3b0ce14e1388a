"""Benchmark the app against a bare Flask hello-world, measured the same way in the same run.

    .venv/bin/python benchmarks/run.py [--learners 1000] [--seconds 10] [--connections 16]
                                       [--bulk 1000] [--floor]

Needs `wrk` (Debian) and the scale extra (gunicorn). Builds a fresh database (SQLite, or
PostgreSQL when COURSE_APP_BENCH_DATABASE_URL is set), loads the curriculum, seeds demo
learners, starts gunicorn (2 sync workers, then 2 workers × 4 threads) and the hello-world
the same way, drives each endpoint with wrk, times a bulk issue of certificates, and writes
benchmarks/results/latest.{md,json}.
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


#: What ``--floor`` measures: the pages whose target is a ratio to the hello-world (with the
#: login page, the no-database floor, for reference), on 2 sync workers only, and no bulk issue.
FLOOR = {"login page (no database)", "lesson page", "answer autosave"}
FLOOR_CONFIG = "2 sync workers"

#: Endpoints whose target is a latency (one request at a time), measured alone as well.
ALONE = {"gradebook", "item analysis"}
WRK_THREADS = 2
#: Sent by every client of the run. Flask-Login ties a session to the client's address and
#: User-Agent: a cookie made under another User-Agent would make each response rewrite the
#: session (marking it not fresh), which a real browser, keeping the new cookie, pays once.
USER_AGENT = "course-app-bench"


def main() -> None:
    args = _arguments()
    if args.staff:  # staff pages at scale on PostgreSQL: benchmarks/staff.py
        import staff

        return staff.main(args)
    workdir = Path(tempfile.mkdtemp(prefix="course-app-bench-"))
    env = _environment(workdir)
    fixtures = _prepare(env, args)
    target = f"course_app:create_app(instance_path='{workdir / 'instance'}')"
    configs = {FLOOR_CONFIG: CONFIGS[FLOOR_CONFIG]} if args.floor else CONFIGS
    endpoints = [e for e in _endpoints(fixtures) if not args.floor or e[0] in FLOOR]
    rows, baselines = [], {}
    for label, options in configs.items():
        hello = _serve("benchmarks.hello:app", options, env)
        baselines[label] = _load(hello, "/", None, args)["rps"]
        _stop(hello)
        app = _serve(target, options, env)
        cookies = _log_in(app.url, fixtures)
        measured = [
            _measure(app, name, path, cookies[who], args, body)
            for name, path, who, body in endpoints
        ]
        rows += _finish(app, label, measured, baselines[label])
    # Measured last: the pool of open attempts brings thousands of enrolled learners, and the
    # gradebook above must see only the seeded ones.
    pools = _submit_pools(env, args, workdir, len(configs))
    for (label, options), pool in zip(configs.items(), pools, strict=True):
        app = _serve(target, options, env)
        result = _load(app, "/", None, args, "submit", pool)
        result.update(endpoint="quiz submit", **_submitted(env, pool, result["requests"]))
        rows += _finish(app, label, [result], baselines[label])
    bulk = _bulk_issue(env, args.bulk) if args.bulk and not args.floor else None
    _write(rows, args, bulk, fixtures, configs)


def _measure(app, name: str, path: str, cookie: str, args, body) -> dict:
    result = {"endpoint": name, **_load(app, path, cookie, args, body)}
    if name in ALONE:
        result["p50_ms_alone"] = _load(app, path, cookie, args, connections=1)["p50_ms"]
    return result


def _finish(app, label: str, measured: list[dict], hello_rps: float) -> list[dict]:
    """Stop the app and label its rows with the configuration, ratio and memory."""
    memory = _worker_memory(app)
    _stop(app)
    return [
        {
            "config": label,
            **row,
            "ratio_to_hello": round(row["rps"] / hello_rps, 3),
            "hello_rps": hello_rps,
            "cold_start_ms": app.cold_start_ms,
            **memory,
        }
        for row in measured
    ]


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--bulk", type=int, default=1000, help="certificates to bulk-issue")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="only the throughput ratios: login, lesson, autosave, submit on 2 sync workers",
    )
    staff = parser.add_argument_group("--staff: staff pages at --learners (benchmarks/staff.py)")
    staff.add_argument("--staff", action="store_true")
    staff.add_argument("--certificates", type=int, default=0, help="valid ones, 50 KB PDF each")
    staff.add_argument("--requests", type=int, default=15, help="per page, one at a time")
    staff.add_argument("--app-root", help="serve this checkout instead (before/after)")
    return parser.parse_args()


def _environment(workdir: Path) -> dict[str, str]:
    database = os.environ.get("COURSE_APP_BENCH_DATABASE_URL")
    if database:
        _recreate(database)
    else:
        database = f"sqlite:///{workdir / 'bench.sqlite'}"
    return {
        **os.environ,
        "COURSE_APP_DATABASE_URL": database,
        "COURSE_APP_SECRET_KEY": "benchmark-secret",
        "COURSE_APP_RATELIMIT_ENABLED": "false",
        "COURSE_APP_PUBLIC_BASE_URL": "http://127.0.0.1",
        "PYTHONPATH": str(ROOT),
        "BENCH_USER_AGENT": USER_AGENT,
    }


def _recreate(url: str) -> None:
    """Drop and create the PostgreSQL database the URL names: every run starts empty."""
    from sqlalchemy import create_engine, make_url, text

    target = make_url(url)
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def _flask(env, *args: str) -> str:
    command = [str(BIN / "flask"), "--app", "course_app", *args]
    return subprocess.run(
        command, env=env, check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout


def _prepare(env, args) -> dict:
    _flask(env, "init-db")
    _flask(env, "load-content")
    started = time.monotonic()
    _flask(env, "seed-demo", "--learners", str(args.learners))
    seed_seconds = round(time.monotonic() - started, 1)
    password = re.search(r"password: (\S+)", _flask(env, "create-admin", "--email", ADMIN)).group(1)
    fixtures = _script(env, "fixtures.py")
    return {**fixtures, "admin_password": password, "seed_seconds": seed_seconds}


def _submit_pools(env, args, workdir: Path, configs: int) -> list[Path]:
    """One open attempt per submit request, for each configuration: more than a run at this
    machine's pace can use (run.py reports it when a run used them all)."""
    size = SUBMITS_PER_SECOND * args.seconds
    combined = workdir / "submit-pool.all"
    _script(env, "fixtures.py", "--submit-pool", str(size * configs), "--pool-file", str(combined))
    lines = combined.read_text().splitlines(keepends=True)
    pools = []
    for number in range(configs):
        pool = workdir / f"submit-pool-{number}.tsv"
        pool.write_text("".join(lines[number * size : (number + 1) * size]))
        pools.append(pool)
    return pools


#: Pool size per second of load: above the submit rate seen on a 2-core machine (~1,200/s).
SUBMITS_PER_SECOND = 1500


def _script(env, name: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / name), *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if out.returncode:
        raise SystemExit(f"benchmarks/{name} failed:\n{out.stderr}")
    return json.loads(out.stdout)


def _submitted(env, pool: Path, requests: int) -> dict:
    """How many of the pool's attempts the database holds as graded: each request that got a
    redirect must have graded one (a refused form redirects too, so status alone proves
    nothing)."""
    from sqlalchemy import create_engine, text

    ids = [
        int(re.search(r"/attempts/(\d+)/", line).group(1)) for line in pool.read_text().splitlines()
    ]
    engine = create_engine(env["COURSE_APP_DATABASE_URL"])
    with engine.connect() as connection:
        graded = connection.execute(
            text(
                "SELECT count(*) FROM attempts"
                " WHERE status <> 'in-progress' AND id BETWEEN :a AND :b"
            ),
            {"a": min(ids), "b": max(ids)},
        ).scalar_one()
    engine.dispose()
    return {"graded": graded, "pool": len(ids), "pool_exhausted": requests > len(ids)}


def _bulk_issue(env, count: int) -> dict:
    return _script(env, "bulk_issue.py", "--count", str(count))


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
    server.process.terminate()  # graceful: requests still queued from wrk are finished first
    try:
        server.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def _log_in(url: str, fixtures: dict) -> dict[str, str]:
    cookies = {"anonymous": ""}
    for who, email, password in (
        ("admin", ADMIN, fixtures["admin_password"]),
        ("learner", fixtures["learner_email"], fixtures["learner_password"]),
    ):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.addheaders = [("User-Agent", USER_AGENT)]
        page = opener.open(url + "/auth/login").read().decode()
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {"email": email, "password": password, "csrf_token": token}
        ).encode()
        opener.open(urllib.request.Request(url + "/auth/login", data=body))
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        check = urllib.request.Request(url + "/dashboard", headers=_headers(cookie))
        response = urllib.request.urlopen(check)
        assert "My learning" in response.read().decode(), f"{who} not logged in"
        assert response.headers["Set-Cookie"] is None, "each response would rewrite the session"
        cookies[who] = cookie
    return cookies


def _endpoints(fixtures: dict):
    course = "/courses/dry-needling-level-1"
    attempt = fixtures["attempt_id"]
    return [
        # The floor: a page that renders the base template and touches no database.
        ("login page (no database)", "/auth/login", "anonymous", None),
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


def _worker_memory(server: Server) -> dict:
    """The largest worker's resident memory now (after the load) and at its peak, in MiB."""
    now, peak = [0.0], [0.0]
    for worker in _children(server.process.pid):
        status = Path(f"/proc/{worker}/status").read_text()
        now.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        peak.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
    return {"worker_rss_mib": round(max(now), 1), "peak_worker_rss_mib": round(max(peak), 1)}


def _load(
    server: Server, path: str, cookie: str | None, args, body=None, pool=None, connections=None
) -> dict:
    connections = connections or args.connections
    threads = min(WRK_THREADS, connections)
    seconds = args.seconds if connections > 1 else max(2, args.seconds // 3)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["-H", f"User-Agent: {USER_AGENT}"]
    env = dict(os.environ, BENCH_USER_AGENT=USER_AGENT)
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if body == "autosave":
        command += ["-s", str(ROOT / "benchmarks" / "autosave.lua")]
        env["BENCH_BODY"] = _autosave_body(server.url + path.rsplit("/", 1)[0], cookie)
    if body == "submit":
        command += ["-s", str(ROOT / "benchmarks" / "submit.lua")]
        env.update(BENCH_POOL=str(pool), BENCH_THREADS=str(threads))
    before = _cpu_seconds(server.process.pid)
    output = subprocess.run(
        [*command, server.url + path], capture_output=True, text=True, check=True, env=env
    ).stdout
    _drain(server)
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


def _drain(server: Server) -> None:
    """Wait until the server has finished the requests wrk left queued (a slow endpoint can
    leave seconds of work), so their CPU counts here and not in the next endpoint's run."""
    idle_for = 0
    while idle_for < 2:
        before = _cpu_seconds(server.process.pid)
        time.sleep(0.25)
        idle_for = idle_for + 1 if _cpu_seconds(server.process.pid) - before < 0.02 else 0
    # A worker waiting on PostgreSQL uses no CPU: a request per worker waits its turn too.
    for _ in range(4):
        urllib.request.urlopen(server.url + "/", timeout=600).read()  # hello and catalog alike


def _autosave_body(attempt_url: str, cookie: str) -> str:
    page = (
        urllib.request.urlopen(urllib.request.Request(attempt_url, headers=_headers(cookie)))
        .read()
        .decode()
    )
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    option = re.search(r'name="q1" id="[^"]+" value="([^"]+)"', page).group(1)  # a real choice
    return urllib.parse.urlencode({"q1": option, "csrf_token": token})


def _headers(cookie: str) -> dict[str, str]:
    return {"Cookie": cookie, "User-Agent": USER_AGENT}


def _ms(text: str) -> float:
    value, unit = float(re.match(r"[\d.]+", text).group(0)), re.sub(r"[\d.]", "", text)
    return round(value * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit], 2)


def _write(rows: list[dict], args, bulk: dict | None, fixtures: dict, configs: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    summary = {
        "learners": args.learners,
        "seed_seconds": fixtures["seed_seconds"],
        "analysis_attempts": fixtures["analysis_attempts"],
        "bulk_issue": bulk,
        "rows": rows,
    }
    (RESULTS / "latest.json").write_text(json.dumps(summary, indent=2))
    lines = [
        f"Learners seeded: {args.learners} in {fixtures['seed_seconds']} s; "
        f"{args.connections} connections, {args.seconds} s per endpoint.",
        "",
        "| config | endpoint | req/s | ratio to hello | p50 ms | p99 ms | CPU ms/req "
        "| p50 ms alone | errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['config']} | {r['endpoint']} | {r['rps']:.0f} | {r['ratio_to_hello']:.3f} | "
            f"{r['p50_ms']} | {r['p99_ms']} | {r['cpu_ms_per_request']} | "
            f"{r.get('p50_ms_alone', '')} | {r['errors']} |"
        )
    lines.append("")
    for r in rows:
        if "graded" in r:
            exhausted = (
                " (pool ran out: later requests were repeats)" if r["pool_exhausted"] else ""
            )
            lines.append(
                f"- {r['config']}, quiz submit: {r['requests']} requests, {r['graded']} attempts "
                f"graded, pool {r['pool']}{exhausted}"
            )
    for label in configs:
        runs = [r for r in rows if r["config"] == label]
        lines.append(
            f"- {label}: hello-world {runs[0]['hello_rps']:.0f} req/s; app cold start "
            f"{runs[0]['cold_start_ms']} ms; largest worker after the load "
            f"{max(r['worker_rss_mib'] for r in runs)} MiB "
            f"(peak {max(r['peak_worker_rss_mib'] for r in runs)} MiB)"
        )
    lines.append(f"- item analysis over {fixtures['analysis_attempts']} graded attempts")
    if bulk:
        lines.append(
            f"- bulk issue: {bulk['count']} certificates in {bulk['seconds']} s "
            f"({bulk['cpu_ms_each']} ms CPU each, of which PDF {bulk['pdf_cpu_ms_each']} ms)"
        )
    (RESULTS / "latest.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

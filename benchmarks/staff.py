"""Staff pages at scale: every staff page's p50 latency (one request at a time, from outside,
gunicorn with 2 sync workers) and SQL query count, at a given number of learners.

    COURSE_APP_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bench_staff \\
        .venv/bin/python benchmarks/run.py --staff --learners 10000 [--certificates 1200]
        [--requests 15] [--app-root PATH]

The database is dropped and created again, the curriculum loaded and the demo learners seeded
in bulk (``flask seed-demo``, timed); ``--certificates`` adds that many valid certificates
with a 50 KB PDF each (inserted directly: the heavy columns a list must never load).
``--app-root`` serves another checkout (e.g. an older commit, for before/after numbers).
Query counts are taken in-process with the test client and an engine event listener.
Writes benchmarks/results/staff-<N>-<commit>.{md,json}.
"""

import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import run

COURSE = "/instructor/courses/dry-needling-level-1"
PAGES = {
    "gradebook, page 1": f"{COURSE}/gradebook",
    "gradebook by a quiz, page 20": f"{COURSE}/gradebook?sort=what-dry-needling-is&page=20",
    "gradebook by progress": f"{COURSE}/gradebook?sort=progress",
    "gradebook by CE minutes, in progress, page 5": (
        f"{COURSE}/gradebook?sort=minutes&order=desc&status=in-progress&page=5"
    ),
    "gradebook CSV": f"{COURSE}/gradebook.csv",
    "item analysis": f"{COURSE}/quizzes/what-dry-needling-is/analysis",
    "cohorts": f"{COURSE}/cohorts",
    "admin reports": "/admin/reports",
    "certificate queue": "/admin/certificates",
    "certificate queue, ready only": "/admin/certificates?ready=1",
    "users": "/admin/users",
    "users, searched, page 3": "/admin/users?q=learner+1&page=3",
    "audit": "/admin/audit",
}
ADMIN = "staff-bench@example.org"
PDF_BYTES = 50_000


def main(args) -> None:
    root = Path(args.app_root).resolve() if args.app_root else run.ROOT
    if "postgresql" not in os.environ.get("COURSE_APP_BENCH_DATABASE_URL", ""):
        raise SystemExit("--staff needs COURSE_APP_BENCH_DATABASE_URL=postgresql+psycopg://…")
    workdir = Path(run.tempfile.mkdtemp(prefix="course-app-staff-"))
    env = {**run._environment(workdir), "PYTHONPATH": str(root)}
    seed_seconds, password = _seed(env, root, args)
    queries = _query_counts(env, root, password)
    target = f"course_app:create_app(instance_path='{workdir / 'instance'}')"
    server = _serve(root, target, env)
    cookie = _log_in(server.url, password)
    rows = []
    for name, path in PAGES.items():
        times = [_timed(server.url + path, cookie) for _ in range(args.requests)]
        rows.append(
            {
                "page": name,
                "p50_ms": round(statistics.median(times), 1),
                "max_ms": round(max(times), 1),
                "queries": queries[name],
            }
        )
    memory = run._worker_memory(server)
    run._stop(server)
    _write(args, root, seed_seconds, rows, memory)


def _seed(env, root: Path, args) -> tuple[float, str]:
    flask = [str(run.BIN / "flask"), "--app", "course_app"]

    def call(*command: str) -> str:
        done = subprocess.run(
            [*flask, *command], env=env, cwd=root, check=True, capture_output=True, text=True
        )
        return done.stdout

    call("init-db")
    call("load-content")
    started = time.monotonic()
    call("seed-demo", "--learners", str(args.learners))
    seed_seconds = round(time.monotonic() - started, 1)
    password = re.search(r"password: (\S+)", call("create-admin", "--email", ADMIN)).group(1)
    _certificates(env["COURSE_APP_DATABASE_URL"], args.certificates)
    return seed_seconds, password


def _certificates(url: str, count: int) -> None:
    """The administrator may open every page at once (no first-login password change),
    ``count`` demo learners hold a valid certificate with a 50 KB PDF, and the tables are
    analysed."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE users SET must_change_password = false"))
        if count:
            connection.execute(
                text(_INSERT_CERTIFICATES), {"n": count, "pdf": os.urandom(PDF_BYTES)}
            )
        # Planner statistics, as autovacuum keeps them in production (a server with it off
        # would plan every query over the fresh bulk rows blind).
        connection.execute(text("ANALYZE"))
    engine.dispose()


_INSERT_CERTIFICATES = """
INSERT INTO certificates (public_id, user_id, course_id, status, holder_name,
    registration_number, jurisdiction, course_title, level, theory_minutes, practical_hours,
    competencies, cohort_name, assessors, issuer_name, issued_at, key_id, pdf, pdf_sha256,
    credential, revoked_reason, reissue_reason)
SELECT 'BENCH-' || u.id, u.id, e.course_id, 'valid', u.full_name, u.registration_number, 'ON',
    'Level 1', 1, 600, 24, '[]', '', '[]', 'Bench', now(), '', :pdf, '',
    json_build_object('padding', repeat('x', 20000)), '', ''
FROM users u JOIN enrollments e ON e.user_id = u.id
WHERE u.email LIKE '%@demo.example' ORDER BY u.id LIMIT :n
"""


def _serve(root: Path, target: str, env):
    saved = run.ROOT
    run.ROOT = root  # gunicorn runs in the checkout it serves
    try:
        return run._serve(target, ["--workers", "2", "--timeout", "120"], env)
    finally:
        run.ROOT = saved


def _log_in(url: str, password: str) -> str:
    jar = run.http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", run.USER_AGENT)]
    page = opener.open(url + "/auth/login").read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"email": ADMIN, "password": password, "csrf_token": token})
    opener.open(urllib.request.Request(url + "/auth/login", data=body.encode()))
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def _timed(url: str, cookie: str) -> float:
    started = time.perf_counter()
    request = urllib.request.Request(url, headers=run._headers(cookie))
    with urllib.request.urlopen(request, timeout=300) as response:
        response.read()
        assert response.status == 200 and "/auth/login" not in response.url, url
    return (time.perf_counter() - started) * 1000


def _query_counts(env, root: Path, password: str) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, __file__, "--count-queries", password],
        env=env,
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def count_queries(password: str) -> None:
    """In-process (run by _query_counts in the served checkout): each page's SQL statements."""
    from sqlalchemy import event

    from course_app import create_app
    from course_app.db import get_engine

    app = create_app()
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    client.post("/auth/login", data={"email": ADMIN, "password": password, "csrf_token": token})
    counts, seen = {}, []
    event.listen(get_engine(app), "before_cursor_execute", lambda *a: seen.append(a[2]))
    for name, path in PAGES.items():
        seen.clear()
        response = client.get(path)
        response.get_data()
        assert response.status_code == 200, path
        counts[name] = len(seen)
    print(json.dumps(counts))


def _write(args, root: Path, seed_seconds: float, rows: list[dict], memory: dict) -> None:
    run.RESULTS.mkdir(parents=True, exist_ok=True)
    commit = (
        subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        or root.name
    )
    head = (
        f"{args.learners} learners (seeded in {seed_seconds} s), {args.certificates} "
        f"certificates, code {commit}; p50 of {args.requests} requests one at a time, "
        f"2 sync workers; largest worker after: {memory['worker_rss_mib']} MiB "
        f"(peak {memory['peak_worker_rss_mib']} MiB)"
    )
    lines = [head, "", "| page | p50 ms | max ms | queries |", "| --- | --- | --- | --- |"]
    lines += [f"| {r['page']} | {r['p50_ms']} | {r['max_ms']} | {r['queries']} |" for r in rows]
    name = f"staff-{args.learners}-{commit}"
    (run.RESULTS / f"{name}.md").write_text("\n".join(lines) + "\n")
    (run.RESULTS / f"{name}.json").write_text(
        json.dumps(
            {
                "learners": args.learners,
                "seed_seconds": seed_seconds,
                "commit": commit,
                "certificates": args.certificates,
                "rows": rows,
                **memory,
            },
            indent=2,
        )
    )
    print("\n".join(lines))


if __name__ == "__main__" and sys.argv[1:2] == ["--count-queries"]:
    count_queries(sys.argv[2])

"""Two app instances (separate gunicorn processes) on one PostgreSQL, with Redis for the rate
limits, behind nginx: a session started on one continues on the other, and the login limit
counts across both. Nothing an instance needs lives in another's memory or on its disk
(separate instance folders; only the secret key is shared, through the environment)."""

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import redis

from tests.conftest import TEST_CONTENT
from tests.helpers import PASSWORD, make_user

REDIS_URL = "redis://127.0.0.1:6379/14"
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def two_instances(database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("scale-out runs on PostgreSQL (the suite's PostgreSQL phase)")
    redis.Redis.from_url(REDIS_URL).flushdb()  # fails, not skips, when Redis is down
    env = {
        **os.environ,
        "COURSE_APP_DATABASE_URL": database_url,
        "COURSE_APP_SECRET_KEY": "shared-secret-for-the-scale-out-test",
        "COURSE_APP_RATELIMIT_STORAGE_URI": REDIS_URL,
        "COURSE_APP_LOGIN_RATE_LIMIT": "3 per minute",
        "COURSE_APP_CONTENT_DIR": str(TEST_CONTENT),
        "COURSE_APP_PASSWORD_HASH_MEMORY_KIB": "1024",
        "COURSE_APP_PASSWORD_HASH_TIME_COST": "1",
        "COURSE_APP_TRUSTED_PROXY_COUNT": "1",  # nginx, in the test behind it
    }
    servers, urls = [], []
    for name in ("a", "b"):
        port = free_port()
        factory = f"course_app:create_app(instance_path='{tmp_path / name}')"
        servers.append(
            subprocess.Popen(
                [
                    str(GUNICORN),
                    "--no-control-socket",
                    "--workers",
                    "2",
                    "--bind",
                    f"127.0.0.1:{port}",
                    factory,
                ],
                env={**env, "COURSE_APP_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            wait_until_up(url)
        yield urls
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


def wait_until_up(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/", timeout=1)  # noqa: S310
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not start")


class Browser:
    """Cookies shared across both instances, as one browser behind a load balancer."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        no_redirects = type(
            "NoRedirects",
            (urllib.request.HTTPRedirectHandler,),
            {"redirect_request": lambda *a, **k: None},
        )
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), no_redirects()
        )

    def get(self, url: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(url))  # noqa: S310 - our own loopback server

    def post(self, url: str, data: dict, token_from: str) -> tuple[int, str]:
        _status, page = self.get(token_from)
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrf_token": token}, doseq=True).encode()
        return self._open(urllib.request.Request(url, data=body, method="POST"))  # noqa: S310

    def log_in(self, url: str, email: str) -> None:
        form = {"email": email, "password": PASSWORD}
        status, _ = self.post(f"{url}/auth/login", form, f"{url}/auth/login")
        assert status == 302

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode() if error.fp else ""


def test_a_quiz_continues_on_the_other_instance_and_limits_are_shared(two_instances, db, content):
    a, b = two_instances
    make_user(db, email="ada@example.org")
    browser = Browser()
    browser.log_in(a, "ada@example.org")
    assert "My learning" in browser.get(f"{b}/dashboard")[1]  # logged in on B too
    browser.post(f"{b}/courses/basics/enrol", {}, f"{b}/courses/basics")
    status, _ = browser.post(f"{a}/courses/basics/quizzes/second/start", {}, f"{a}/courses/basics")
    assert status == 302
    page = browser.get(f"{b}/courses/basics/quizzes/second")[1]
    attempt = re.search(r'href="/attempts/(\d+)"', page).group(1)
    status, _ = browser.post(
        f"{b}/attempts/{attempt}/submit", {"q1": "1"}, f"{b}/attempts/{attempt}"
    )
    assert status == 302
    assert "pass mark 50 %" in browser.get(f"{a}/attempts/{attempt}")[1]  # graded, seen on A

    # Same client address, limit 3 per minute: Ada's login on A already counted once.
    stranger = Browser()
    wrong = {"email": "ada@example.org", "password": "not the password"}
    codes = [stranger.post(f"{url}/auth/login", wrong, f"{url}/auth/login")[0] for url in (b, a, b)]
    assert codes == [400, 400, 429]  # the third counts logins made on both instances


NGINX_CONF = """
{user}
worker_processes 1;
error_log {root}/error.log;
pid {root}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    upstream course_app {{ server {a}; server {b}; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://course_app;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


@pytest.fixture
def nginx(two_instances, tmp_path):
    """nginx (Debian's) in front of both instances, round robin, as in docs/deployment.md."""
    if shutil.which("nginx") is None:
        message = "nginx missing (apt install nginx)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    root = tmp_path / "nginx"
    root.mkdir()
    port = free_port()
    a, b = (url.removeprefix("http://") for url in two_instances)
    user = "user root;" if os.geteuid() == 0 else ""  # workers may not drop to nobody here
    conf = root / "nginx.conf"
    conf.write_text(NGINX_CONF.format(user=user, root=root, a=a, b=b, port=port))
    process = subprocess.Popen(
        ["nginx", "-p", str(root), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url)
        yield url, {a, b}
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_behind_nginx_requests_reach_both_instances_and_the_session_holds(nginx, db, content):
    url, upstreams = nginx
    make_user(db, email="ada@example.org")
    browser = Browser()
    browser.log_in(url, "ada@example.org")
    served_by = set()
    for _ in range(6):
        with browser.opener.open(f"{url}/dashboard", timeout=10) as response:
            assert "My learning" in response.read().decode()  # logged in, whichever answered
            served_by.add(response.headers["X-Upstream"])
    assert served_by == upstreams  # round robin really used both


def test_behind_nginx_the_login_limit_counts_the_real_address(nginx, db, content):
    """A client cannot dodge the limit with its own X-Forwarded-For: nginx appends the real
    address and the app trusts one proxy, so it reads the address nginx saw."""
    url, _ = nginx
    make_user(db, email="ada@example.org")
    codes = []
    for number in range(4):
        stranger = Browser()
        stranger.opener.addheaders = [("X-Forwarded-For", f"10.0.0.{number}")]
        wrong = {"email": "ada@example.org", "password": "not the password"}
        codes.append(stranger.post(f"{url}/auth/login", wrong, f"{url}/auth/login")[0])
    assert codes == [400, 400, 400, 429]  # 3 per minute, counted across both instances

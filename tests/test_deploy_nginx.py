"""deploy/nginx.conf in a real nginx, in front of two stand-in instances: one dies under every
request (it reads it, then closes the connection without an answer, as a SIGKILLed worker
does), the other answers. A GET that met the dead one is retried on the other; a POST never is
(the dead instance may have acted on it) and shows the app's own outage page instead of
nginx's; the client's own X-Forwarded-Host never reaches the app."""

import os
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.quality import html_errors, require_tools
from tests.test_scale_out import free_port, wait_until_up

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.real_clock  # nginx runs in its own process

WRAPPER = """
{user}
worker_processes 1;
error_log {root}/error.log;
pid {root}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    include {root}/course_app.conf;
}}
"""


def stand_in(answers: bool):
    """A stand-in instance recording (method, request id, forwarded host) of what reached it."""
    seen: list[tuple[str, str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def _handle(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)  # the whole request reached the instance
            seen.append(
                (self.command, self.headers["X-Request-Id"], self.headers["X-Forwarded-Host"])
            )
            if not answers:
                self.close_connection = True  # dies before answering
                return
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        do_GET = do_POST = _handle

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


@pytest.fixture
def behind_nginx(tmp_path):
    if shutil.which("nginx") is None:
        message = "nginx missing (apt install nginx)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    dead, dead_seen = stand_in(answers=False)
    alive, alive_seen = stand_in(answers=True)
    port = free_port()
    site = (REPO / "deploy" / "nginx.conf").read_text()
    site = site.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
    # Passive health checks off: round robin keeps offering the dying instance every request.
    site = site.replace("max_fails=2", "max_fails=0")
    site = site.replace("127.0.0.1:8001", f"127.0.0.1:{dead.server_port}")
    site = site.replace("127.0.0.1:8002", f"127.0.0.1:{alive.server_port}")
    root = tmp_path / "nginx"
    root.mkdir()
    (root / "course_app.conf").write_text(site.replace("/srv/course_app/", f"{REPO}/"))
    user = "user root;" if os.geteuid() == 0 else ""
    (root / "nginx.conf").write_text(WRAPPER.format(user=user, root=root))
    process = subprocess.Popen(
        ["nginx", "-p", str(root), "-c", str(root / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url)  # a GET: it reaches the instance that answers
        alive_seen.clear()
        dead_seen.clear()
        yield url, dead_seen, alive_seen
    finally:
        process.terminate()
        process.wait(timeout=10)
        for server in (dead, alive):
            server.shutdown()
            server.server_close()


def send(url: str, request_id: str, method: str = "GET") -> tuple[int, str]:
    headers = {"X-Request-Id": request_id, "X-Forwarded-Host": "evil.example"}
    data = b"q1=2" if method == "POST" else None
    request = urllib.request.Request(f"{url}/x", data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_gets_are_retried_posts_are_not_and_a_lost_post_shows_the_apps_page(behind_nginx):
    url, dead_seen, alive_seen = behind_nginx
    posts = {f"post-{n}": send(url, f"post-{n}", "POST") for n in range(3)}
    lost = [rid for rid, (status, _) in posts.items() if status == 502]
    assert lost, "round robin sent no POST to the dying instance"
    for rid in lost:
        assert "Your answers are saved; try again" in posts[rid][1]  # the app's page
        assert ("POST", rid, "ce.example.org") in dead_seen  # it reached the dying instance...
        assert all(seen[1] != rid for seen in alive_seen)  # ...and was never sent again

    gets = {f"get-{n}": send(url, f"get-{n}") for n in range(3)}
    assert all(status == 200 for status, _ in gets.values())
    retried = {rid for _, rid, _ in dead_seen} & {rid for _, rid, _ in alive_seen}
    assert retried and all(rid.startswith("get-") for rid in retried)
    assert {host for _, _, host in alive_seen} == {"ce.example.org"}  # never the client's


def test_the_outage_page_is_valid_html():
    require_tools()
    assert html_errors([REPO / "course_app" / "static" / "errors" / "outage.html"]) == []

"""Learners taking quizzes, for `locust --headless` (driven by tests/test_load.py).

Each simulated learner logs in once (and checks that the login stuck), then takes quizzes in a
loop: start, save answers twice, submit. Every response the app confirmed is written to a JSON
lines file, so that the test can compare what the database holds with what clients saw.

A request that fails at the connection (a worker killed under it) or with a 502/503 is sent
again, the same request with the same form: the app's own keys make that safe. Starting a quiz
returns the learner's open attempt if there is one, a save overwrites the same answers, and a
repeated submit changes nothing and shows the same result.

Settings, from the environment: LOAD_EMAILS (file, one e-mail per line), LOAD_PASSWORD,
LOAD_COURSE, LOAD_QUIZZES (comma-separated slugs), LOAD_LOG (the JSON lines file to write).
"""

import json
import os
import random
import re
import time

from locust import HttpUser, between, events, task
from locust.exception import StopUser

RETRIES = 8
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')
OPTION = re.compile(r'type="(radio|checkbox)" name="q(\d+)" id="[^"]+" value="([^"]+)"')
ATTEMPT = re.compile(r"/attempts/(\d+)$")

_emails: list[str] = []
_log = None


@events.test_start.add_listener
def _open(environment, **_kwargs) -> None:
    global _log
    with open(os.environ["LOAD_EMAILS"]) as listing:
        _emails.extend(line.strip() for line in listing if line.strip())
    _log = open(os.environ["LOAD_LOG"], "a", buffering=1)  # noqa: SIM115 - closed at test_stop


@events.test_stop.add_listener
def _close(environment, **_kwargs) -> None:
    if _log is not None:
        _log.close()


def confirm(**event) -> None:
    _log.write(json.dumps(event) + "\n")


class Learner(HttpUser):
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        if not _emails:
            raise StopUser()
        self.email = _emails.pop()
        self.course = os.environ["LOAD_COURSE"]
        self.quizzes = os.environ["LOAD_QUIZZES"].split(",")
        self.token = self._token("/auth/login")
        form = {"email": self.email, "password": os.environ["LOAD_PASSWORD"]}
        self.send("POST", "/auth/login", form, expect=(302, 303), name="log in")
        page = self.send("GET", "/dashboard", expect=(200,), name="dashboard")
        if "Log out" not in page.text or "My learning" not in page.text:
            confirm(kind="login-lost", email=self.email)
            raise StopUser()
        self.token = TOKEN.search(page.text).group(1)
        confirm(kind="login", email=self.email)

    @task
    def take_a_quiz(self) -> None:
        if not self.quizzes:
            raise StopUser()  # passed them all
        quiz = self.quizzes[0]
        start = f"/courses/{self.course}/quizzes/{quiz}/start"
        response = self.send("POST", start, {}, expect=(302, 303), name="start quiz")
        found = ATTEMPT.search(response.headers.get("Location", ""))
        if found is None:  # refused (passed, or out of attempts): move on to the next quiz
            self.quizzes.pop(0)
            return
        attempt = int(found.group(1))
        confirm(kind="start", email=self.email, attempt=attempt)
        page = self.send("GET", f"/attempts/{attempt}", expect=(200,), name="attempt page")
        for _ in range(2):
            answers = self.choose(page.text)
            self.send(
                "POST",
                f"/attempts/{attempt}/save",
                answers,
                expect=(200,),
                name="save",
                as_json=True,
            )
            confirm(kind="save", attempt=attempt, answers=answers)
        answers = self.choose(page.text)
        self.send("POST", f"/attempts/{attempt}/submit", answers, expect=(302, 303), name="submit")
        confirm(kind="submit", attempt=attempt, answers=answers)

    @staticmethod
    def choose(page: str) -> dict[str, list[str]]:
        """A random answer to each question (one option, or one or two for select-all)."""
        options: dict[str, tuple[str, list[str]]] = {}
        for kind, position, key in OPTION.findall(page):
            options.setdefault(f"q{position}", (kind, []))[1].append(key)
        answers = {}
        for name, (kind, keys) in options.items():
            count = random.choice((1, 2)) if kind == "checkbox" else 1  # noqa: S311 (simulation)
            answers[name] = sorted(random.sample(keys, count))
        return answers

    def _token(self, path: str) -> str:
        return TOKEN.search(self.send("GET", path, expect=(200,), name=path).text).group(1)

    def send(self, method, path, form=None, *, expect, name, as_json=False):
        """Send, and send again the same request after a dropped connection or a 502/503."""
        data = {**(form or {}), "csrf_token": self.token} if method == "POST" else None
        headers = {"Accept": "application/json"} if as_json else {}
        for attempt in range(1, RETRIES + 1):
            with self.client.request(
                method,
                path,
                data=data,
                headers=headers,
                name=name,
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code in expect:
                    response.success()
                    return response
                if response.status_code in (0, 502, 503) and attempt < RETRIES:
                    response.success()  # counted as a retry below, not as a failure
                    confirm(kind="retry", path=path, status=response.status_code)
                    time.sleep(0.25 * attempt)
                    continue
                response.failure(f"{method} {path}: {response.status_code}")
                raise StopUser()
        raise StopUser()

"""Learners taking quizzes, for `locust --headless` (driven by tests/test_load.py).

Each simulated learner logs in once (and checks that the login stuck), then takes quizzes in a
loop: start, save answers twice, submit. Everything is written to a JSON lines file, so that
the test can compare what the database holds with what clients saw, and explain any
difference:

- ``sent`` before every try of every request (with the answers it carries), and ``answered``
  or ``cut-off`` after it, with the status, the Location and the attempt id. A ``sent`` with
  no outcome was cut off by the end of the run.
- ``start``, ``save`` and ``submit`` when the app confirmed that step.

A request that fails at the connection (a worker killed under it) or with a 502/503 is sent
again, the same request with the same form: the app's own keys make that safe. Starting a quiz
returns the learner's open attempt if there is one, a save overwrites the same answers, and a
repeated submit changes nothing and shows the same result.

Settings, from the environment: LOAD_EMAILS (file, one e-mail per line), LOAD_PASSWORD,
LOAD_COURSE, LOAD_QUIZZES (comma-separated slugs), LOAD_LOG (the JSON lines file to write).
"""

import itertools
import json
import os
import random
import re
import secrets
import time

from locust import HttpUser, between, events, task
from locust.exception import StopUser

RETRIES = 8
#: A connection cut (status 0: the worker died under it) or the proxy's "no worker" answers.
CUT_OFF = (0, 502, 503)
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')
OPTION = re.compile(r'type="(radio|checkbox)" name="q(\d+)" id="[^"]+" value="([^"]+)"')
ATTEMPT = re.compile(r"/attempts/(\d+)")

_emails: list[str] = []
_log = None
_request_ids = itertools.count(1)


@events.test_start.add_listener
def _open(environment, **_kwargs) -> None:
    global _log
    with open(os.environ["LOAD_EMAILS"]) as listing:
        _emails.extend(line.strip() for line in listing if line.strip())
    _log = open(os.environ["LOAD_LOG"], "a", buffering=1)  # noqa: SIM115 - closed at quit


@events.quit.add_listener
def _close(**_kwargs) -> None:
    # At quit, not test_stop: users finishing their task after the stop still write.
    if _log is not None:
        _log.close()


def note(**event) -> None:
    _log.write(json.dumps({**event, "at": round(time.time(), 3)}) + "\n")


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
            note(kind="login-lost", email=self.email)
            raise StopUser()
        self.token = TOKEN.search(page.text).group(1)
        note(kind="login", email=self.email)

    @task
    def take_a_quiz(self) -> None:
        if not self.quizzes:
            raise StopUser()  # passed them all
        quiz = self.quizzes[0]
        start = f"/courses/{self.course}/quizzes/{quiz}/start"
        # One key per start, the same on every resend: the server acts on it once.
        form = {"idempotency_key": secrets.token_urlsafe(24)}
        response = self.send("POST", start, form, expect=(302, 303), name="start quiz")
        found = ATTEMPT.search(response.headers.get("Location", ""))
        if found is None:  # refused (passed, or out of attempts): move on to the next quiz
            self.quizzes.pop(0)
            return
        attempt = int(found.group(1))
        note(kind="start", email=self.email, quiz=quiz, attempt=attempt)
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
            note(kind="save", email=self.email, attempt=attempt, answers=answers)
        answers = self.choose(page.text)
        form = {**answers, "idempotency_key": secrets.token_urlsafe(24)}
        self.send("POST", f"/attempts/{attempt}/submit", form, expect=(302, 303), name="submit")
        note(kind="submit", email=self.email, attempt=attempt, answers=answers)

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
        """Send, and send again the same request after a dropped connection or a 502/503.

        Every try is logged before it goes and when it ends, so a request cut off by the end
        of the run shows as sent and never answered."""
        data = {**(form or {}), "csrf_token": self.token} if method == "POST" else None
        headers = {"Accept": "application/json"} if as_json else {}
        request = next(_request_ids)
        answers = None
        if name in ("save", "submit"):  # the answers alone, without the idempotency key
            answers = {key: value for key, value in form.items() if key != "idempotency_key"}
        for attempt in range(1, RETRIES + 1):
            note(kind="sent", email=self.email, request=request, path=path, method=method,
                 tried=attempt, answers=answers)  # fmt: skip
            with self.client.request(
                method,
                path,
                data=data,
                headers=headers,
                name=name,
                allow_redirects=False,
                catch_response=True,
            ) as response:
                self._outcome(request, attempt, path, response)
                if response.status_code in expect:
                    response.success()
                    return response
                if response.status_code in CUT_OFF and attempt < RETRIES:
                    response.success()  # counted as a retry, not as a failure
                    time.sleep(0.25 * attempt)
                    continue
                response.failure(f"{method} {path}: {response.status_code}")
                raise StopUser()
        raise StopUser()

    def _outcome(self, request: int, tried: int, path: str, response) -> None:
        location = response.headers.get("Location", "")
        found = ATTEMPT.search(location) or ATTEMPT.search(path)
        note(
            kind="cut-off" if response.status_code in CUT_OFF else "answered",
            email=self.email,
            request=request,
            path=path,
            tried=tried,
            status=response.status_code,
            location=location,
            attempt=int(found.group(1)) if found else None,
        )

"""The start and submit forms carry an idempotency key: the same form sent again (a reload
after a lost answer, a resend after nginx's 502) never acts twice."""

import re

from sqlalchemy import func, select

from course_app.quizzes.models import Attempt, FormSubmission
from tests.helpers import answers_for, csrf_token, text_of

SECOND = "/courses/basics/quizzes/second"
_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


def _key_on(client, page: str) -> str:
    match = _KEY.search(text_of(client.get(page)))
    assert match, f"no idempotency key on {page}"
    return match.group(1)


def _send(client, url: str, key: str, answers: dict | None = None):
    data = {**(answers or {}), "idempotency_key": key, "csrf_token": csrf_token(client)}
    return client.post(url, data=data)


def _attempts(db) -> int:
    return db.scalar(select(func.count()).select_from(Attempt))


def test_a_resent_start_form_never_starts_a_second_attempt(learner, db):
    client = learner.browser
    start_key = _key_on(client, SECOND)
    first = _send(client, f"{SECOND}/start", start_key)
    attempt = first.headers["Location"]
    assert attempt.startswith("/attempts/")
    attempt_id = int(attempt.rsplit("/", 1)[1])
    submit_key = _key_on(client, attempt)
    wrong = answers_for(db, attempt_id, right=False)
    assert _send(client, f"{attempt}/submit", submit_key, wrong).status_code == 302
    graded = db.get(Attempt, attempt_id)
    db.refresh(graded)
    score = graded.score

    # The browser sends the start form again (the learner reloads the page the 502 left):
    # it shows the attempt that form started, now graded, instead of starting attempt 2.
    again = _send(client, f"{SECOND}/start", start_key)
    assert again.headers["Location"] == attempt
    assert _attempts(db) == 1
    # The submit form sent again, even with other answers, changes nothing.
    right = answers_for(db, attempt_id)
    assert _send(client, f"{attempt}/submit", submit_key, right).headers["Location"] == attempt
    db.refresh(graded)
    assert graded.score == score
    actions = db.scalars(select(FormSubmission.action).order_by(FormSubmission.id)).all()
    assert actions == ["start", "submit"]

    # A fresh page's key starts the next attempt as usual (the first one failed).
    assert _send(client, f"{SECOND}/start", _key_on(client, SECOND)).status_code == 302
    assert _attempts(db) == 2


def test_a_key_no_page_of_ours_made_is_refused_and_starts_nothing(learner, db):
    response = _send(learner.browser, f"{SECOND}/start", "not a key!")
    assert response.status_code == 400
    assert _attempts(db) == 0

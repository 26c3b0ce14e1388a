"""Benchmark fixtures, made in-process after seed-demo: an open attempt, a certificate, and a
pool of open attempts for the quiz-submit endpoint.

    python benchmarks/fixtures.py [--submit-pool N --pool-file PATH]

Prints JSON for benchmarks/run.py. The certificate is issued without the eligibility check
(the demo learners have no practical): it exists only to measure the PDF and verify pages.

Each submit closes its attempt, so the submit benchmark needs one open attempt per request:
N fresh learners, each with an attempt in progress, a logged-in session cookie (made with
Flask-Login's login_user, not by N slow password checks) and a form answering every question.
Their lines (path, cookie, form) go to the pool file, which benchmarks/submit.lua reads.
"""

import argparse
import json
import os
import urllib.parse

from flask import g, session
from flask_login import login_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import func, select

from course_app import create_app
from course_app.auth.models import User
from course_app.auth.passwords import hash_password
from course_app.certificates import services as certificates
from course_app.certificates.issuer import current_issuer
from course_app.db import get_session, utcnow
from course_app.demo import DEMO_PASSWORD
from course_app.modules.models import Course, Enrollment
from course_app.modules.services import course_statuses
from course_app.quizzes import answering
from course_app.quizzes import services as quizzes
from course_app.quizzes.models import Attempt

QUIZ = "regulation-in-canada"
ANALYSED = "what-dry-needling-is"  # the quiz run.py's item-analysis endpoint reads


def _graded_attempts(db, course: Course, slug: str) -> int:
    quiz = quizzes.find_quiz(db, course.id, slug)
    query = select(func.count()).where(Attempt.quiz_id == quiz.id, Attempt.score.is_not(None))
    return db.scalar(query)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submit-pool", type=int, default=0, help="make only the pool")
    parser.add_argument("--pool-file", help="where --submit-pool writes its lines")
    args = parser.parse_args()
    if args.submit_pool and not args.pool_file:
        parser.error("--submit-pool needs --pool-file")
    app = create_app()
    # Sessions are tied to the client's User-Agent: the one run.py's clients send.
    user_agent = os.environ.get("BENCH_USER_AGENT", "course-app-bench")
    with app.test_request_context("/", headers={"User-Agent": user_agent}):
        db = get_session()
        course = db.scalar(select(Course).where(Course.slug == "dry-needling-level-1"))
        password = hash_password(DEMO_PASSWORD)
        if args.submit_pool:
            made = _submit_pool(app, db, course, password, args)
        else:
            made = _endpoint_fixtures(db, course, password)
        db.commit()
    print(json.dumps(made))


def _endpoint_fixtures(db, course: Course, password: str) -> dict:
    learner = _fresh_learner(db, course, "bench-learner@example.org", password)
    attempt = _open_attempt(db, course, learner)
    cert = certificates.issue_unchecked(db, course, learner, current_issuer())
    return {
        "learner_email": learner.email,
        "learner_password": DEMO_PASSWORD,
        "attempt_id": attempt.id,
        "certificate": cert.public_id,
        "analysis_attempts": _graded_attempts(db, course, ANALYSED),
    }


def _submit_pool(app, db, course: Course, password: str, args) -> dict:
    first = _next_submit_number(db)  # a second pool on the same database takes new learners
    numbers = range(first, first + args.submit_pool)
    pool = [_submit_line(app, db, course, n, password) for n in numbers]
    with open(args.pool_file, "w") as out:
        out.writelines(pool)
    return {"submit_pool": len(pool)}


def _next_submit_number(db) -> int:
    return db.scalar(select(func.count()).where(User.email.like("bench-submit-%")))


def _open_attempt(db, course: Course, learner: User):
    quiz = quizzes.find_quiz(db, course.id, QUIZ)
    standing = course_statuses(db, learner.id)[course.slug]
    status = quizzes.quiz_status(db, learner.id, quiz, standing, utcnow())
    return quizzes.start_attempt(db, learner.id, status, utcnow())


def _submit_line(app, db, course: Course, number: int, password: str) -> str:
    """One pool line: an open attempt's submit path, its learner's cookie, a full answer."""
    learner = _fresh_learner(db, course, f"bench-submit-{number}@example.org", password)
    attempt = _open_attempt(db, course, learner)
    answers = {
        f"q{shown.item.position}": "1"  # the first option shown (pages send places, not keys)
        for shown in answering.shown_items(db, attempt)
    }
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF keeps the request's token in g: one per learner
    login_user(learner)
    answers["csrf_token"] = generate_csrf()
    cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    name = app.config["SESSION_COOKIE_NAME"]
    return f"/attempts/{attempt.id}/submit\t{name}={cookie}\t{urllib.parse.urlencode(answers)}\n"


def _fresh_learner(db, course: Course, email: str, password_hash: str) -> User:
    """A learner with no attempts yet, enrolled in the course."""
    learner = User(
        email=email,
        password_hash=password_hash,
        full_name="Bench Learner",
        role="learner",
        registration_number=f"PT-{email.split('@')[0]}",
        jurisdiction="ON",
        regulator="College of Physiotherapists of Ontario",
        register_class="full",
    )
    db.add(learner)
    db.flush()
    db.add(Enrollment(user_id=learner.id, course_id=course.id))
    db.flush()
    return learner


if __name__ == "__main__":
    main()

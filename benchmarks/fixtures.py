"""Benchmark fixtures, made in-process after seed-demo: an open attempt and a certificate.

Prints JSON for benchmarks/run.py. The certificate is issued without the eligibility check
(the demo learners have no practical): it exists only to measure the PDF and verify pages.
"""

import json

from sqlalchemy import select

from course_app import create_app
from course_app.auth.models import User
from course_app.auth.passwords import hash_password
from course_app.certificates import services as certificates
from course_app.certificates.issuer import current_issuer
from course_app.db import get_session, utcnow
from course_app.demo import DEMO_PASSWORD
from course_app.modules.models import Course, Enrollment
from course_app.modules.services import course_statuses
from course_app.quizzes import services as quizzes


def main() -> None:
    app = create_app()
    with app.app_context():
        db = get_session()
        course = db.scalar(select(Course).where(Course.slug == "dry-needling-level-1"))
        learner = _fresh_learner(db, course)
        quiz = quizzes.find_quiz(db, course.id, "regulation-in-canada")
        status = quizzes.quiz_status(
            db, learner.id, quiz, course_statuses(db, learner.id)[course.slug], utcnow()
        )
        attempt = quizzes.start_attempt(db, learner.id, status, utcnow())
        cert = certificates.issue_unchecked(db, course, learner, current_issuer())
        db.commit()
        print(
            json.dumps(
                {
                    "learner_email": learner.email,
                    "learner_password": DEMO_PASSWORD,
                    "attempt_id": attempt.id,
                    "certificate": cert.public_id,
                }
            )
        )


def _fresh_learner(db, course: Course) -> User:
    """A learner with no attempts yet, so a quiz can be started for the autosave benchmark."""
    learner = User(
        email="bench-learner@example.org",
        password_hash=hash_password(DEMO_PASSWORD),
        full_name="Bench Learner",
        role="learner",
        registration_number="PT-BENCH1",
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

"""The queued-issue benchmark (benchmarks/issue_queue.py) times real issues only if its
learners pass the real eligibility rule: the rows benchmarks/eligible.py inserts must make
every requirement of Level 1 met (else the benchmark would time refusals)."""

from sqlalchemy import select

from benchmarks.eligible import seed_eligible
from course_app.certificates.eligibility import candidates
from course_app.modules.models import Course

LEVEL_1 = "dry-needling-level-1"


def test_the_benchmarks_learners_are_eligible_by_the_real_rule(real_app, db):
    with real_app.app_context():
        ids = seed_eligible(db, 3, LEVEL_1)
        db.commit()
        course = db.scalar(select(Course).where(Course.slug == LEVEL_1))
        found = candidates(db, course)
    assert sorted(c.learner.id for c in found) == sorted(ids)
    unmet = {c.learner.id: [r.label for r in c.checks if not r.met] for c in found}
    assert unmet == {learner: [] for learner in ids}
    assert all(c.certificate is None for c in found)

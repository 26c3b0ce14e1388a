"""seed-demo inserts consistent demo data in bulk."""

from sqlalchemy import func, select

from course_app.auth.models import User
from course_app.config import REPO_ROOT
from course_app.quizzes.models import Attempt, AttemptItem
from tests.helpers import login


def test_seed_demo_makes_learners_with_graded_attempts_that_log_in(make_app, db):
    app = make_app(CONTENT_DIR=str(REPO_ROOT / "content"))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["load-content"]).exit_code == 0
    result = runner.invoke(args=["seed-demo", "--learners", "12"])
    assert result.exit_code == 0, result.output
    assert db.scalar(select(func.count()).select_from(User)) == 12
    attempts = db.scalars(select(Attempt)).all()
    assert f"{len(attempts)} attempts" in result.output
    assert all(0 <= a.score <= 1 and a.passed is not None for a in attempts)
    items = db.scalar(select(func.count()).select_from(AttemptItem))
    assert items == 6 * len(attempts)
    client = app.test_client()
    email = db.scalar(select(User.email).limit(1))
    assert login(client, email, "demo password 1234").status_code == 302
    gradebook_rows = db.scalar(select(func.count(func.distinct(Attempt.user_id))))
    assert gradebook_rows == 12

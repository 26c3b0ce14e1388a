"""Assessment: module quizzes and final exams, attempts, grading: the ``quizzes`` blueprint."""

from datetime import datetime

from flask import Blueprint, Flask

bp = Blueprint("quizzes", __name__)


def format_score(score: float | None) -> str:
    """0.8 → "80 %"; an ungraded attempt shows a dash."""
    from course_app.quizzes.grading import score_percent

    return "–" if score is None else f"{score_percent(score):g} %"


def format_utc(moment: datetime | None) -> str:
    return "–" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"


def init_app(app: Flask) -> None:
    from course_app.quizzes import idempotency, views  # noqa: F401  (views: the routes)

    app.register_blueprint(bp)
    app.add_template_filter(format_score, "score")
    app.add_template_filter(format_utc, "utc")
    app.add_template_global(idempotency.new_key, "new_idempotency_key")

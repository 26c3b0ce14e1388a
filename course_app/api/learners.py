"""A token owner's own data: standing per course, attempt summaries, certificates."""

from flask_smorest import Blueprint
from sqlalchemy import select

from course_app import permissions
from course_app.api import paging
from course_app.api.auth import SECURITY, has_scope, require_scope, token_user, with_scope
from course_app.api.schemas import AttemptListSchema, CertificatePageSchema, StandingListSchema
from course_app.certificates.models import Certificate
from course_app.db import get_session
from course_app.modules.models import Course, Enrollment
from course_app.quizzes.models import Attempt, Quiz
from course_app.requirements import CourseStanding
from course_app.standings import learner_standing

blp = Blueprint("api_learners", __name__, description="Your own standing, attempts, certificates")


def standing_item(slug: str, standing: CourseStanding) -> dict:
    """The single standing rule (requirements.py), read, never recomputed here."""
    progress = standing.progress
    return {
        "course": slug,
        "percent": progress.percent,
        "lessons_done": progress.lessons_done,
        "lessons_total": progress.lessons_total,
        "quizzes_passed": progress.quizzes_passed,
        "quizzes_total": len(progress.quizzes),
        "complete": progress.is_complete,
        "eligible": standing.eligible,
        "requirements": [
            {"label": r.label, "met": r.met, "detail": r.detail} for r in standing.requirements
        ],
    }


@blp.route("/me/standing")
@blp.doc(security=SECURITY)
@blp.response(200, StandingListSchema)
@with_scope("read:self")
def my_standing(user):
    """Where you stand in each course you are enrolled in."""
    session = get_session()
    courses = session.execute(
        select(Course.id, Course.slug)
        .join(Enrollment, Enrollment.course_id == Course.id)
        .where(Enrollment.user_id == user.id)
        .order_by(Course.position, Course.id)
    ).all()
    items = []
    for course_id, slug in courses:
        standing = learner_standing(session, course_id, user.id)
        if standing is not None:
            items.append(standing_item(slug, standing))
    return {"items": items}


@blp.route("/me/attempts")
@blp.doc(security=SECURITY)
@blp.response(200, AttemptListSchema)
@with_scope("read:self")
def my_attempts(user):
    """Your quiz attempts, oldest first: scores and results, never questions or keys."""
    rows = get_session().execute(
        select(Attempt, Quiz.slug, Course.slug)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(Course, Course.id == Quiz.course_id)
        .where(Attempt.user_id == user.id)
        .order_by(Attempt.id)
    )
    items = [
        {
            "id": attempt.id,
            "course": course_slug,
            "quiz": quiz_slug,
            "number": attempt.number,
            "status": attempt.status,
            "started_at": attempt.started_at,
            "finished_at": attempt.finished_at,
            "score": attempt.score,
            "passed": attempt.passed,
        }
        for attempt, quiz_slug, course_slug in rows
    ]
    return {"items": items}


@blp.route("/certificates")
@blp.doc(security=SECURITY)
@blp.arguments(paging.PageArgs, location="query", as_kwargs=True)
@blp.response(200, CertificatePageSchema)
def certificates(**args):
    """Your certificates; with admin:certificates, an administrator's token reads everyone's."""
    user = token_user(None)
    query = select(Certificate)
    if not (permissions.can_list_all_certificates(user) and has_scope("admin:certificates")):
        require_scope("read:self")
        query = query.where(Certificate.user_id == user.id)
    return paging.page(get_session(), query, Certificate.id, args)

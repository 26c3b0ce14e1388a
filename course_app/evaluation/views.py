"""A learner answers a course's evaluation; its instructors read the anonymous report."""

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from course_app import permissions
from course_app.db import get_session
from course_app.evaluation import bp, services
from course_app.evaluation.questions import SCALE, AnswersRefused, questions_of
from course_app.exceptions import DomainError
from course_app.i18n import N_
from course_app.instructor.loading import taught_course_or_404
from course_app.modules import services as modules
from course_app.progress import evaluation_block_reason


class AnswerForm(FlaskForm):
    """CSRF only: the questions come from the course, read from the posted form."""


@bp.route("/courses/<course_slug>/evaluation", methods=["GET", "POST"])
@login_required
def answer(course_slug: str):
    """The course's evaluation: open once the online part is done, answered once."""
    db = get_session()
    status = modules.course_statuses(db, current_user.id).get(course_slug)
    if status is None or not status.course.evaluation:
        abort(404)
    permissions.require(
        permissions.can_answer_evaluation(current_user, status),
        N_("The evaluation is for the course's enrolled learners."),
    )
    questions = questions_of(status.course.evaluation)
    answered = services.has_answered(db, status.course.id, current_user.id)
    blocked = None if answered else evaluation_block_reason(status.progress)
    form, problems = AnswerForm(), {}
    if not answered and not blocked and form.validate_on_submit():
        try:
            services.submit(
                db,
                status.course.id,
                current_user.id,
                questions,
                request.form.to_dict(),
            )
        except AnswersRefused as refused:
            db.rollback()
            problems = refused.problems
        except DomainError as error:
            db.rollback()
            flash(error.message, "error")
            return redirect(url_for("evaluation.answer", course_slug=course_slug), 303)
        else:
            db.commit()
            flash(_("Thank you: your evaluation was recorded, without your name."), "success")
            return redirect(url_for("modules.course", course_slug=course_slug))
    failed = bool(problems) or bool(form.errors)
    return render_template(
        "evaluation/answer.html",
        status=status,
        questions=questions,
        scale=SCALE,
        form=form,
        problems=problems,
        given=request.form if failed else {},
        answered=answered,
        blocked=blocked,
    ), 400 if failed else 200


def _minimum() -> int:
    return int(current_app.config["EVALUATION_MIN_RESPONSES"])


@bp.get("/instructor/courses/<course_slug>/evaluation")
@login_required
def report(course_slug: str):
    """The answers per course and per cohort, each shown only with enough responses."""
    course = taught_course_or_404(course_slug)
    found = services.course_report(get_session(), course, _minimum())
    return render_template(
        "evaluation/report.html", course=course, report=found, scale=SCALE, minimum=_minimum()
    )


@bp.get("/instructor/courses/<course_slug>/evaluation.csv")
@login_required
def report_csv(course_slug: str):
    course = taught_course_or_404(course_slug)
    found = services.course_report(get_session(), course, _minimum())
    return Response(
        services.as_csv(course, found),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="evaluation-{course.slug}.csv"'},
    )

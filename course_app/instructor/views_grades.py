"""Gradebook, a learner's attempts, one attempt's answers, item analysis and regrading."""

import secrets
from datetime import date

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from course_app import permissions
from course_app.auth.models import User
from course_app.bounded import bounded_date, bounded_int
from course_app.db import get_session, utcnow
from course_app.exceptions import DomainError
from course_app.i18n import N_
from course_app.instructor import (
    analysis,
    bp,
    cohorts,
    gradebook,
    gradebook_export,
    item_review,
    regrade_job,
    regrading,
)
from course_app.instructor.forms import AllowanceForm
from course_app.instructor.loading import taught_course_or_404
from course_app.jobs.queue import submit
from course_app.modules import lesson_time
from course_app.modules.models import Course, Enrollment
from course_app.quizzes import allowances, answering
from course_app.quizzes import services as quiz_services
from course_app.quizzes.content import FINAL_EXAM_SLUG
from course_app.quizzes.models import (
    Attempt,
    Question,
    QuestionVersion,
    Quiz,
    in_course_order,
    is_current_version,
)


def _filters(args=None) -> gradebook.Filters:
    args = request.args if args is None else args
    status = args.get("status") if args.get("status") in gradebook.STATUSES else None
    eligible = {"yes": True, "no": False}.get(args.get("eligible", ""))
    return gradebook.Filters(
        cohort_id=args.get("cohort", type=bounded_int),
        status=status,
        enrolled_from=bounded_date(args.get("from")),
        enrolled_to=bounded_date(args.get("to")),
        sort=args.get("sort", "name"),
        descending=args.get("order") == "desc",
        search=" ".join(args.get("q", "").split())[:100],
        eligible=eligible,
    )


@bp.get("/courses/<course_slug>/gradebook", endpoint="gradebook")
def gradebook_page(course_slug: str):
    """Learners × quizzes: best score and attempts per cell, completion and CE minutes."""
    course = taught_course_or_404(course_slug)
    db = get_session()
    number = request.args.get("page", 1, type=bounded_int)
    book, page = gradebook.gradebook_page(db, course, _filters(), number)
    return render_template(
        "instructor/gradebook.html",
        book=book,
        page=page,
        quiz_labels=gradebook.quiz_labels(book.quizzes, FINAL_EXAM_SLUG),
        args={key: value for key, value in request.args.items() if key != "page"},
        filters=_filters(),
        cohorts=[c for c, _n in cohorts.cohorts_of(db, course.id)],
        statuses=gradebook.STATUSES,
        referred=allowances.referred(db, course.id),
        job_key=secrets.token_urlsafe(16),  # the export form's: sent twice, one job
    )


@bp.get("/courses/<course_slug>/gradebook.csv")
def gradebook_csv(course_slug: str):
    """The same rows, filtered and sorted the same way, as CSV: streamed, a thousand
    learners at a time, so a large course is never held in memory at once."""
    course = taught_course_or_404(course_slug)
    db = get_session()
    batches = gradebook.batches(db, course, _filters())
    quizzes = next(batches)
    db.rollback()  # nothing was written: a stream never read holds no transaction open

    def lines():
        try:
            yield from gradebook.csv_lines(quizzes, batches)
        finally:  # the stream's own reads end with it, closed by the client or not
            db.rollback()

    filename = f"gradebook-{course.slug}-{date.today().isoformat()}.csv"
    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.post("/courses/<course_slug>/gradebook/export")
def export_gradebook(course_slug: str):
    """The gradebook's rows (the form carries the page's filters) as CSV, made by a job."""
    course = taught_course_or_404(course_slug)
    params = gradebook_export.filter_params(course, _filters(request.form))
    key = request.form.get("job_key", "")
    try:
        job = submit(get_session(), gradebook_export.KIND, [0], current_user.id, key, params)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("instructor.gradebook", course_slug=course.slug), 303)
    return redirect(url_for("jobs.page", job_id=job.id), 303)


def _enrolled_learner_or_404(course: Course, learner_id: int) -> User:
    query = (
        select(User)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(User.id == learner_id, Enrollment.course_id == course.id)
    )
    return get_session().scalar(query) or abort(404)


@bp.get("/courses/<course_slug>/learners/<int:learner_id>")
def learner(course_slug: str, learner_id: int):
    """Every attempt of one learner in this course, their time on task per lesson, and the
    exceptions granted to them."""
    course = taught_course_or_404(course_slug)
    person = _enrolled_learner_or_404(course, learner_id)
    return _learner_page(course, person, _allowance_form(course))


def _learner_page(course: Course, person: User, form: AllowanceForm, status: int = 200):
    db = get_session()
    query = (
        select(Attempt, Quiz)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Attempt.user_id == person.id, Quiz.course_id == course.id)
        .order_by(*in_course_order(), Attempt.number)
    )
    quizzes = {int(value): label for value, label in form.quiz.choices}
    return render_template(
        "instructor/learner.html",
        course=course,
        person=person,
        attempts=db.execute(query).all(),
        form=form,
        lessons=lesson_time.times_in_course(db, person.id, course.id),
        granted=allowances.granted(db, person.id, list(quizzes)),
        quizzes=quizzes,
    ), status


def _allowance_form(course: Course) -> AllowanceForm:
    form = AllowanceForm()
    db = get_session()
    final = quiz_services.find_quiz(db, course.id, FINAL_EXAM_SLUG)
    quizzes = [*quiz_services.module_quizzes(db, course.id).values(), *([final] if final else [])]
    form.quiz.choices = [(str(quiz.id), quiz.title) for quiz in quizzes]
    return form


@bp.post("/courses/<course_slug>/learners/<int:learner_id>/allowance")
def grant_allowance(course_slug: str, learner_id: int):
    """Grant one learner extra attempts at a quiz or lift its cooldown, with a reason."""
    course = taught_course_or_404(course_slug)
    person = _enrolled_learner_or_404(course, learner_id)
    form = _allowance_form(course)
    if not form.validate_on_submit():
        return _learner_page(course, person, form, 400)
    db = get_session()
    quiz = db.get(Quiz, int(form.quiz.data))
    try:
        allowances.grant(
            db,
            person.id,
            quiz,
            form.extra_attempts.data,
            form.lift_cooldown.data,
            form.reason.data,
            current_user.id,
            utcnow(),
        )
    except DomainError as error:
        db.rollback()
        form.reason.errors.append(error.message)
        return _learner_page(course, person, form, 400)
    db.commit()
    flash(
        _("Exception granted to %(name)s for %(quiz)s.", name=person.full_name, quiz=quiz.title),
        "success",
    )
    return redirect(url_for("instructor.learner", course_slug=course.slug, learner_id=person.id))


@bp.get("/attempts/<int:attempt_id>")
def attempt(attempt_id: int):
    """One attempt with every answer, the right answers and any regrades."""
    db = get_session()
    attempt = db.get(Attempt, attempt_id) or abort(404)
    permissions.require(
        permissions.can_teach(current_user, attempt.quiz.course_id),
        N_("You do not teach this course."),
    )
    references = {ref["id"]: ref["citation"] for ref in attempt.quiz.course.references}
    return render_template(
        "instructor/attempt.html",
        attempt=attempt,
        person=db.get(User, attempt.user_id),
        items=answering.shown_items(db, attempt),
        regrades=quiz_services.regrades_of(db, attempt.id),
        references=references,
        shows_feedback=True,
    )


def _quiz_or_404(course: Course, quiz_slug: str) -> Quiz:
    return quiz_services.find_quiz(get_session(), course.id, quiz_slug) or abort(404)


@bp.get("/courses/<course_slug>/quizzes")
def quizzes(course_slug: str):
    """The course's quizzes and their question banks."""
    course = taught_course_or_404(course_slug)
    db = get_session()
    quiz_rows = db.scalars(
        select(Quiz)
        .where(Quiz.course_id == course.id, ~Quiz.is_archived)
        .order_by(*in_course_order())
    ).all()
    questions = db.execute(
        select(Question, QuestionVersion)
        .join(
            QuestionVersion,
            is_current_version(),
        )
        .where(Question.course_id == course.id, ~Question.is_archived)
        .order_by(*in_course_order(Question)[:2], Question.key)
    ).all()
    return render_template(
        "instructor/quizzes.html",
        course=course,
        quizzes=quiz_rows,
        questions=questions,
        review=item_review.course_review(db, course),
    )


@bp.get("/courses/<course_slug>/quizzes/<quiz_slug>/analysis")
def item_analysis(course_slug: str, quiz_slug: str):
    """Facility, discrimination, distractors and reliability, with charts and tables."""
    course = taught_course_or_404(course_slug)
    minimum = current_app.config["ITEM_ANALYSIS_MIN_ANSWERS"]
    result = analysis.analyse(get_session(), _quiz_or_404(course, quiz_slug), minimum)
    return render_template("instructor/analysis.html", course=course, result=result)


def _version_or_404(course: Course, key: str, number: int | None) -> QuestionVersion:
    db = get_session()
    question = db.scalar(
        select(Question).where(Question.course_id == course.id, Question.key == key)
    )
    if question is None:
        abort(404)
    query = select(QuestionVersion).where(
        QuestionVersion.question_id == question.id,
        QuestionVersion.number == (number or question.version),
    )
    return db.scalar(query) or abort(404)


@bp.get("/courses/<course_slug>/questions/<key>/regrade")
def regrade(course_slug: str, key: str):
    """Choose the corrected key; with one chosen, preview which attempts would change."""
    course = taught_course_or_404(course_slug)
    version = _version_or_404(course, key, request.args.get("version", type=bounded_int))
    correct = frozenset(request.args.getlist("correct"))
    changes, error = None, None
    if "correct" in request.args:
        try:
            changes = regrading.preview(get_session(), version, correct)
        except DomainError as problem:
            error = problem.message
    return render_template(
        "instructor/regrade.html",
        course=course,
        key=key,
        version=version,
        correct=correct or version.correct_keys,
        changes=changes,
        error=error,
    ), 400 if error else 200


@bp.post("/courses/<course_slug>/questions/<key>/regrade")
def apply_regrade(course_slug: str, key: str):
    """Apply the corrected key to every attempt that showed this version, in one transaction."""
    course = taught_course_or_404(course_slug)
    version = _version_or_404(course, key, request.form.get("version", type=bounded_int))
    correct = frozenset(request.form.getlist("correct"))
    db = get_session()
    try:
        if regrade_job.runs_as_job(len(regrading.preview(db, version, correct))):
            return _regrade_as_job(course, version, correct)
        regrading.apply(db, version, correct, request.form.get("reason", ""), current_user.id)
    except DomainError as error:
        db.rollback()
        flash(error.message, "error")
        args = {"version": version.number, "correct": sorted(correct)}
        return redirect(
            url_for("instructor.regrade", course_slug=course.slug, key=key, **args), 303
        )
    db.commit()
    flash(f"Regraded: the new key of “{key}” applies to every attempt that used it.", "success")
    return redirect(url_for("instructor.quizzes", course_slug=course.slug))


def _regrade_as_job(course: Course, version, correct: frozenset[str]):
    """Many attempts: fix the key now (committed), regrade them in a job, show its page."""
    db = get_session()
    regrade, attempt_ids = regrading.fix_key(
        db, version, correct, request.form.get("reason", ""), current_user.id
    )
    params = {"regrade_id": regrade.id, "course": course.slug}
    key = f"regrade-{regrade.id}"  # one job per regrade, made with it
    job = submit(db, regrade_job.KIND, attempt_ids, current_user.id, key, params)
    return redirect(url_for("jobs.page", job_id=job.id), 303)

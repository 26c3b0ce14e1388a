"""Catalog, course, lesson and dashboard pages."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from course_app import permissions, timing
from course_app.auth.jurisdictions import jurisdiction_name
from course_app.certificates.models import Certificate
from course_app.claims import ARTICLE_CLAIMS
from course_app.db import get_session
from course_app.modules import bp, lesson_time, services
from course_app.modules.media import find_served
from course_app.modules.search import MAX_QUERY, search_lessons
from course_app.progress import LessonItem, QuizItem
from course_app.requirements import CourseStanding
from course_app.standings import learner_standing


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _status_or_404(course_slug: str) -> services.CourseStatus:
    status = services.course_statuses(get_session(), _user_id()).get(course_slug)
    if status is None:
        abort(404)
    return status


@bp.get("/courses")
def catalog():
    """Every course, with the learner's progress and any lock (naming what remains in the
    course it needs)."""
    statuses = list(services.course_statuses(get_session(), _user_id()).values())
    return render_template(
        "modules/catalog.html", statuses=statuses, standings=_standings(statuses)
    )


@bp.get("/search")
@login_required
def search():
    """Lessons the user may open that match the words searched for, with snippets."""
    query = request.args.get("q", "")[: MAX_QUERY * 5].strip()
    hits = search_lessons(get_session(), current_user, query) if query else []
    return render_template("modules/search.html", query=query, hits=hits, max_query=MAX_QUERY)


@bp.get("/dashboard")
@login_required
def dashboard():
    """The learner's courses, progress, CE minutes and what remains in each (a locked
    course names what remains in the course it needs)."""
    statuses = list(services.course_statuses(get_session(), current_user.id).values())
    return render_template(
        "modules/dashboard.html",
        statuses=statuses,
        standings=_standings(statuses),
        jurisdiction_name=jurisdiction_name,
    )


def _standings(statuses) -> dict[int, CourseStanding]:
    """The learner's standing in each course they are enrolled in, by course id."""
    if not current_user.is_authenticated:
        return {}
    db = get_session()
    found = {
        s.course.id: learner_standing(db, s.course.id, current_user.id)
        for s in statuses
        if s.is_enrolled
    }
    return {course_id: standing for course_id, standing in found.items() if standing}


@bp.get("/courses/<course_slug>")
def course(course_slug: str):
    """A course's modules and lessons, progress, what remains (with the learner's practical:
    cohort, each competency's result), and the enrol or resume button; while it is locked,
    what remains in the course it needs; once complete, what comes next."""
    statuses = services.course_statuses(get_session(), _user_id())
    status = statuses.get(course_slug) or abort(404)
    db = get_session()
    standing = prerequisite = None
    if status.is_enrolled:
        standing = learner_standing(db, status.course.id, current_user.id)
    needed = status.course.prerequisite
    if status.is_locked and needed and statuses[needed.slug].is_enrolled:
        prerequisite = learner_standing(db, needed.id, current_user.id)
    return render_template(
        "modules/course.html",
        status=status,
        standing=standing,
        prerequisite=prerequisite,
        next_courses=[s for s in statuses.values() if s.course.prerequisite_id == status.course.id],
        certificate=_certificate(status) if status.progress.is_complete else None,
    )


def _certificate(status: services.CourseStatus) -> str | None:
    """The public id of the learner's valid certificate for this course, if issued."""
    query = select(Certificate.public_id).where(
        Certificate.user_id == current_user.id,
        Certificate.course_id == status.course.id,
        Certificate.status == "valid",
    )
    return get_session().scalar(query.order_by(Certificate.issued_at.desc()).limit(1))


@bp.post("/courses/<course_slug>/enrol")
@login_required
def enrol(course_slug: str):
    """Enrol in a course that is open to this learner."""
    status = _status_or_404(course_slug)
    db = get_session()
    if services.enroll(db, current_user.id, status):
        db.commit()
        flash(_("You are enrolled in %(course)s.", course=status.course.title), "success")
    else:
        flash(_("You were already enrolled in this course."), "info")
    return redirect(url_for("modules.course", course_slug=course_slug))


@bp.get("/courses/<course_slug>/resume")
@login_required
def resume(course_slug: str):
    """Go to the first lesson not yet completed."""
    status = _status_or_404(course_slug)
    permissions.check_course_open(current_user, status)
    lesson = status.progress.next_lesson
    if not permissions.can_read_lessons(current_user, status) or lesson is None:
        return redirect(url_for("modules.course", course_slug=course_slug))
    return redirect(url_for("modules.lesson", course_slug=course_slug, lesson_slug=lesson.slug))


@bp.get("/courses/<course_slug>/lessons/<lesson_slug>")
@login_required
def lesson(course_slug: str, lesson_slug: str):
    """One lesson; locked courses answer 403 with the reason. An enrolled learner's page
    carries a signed token for recording time on task (rendering it writes nothing)."""
    status = _status_or_404(course_slug)
    lesson = status.lesson(lesson_slug) or abort(404)
    permissions.check_course_open(current_user, status)
    if not permissions.can_read_lessons(current_user, status):
        flash(_("Enrol in this course to read its lessons."), "info")
        return redirect(url_for("modules.course", course_slug=course_slug))
    previous, _following = status.progress.neighbours(lesson.id)
    return render_template(
        "modules/lesson.html",
        next_url=_url_of(course_slug, status.progress.step_after(lesson.id)),
        status=status,
        lesson=lesson,
        previous=previous,
        following=status.progress.step_after(lesson.id),
        claims=ARTICLE_CLAIMS,
        references=_references(status, lesson),
        is_done=status.progress.is_done(lesson.id),
        **_time_on_task(status, lesson),
    )


@bp.post("/courses/<course_slug>/lessons/<lesson_slug>/complete")
@login_required
def complete(course_slug: str, lesson_slug: str):
    """Mark a lesson complete once its time on task is enough, and move on to the next one."""
    status = _status_or_404(course_slug)
    lesson = status.lesson(lesson_slug) or abort(404)
    here = url_for("modules.lesson", course_slug=course_slug, lesson_slug=lesson_slug)
    db = get_session()
    token = request.form.get("page_token")
    try:
        outcome = services.complete_lesson(db, current_user.id, status, lesson, token)
    except services.NotEnrolled as error:
        flash(error.message, "error")
        return redirect(url_for("modules.course", course_slug=course_slug))
    except lesson_time.PageTokenRefused as error:
        flash(error.message, "error")
        return redirect(here)
    db.commit()  # the time the token showed counts even when it is not enough yet
    if not outcome.is_complete:
        flash(outcome.time.shortfall_message, "error")
        return redirect(here)
    flash(_("“%(lesson)s” is marked complete.", lesson=lesson.title), "success")
    return redirect(_url_of(course_slug, status.progress.step_after(lesson.id)))


def _url_of(course_slug: str, step) -> str:
    """A lesson's or a quiz's page (the course page when there is nothing after)."""
    if isinstance(step, LessonItem):
        return url_for("modules.lesson", course_slug=course_slug, lesson_slug=step.slug)
    if isinstance(step, QuizItem):
        return url_for("quizzes.overview", course_slug=course_slug, quiz_slug=step.slug)
    return url_for("modules.course", course_slug=course_slug)


@bp.post("/courses/<course_slug>/lessons/<lesson_slug>/time")
@login_required
def record_time(course_slug: str, lesson_slug: str):
    """A heartbeat from the lesson page's script: record the time on task since the last one.
    Answers JSON: the time recorded and needed, and a message for the page."""
    status = _status_or_404(course_slug)
    lesson = status.lesson(lesson_slug) or abort(404)
    form = request.form
    db = get_session()
    try:
        time = services.record_time(
            db, current_user.id, status, lesson, form.get("page_token"), form.get("resumed") == "1"
        )
    except services.NotEnrolled as error:
        return {"message": error.message}, 403
    except lesson_time.PageTokenRefused as error:
        return {"message": error.message}, 400
    db.commit()
    return {
        "recorded_seconds": time.recorded_seconds,
        "needed_seconds": time.needed_seconds,
        "message": time.progress_message,
    }


def _time_on_task(status: services.CourseStatus, lesson) -> dict:
    """The page token (for an enrolled learner with the lesson still to complete) and the
    time the lesson needs."""
    recording = status.is_enrolled and not status.progress.is_done(lesson.id)
    share = lesson_time.share()
    return {
        "page_token": lesson_time.page_token(current_user.id, lesson.id) if recording else None,
        "share": share,
        "needed_seconds": timing.needed_seconds(lesson.minutes, share),
    }


def _references(status: services.CourseStatus, lesson) -> list[dict]:
    by_id = {ref["id"]: ref for ref in status.course.references}
    return [by_id[ref_id] for ref_id in lesson.sources if ref_id in by_id]


#: A figure or document may be opened on its own: nothing in it may run or load anything.
MEDIA_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@bp.get("/media/<course_slug>/<file_name>")
def media(course_slug: str, file_name: str):
    """One of a course's own figures or documents. Its URL carries its content hash (``?v=``),
    so browsers keep it for good; without the hash, for five minutes. A document downloads."""
    figure = find_served(get_session(), course_slug, file_name) or abort(404)
    response = Response(figure.data, content_type=figure.media_type)
    if figure.kind == "document":
        response.headers["Content-Disposition"] = f'attachment; filename="{figure.file_name}"'
    response.set_etag(figure.sha256)
    response.cache_control.public = True
    if request.args.get("v") == figure.sha256[:12]:
        response.cache_control.max_age, response.cache_control.immutable = 31_536_000, True
    else:
        response.cache_control.max_age = 300
    response.headers["Content-Security-Policy"] = MEDIA_POLICY
    return response.make_conditional(request)

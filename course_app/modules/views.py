"""Catalog, course, lesson and dashboard pages."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from course_app import permissions
from course_app.auth.jurisdictions import jurisdiction_name
from course_app.claims import ARTICLE_CLAIMS
from course_app.db import get_session
from course_app.modules import bp, services
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
    """Every course, with the learner's progress and any lock."""
    statuses = services.course_statuses(get_session(), _user_id())
    return render_template("modules/catalog.html", statuses=list(statuses.values()))


@bp.get("/dashboard")
@login_required
def dashboard():
    """The learner's courses, progress and CE minutes."""
    statuses = list(services.course_statuses(get_session(), current_user.id).values())
    return render_template(
        "modules/dashboard.html", statuses=statuses, jurisdiction_name=jurisdiction_name
    )


@bp.get("/courses/<course_slug>")
def course(course_slug: str):
    """A course's modules and lessons, progress, what remains (with the learner's practical:
    cohort, each competency's result), and the enrol or resume button."""
    status = _status_or_404(course_slug)
    standing = None
    if status.is_enrolled:
        standing = learner_standing(get_session(), status.course.id, current_user.id)
    return render_template("modules/course.html", status=status, standing=standing)


@bp.post("/courses/<course_slug>/enrol")
@login_required
def enrol(course_slug: str):
    """Enrol in a course that is open to this learner."""
    status = _status_or_404(course_slug)
    db = get_session()
    if services.enroll(db, current_user.id, status):
        db.commit()
        flash(f"You are enrolled in {status.course.title}.", "success")
    else:
        flash("You were already enrolled in this course.", "info")
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
    """One lesson; locked courses answer 403 with the reason."""
    status = _status_or_404(course_slug)
    lesson = status.lesson(lesson_slug) or abort(404)
    permissions.check_course_open(current_user, status)
    if not permissions.can_read_lessons(current_user, status):
        flash("Enrol in this course to read its lessons.", "info")
        return redirect(url_for("modules.course", course_slug=course_slug))
    previous, following = status.progress.neighbours(lesson.id)
    return render_template(
        "modules/lesson.html",
        status=status,
        lesson=lesson,
        previous=previous,
        following=following,
        claims=ARTICLE_CLAIMS,
        references=_references(status, lesson),
        is_done=status.progress.is_done(lesson.id),
    )


@bp.post("/courses/<course_slug>/lessons/<lesson_slug>/complete")
@login_required
def complete(course_slug: str, lesson_slug: str):
    """Mark a lesson complete and move on to the next one."""
    status = _status_or_404(course_slug)
    lesson = status.lesson(lesson_slug) or abort(404)
    db = get_session()
    try:
        services.complete_lesson(db, current_user.id, status, lesson)
    except services.NotEnrolled as error:
        flash(error.message, "error")
        return redirect(url_for("modules.course", course_slug=course_slug))
    db.commit()
    flash(f"“{lesson.title}” is marked complete.", "success")
    _previous, following = status.progress.neighbours(lesson.id)
    if following is None:
        return redirect(url_for("modules.course", course_slug=course_slug))
    return redirect(url_for("modules.lesson", course_slug=course_slug, lesson_slug=following.slug))


def _references(status: services.CourseStatus, lesson) -> list[dict]:
    by_id = {ref["id"]: ref for ref in status.course.references}
    return [by_id[ref_id] for ref_id in lesson.sources if ref_id in by_id]

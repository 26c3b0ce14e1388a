"""Administration pages."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from course_app.admin import bp
from course_app.db import get_session
from course_app.exceptions import DomainError
from course_app.instructor import cohorts
from course_app.instructor.forms import StaffForm
from course_app.mail.models import OutboxMessage
from course_app.modules.models import Course

OUTBOX_PAGE_SIZE = 50


@bp.get("/")
def index():
    """Administration home."""
    return render_template("admin/index.html")


@bp.get("/outbox")
def outbox():
    """Every e-mail the platform sent or would have sent, newest first (reset links too)."""
    page = max(request.args.get("page", 1, type=int), 1)
    query = (
        select(OutboxMessage)
        .order_by(OutboxMessage.id.desc())
        .limit(OUTBOX_PAGE_SIZE + 1)
        .offset((page - 1) * OUTBOX_PAGE_SIZE)
    )
    messages = list(get_session().scalars(query))
    return render_template(
        "admin/outbox.html",
        messages=messages[:OUTBOX_PAGE_SIZE],
        page=page,
        has_more=len(messages) > OUTBOX_PAGE_SIZE,
    )


def _course_or_404(course_slug: str) -> Course:
    query = select(Course).where(Course.slug == course_slug, ~Course.is_archived)
    return get_session().scalar(query) or abort(404)


@bp.get("/courses")
def courses():
    """Every course with its instructors, and forms to assign more."""
    db = get_session()
    rows = [
        (course, cohorts.staff_of(db, course.id), StaffForm(prefix=course.slug, formdata=None))
        for course in db.scalars(
            select(Course).where(~Course.is_archived).order_by(Course.position)
        )
    ]
    return render_template("admin/courses.html", rows=rows)


@bp.post("/courses/<course_slug>/staff")
def assign_staff(course_slug: str):
    """Assign an instructor (by e-mail) to a course."""
    course = _course_or_404(course_slug)
    form, db = StaffForm(prefix=course.slug), get_session()
    if not form.validate_on_submit():
        flash("Enter the instructor's e-mail address.", "error")
        return redirect(url_for("admin.courses"), 303)
    try:
        user = cohorts.assign_instructor(db, course, form.email.data, current_user.id)
    except DomainError as error:
        db.rollback()
        flash(error.message, "error")
        return redirect(url_for("admin.courses"), 303)
    db.commit()
    flash(f"{user.full_name} now teaches {course.title}.", "success")
    return redirect(url_for("admin.courses"))


@bp.post("/courses/<course_slug>/staff/<int:user_id>/remove")
def remove_staff(course_slug: str, user_id: int):
    """Take an instructor off a course (their past sign-offs stay)."""
    course = _course_or_404(course_slug)
    db = get_session()
    try:
        cohorts.unassign_instructor(db, course, user_id, current_user.id)
    except DomainError as error:
        db.rollback()
        flash(error.message, "error")
        return redirect(url_for("admin.courses"), 303)
    db.commit()
    flash("Instructor removed from the course.", "success")
    return redirect(url_for("admin.courses"))

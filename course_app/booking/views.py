"""The learner's practical page and seat actions, and staff's seat actions on a roster."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from course_app import mail, permissions
from course_app.auth.models import User
from course_app.booking import bp, services
from course_app.db import get_session
from course_app.exceptions import DomainError
from course_app.i18n import N_
from course_app.instructor.models import Cohort
from course_app.modules import services as modules
from course_app.standings import learner_standing


def _cutoff() -> float:
    return float(current_app.config["PRACTICAL_CANCEL_CUTOFF_HOURS"])


@bp.get("/courses/<course_slug>/practical")
@login_required
def offerings(course_slug: str):
    """A course's cohorts (dates, place, seats left, instructors) with the learner's seat or
    place in line, and their own practical results per competency."""
    status = modules.course_statuses(get_session(), current_user.id).get(course_slug)
    if status is None or not status.course.competencies:
        abort(404)
    db = get_session()
    standing = None
    if status.is_enrolled:
        standing = learner_standing(db, status.course.id, current_user.id)
    return render_template(
        "booking/offerings.html",
        status=status,
        standing=standing,
        offerings=services.offerings(db, status.course.id, current_user.id, _cutoff()),
        cutoff_hours=_cutoff(),
    )


def _learner_action(cohort_id: int, action, done: str):
    """Run one of the learner's seat actions on a cohort, then back to the course's page."""
    db = get_session()
    cohort = db.get(Cohort, cohort_id) or abort(404)
    permissions.require(
        permissions.can_book_practical(current_user), N_("Only learners book practical seats.")
    )
    here = url_for("booking.offerings", course_slug=cohort.course.slug)
    try:
        message_ids = action(db, cohort) or []
    except DomainError as error:
        db.rollback()
        flash(error.message, "error")
        return redirect(here, 303)
    db.commit()
    for message_id in message_ids:
        mail.deliver(message_id)
    flash(done, "success")
    return redirect(here)


@bp.post("/cohorts/<int:cohort_id>/book")
@login_required
def book(cohort_id: int):
    return _learner_action(
        cohort_id,
        lambda db, cohort: services.book(db, cohort, _learner(db)),
        _("Your seat is booked; staff will confirm it."),
    )


@bp.post("/cohorts/<int:cohort_id>/waitlist")
@login_required
def join_waitlist(cohort_id: int):
    return _learner_action(
        cohort_id,
        lambda db, cohort: services.join_waitlist(db, cohort, _learner(db)),
        _("You are on the waiting list: a freed seat goes to the first in line."),
    )


@bp.post("/cohorts/<int:cohort_id>/waitlist/leave")
@login_required
def leave_waitlist(cohort_id: int):
    return _learner_action(
        cohort_id,
        lambda db, cohort: services.leave_waitlist(db, cohort, _learner(db)),
        _("You left the waiting list."),
    )


@bp.post("/cohorts/<int:cohort_id>/cancel")
@login_required
def cancel(cohort_id: int):
    return _learner_action(
        cohort_id,
        lambda db, cohort: services.cancel_own(db, cohort, _learner(db), _cutoff()),
        _("Your seat is cancelled."),
    )


def _learner(db) -> User:
    return db.get(User, current_user.id)


def _staff_action(cohort_id: int, learner_id: int, action, done: str):
    """Run one of staff's seat actions (whoever runs the cohort), then back to its roster."""
    db = get_session()
    cohort = db.get(Cohort, cohort_id) or abort(404)
    permissions.require(
        permissions.can_manage_seats(current_user, cohort.course_id, cohort.id),
        N_("You are not an instructor of this cohort."),
    )
    learner = db.get(User, learner_id) or abort(404)
    try:
        message_ids = action(db, cohort, learner)
    except DomainError as error:
        db.rollback()
        flash(error.message, "error")
        return redirect(url_for("instructor.cohort", cohort_id=cohort.id), 303)
    db.commit()
    for message_id in message_ids:
        mail.deliver(message_id)
    flash(done.format(name=learner.full_name), "success")
    return redirect(url_for("instructor.cohort", cohort_id=cohort.id))


SEAT = "/instructor/cohorts/<int:cohort_id>/learners/<int:learner_id>/seat"


@bp.post(f"{SEAT}/confirm")
@login_required
def confirm_seat(cohort_id: int, learner_id: int):
    return _staff_action(
        cohort_id,
        learner_id,
        lambda db, cohort, learner: services.confirm(db, cohort, learner, current_user.id),
        "{name}'s seat is confirmed; they were told by e-mail.",
    )


@bp.post(f"{SEAT}/move")
@login_required
def move_seat(cohort_id: int, learner_id: int):
    def action(db, cohort, learner):
        target = db.get(Cohort, request.form.get("target", type=int) or 0)
        if target is None:
            raise DomainError("Choose the cohort to move the seat to.")
        return services.move(db, cohort, learner, target, current_user.id)

    return _staff_action(
        cohort_id, learner_id, action, "{name}'s seat is moved; they were told by e-mail."
    )


@bp.post(f"{SEAT}/cancel")
@login_required
def cancel_seat(cohort_id: int, learner_id: int):
    return _staff_action(
        cohort_id,
        learner_id,
        lambda db, cohort, learner: services.cancel_by_staff(
            db, cohort, learner, current_user.id, request.form.get("reason", "")
        ),
        "{name}'s seat is cancelled; they were told by e-mail.",
    )

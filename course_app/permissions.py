"""Every permission rule, in one place; views call these and templates see them as globals."""

from flask import Flask, flash, g, redirect, request, url_for
from flask_login import AnonymousUserMixin, current_user
from sqlalchemy import select

from course_app.auth.models import Role, SignedInUser, User
from course_app.db import get_session
from course_app.exceptions import AccessDenied
from course_app.i18n import N_
from course_app.instructor.models import CohortInstructor, CourseStaff
from course_app.modules.services import CourseStatus

AnyUser = User | SignedInUser | AnonymousUserMixin


def is_admin(user: AnyUser) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


def is_staff(user: AnyUser) -> bool:
    """Instructors and administrators, who see all content whatever its lock."""
    return user.is_authenticated and user.role in (Role.INSTRUCTOR, Role.ADMIN)


def can_view_outbox(user: AnyUser) -> bool:
    return is_admin(user)


def is_instructor(user: AnyUser) -> bool:
    return user.is_authenticated and user.role == Role.INSTRUCTOR


def taught_course_ids(user: AnyUser) -> frozenset[int]:
    """The courses an instructor is assigned to (loaded once per request)."""
    if not is_instructor(user):
        return frozenset()
    if "taught_course_ids" not in g:
        query = select(CourseStaff.course_id).where(CourseStaff.user_id == user.id)
        g.taught_course_ids = frozenset(get_session().scalars(query))
    return g.taught_course_ids


def can_teach(user: AnyUser, course_id: int) -> bool:
    """Author the course, see its gradebook and analysis, regrade: its instructors, admins."""
    return is_admin(user) or course_id in taught_course_ids(user)


def can_use_workspace(user: AnyUser) -> bool:
    return is_admin(user) or is_instructor(user)


def can_run_cohort(user: AnyUser, course_id: int, cohort_id: int) -> bool:
    """Sign off a cohort's practicals: the course's instructors, the cohort's own, admins."""
    if can_teach(user, course_id):
        return True
    if not is_instructor(user):
        return False
    query = select(CohortInstructor.id).where(
        CohortInstructor.cohort_id == cohort_id, CohortInstructor.user_id == user.id
    )
    return get_session().scalar(query) is not None


def can_book_practical(user: AnyUser) -> bool:
    """Learners book, wait for and cancel their own seats (staff place learners instead)."""
    return user.is_authenticated and user.role == Role.LEARNER


def can_manage_seats(user: AnyUser, course_id: int, cohort_id: int) -> bool:
    """Confirm, move or cancel learners' seats: whoever runs the cohort."""
    return can_run_cohort(user, course_id, cohort_id)


def can_record_incident(user: AnyUser, course_id: int, cohort_id: int) -> bool:
    """Record a lab incident, and read the cohort's log: whoever runs the cohort."""
    return can_run_cohort(user, course_id, cohort_id)


def can_view_incidents(user: AnyUser) -> bool:
    """Every cohort's incidents, and their CSV export: administrators."""
    return is_admin(user)


def can_assign_staff(user: AnyUser) -> bool:
    return is_admin(user)


def can_set_accommodations(user: AnyUser) -> bool:
    """Extra time for a learner is set by instructors or administrators."""
    return is_staff(user)


def can_see_learner(user: AnyUser, enrolled_course_ids: frozenset[int]) -> bool:
    """A learner's details (their address, to fill a form in) are shown to administrators and
    to the instructors of a course the learner is enrolled in, no one else."""
    return is_admin(user) or bool(taught_course_ids(user) & enrolled_course_ids)


def can_read_lessons(user: AnyUser, status: CourseStatus) -> bool:
    """Learners read an open course once enrolled; staff read everything."""
    return is_staff(user) or (status.is_enrolled and not status.is_locked)


def check_course_open(user: AnyUser, status: CourseStatus) -> None:
    """Raise AccessDenied (403 with the reason) while a course is locked for this learner."""
    if status.lock_reason is not None and not is_staff(user):
        raise AccessDenied(status.lock_reason)


def can_answer_evaluation(user: AnyUser, status: CourseStatus) -> bool:
    """A course's participant evaluation: its enrolled learners, while the course is open."""
    return (
        user.is_authenticated
        and user.role == Role.LEARNER
        and status.is_enrolled
        and not status.is_locked
    )


def can_view_job(user: AnyUser, created_by_id: int | None) -> bool:
    """A background job's page: whoever started it, and administrators."""
    return is_admin(user) or (user.is_authenticated and user.id == created_by_id)


def can_edit_profile(user: AnyUser) -> bool:
    """Their own account page, data export and closure: every signed-in person."""
    return user.is_authenticated


def can_decide_name_changes(user: AnyUser) -> bool:
    """Approve or refuse name changes (certificates carry the name): administrators."""
    return is_admin(user)


#: What a personal access token may be allowed to do, by the owner's role: a token never
#: reaches further than its owner does in the browser.
TOKEN_SCOPES = {
    "read:self": "Your own standing, attempts and certificates",
    "read:courses": "Courses and their structure",
    "read:gradebook": "The gradebook and learners' standing in the courses you teach",
    "admin:certificates": "Every learner's certificates: read, issue and revoke",
    "admin:users": "Every account",
}
_ROLE_SCOPES = {
    Role.LEARNER: ("read:self", "read:courses"),
    Role.INSTRUCTOR: ("read:self", "read:courses", "read:gradebook"),
    Role.ADMIN: tuple(TOKEN_SCOPES),
}


def grantable_scopes(user: AnyUser) -> tuple[str, ...]:
    """The scopes this person may give a token of their own."""
    if not user.is_authenticated:
        return ()
    return _ROLE_SCOPES.get(user.role, ())


def can_manage_tokens(user: AnyUser) -> bool:
    """Create and revoke their own API tokens: every signed-in person."""
    return user.is_authenticated


def can_list_all_certificates(user: AnyUser) -> bool:
    return is_admin(user)


def can_list_users(user: AnyUser) -> bool:
    return is_admin(user)


def can_manage_certificates(user: AnyUser) -> bool:
    """Issue and revoke certificates (the queue's pages, the API): administrators."""
    return is_admin(user)


def gradebook_course_ids(user: AnyUser) -> frozenset[int] | None:
    """The courses whose gradebook and enrolments this person reads (None: every course, for
    an administrator): those :func:`can_teach` allows."""
    return None if is_admin(user) else taught_course_ids(user)


def can_manage_lti(user: AnyUser) -> bool:
    """Register LTI platforms and read their rosters: administrators."""
    return is_admin(user)


def can_pick_deep_link(user: AnyUser, picker_user_id: int | None) -> bool:
    """Answer a platform's deep-linking request: only the account its instructor launched as
    (the request is kept in that session; teaching there was checked at the launch)."""
    return user.is_authenticated and picker_user_id == user.id


def can_export_learning_records(user: AnyUser) -> bool:
    """Every learner's xAPI statements: administrators only."""
    return is_admin(user)


def require(allowed: bool, reason: str = N_("You do not have access to this page.")) -> None:
    """Refuse (403) unless ``allowed``; ``reason`` is marked with ``N_`` by the caller and
    translated on the error page."""
    if not allowed:
        raise AccessDenied(reason)


#: What an account that must change its password may still reach.
PASSWORD_CHANGE_ENDPOINTS = frozenset(
    {"auth.change_password", "auth.logout", "static", "favicon", "favicon_svg"}
)


def must_change_password_first(user: AnyUser, endpoint: str | None) -> bool:
    """An account whose password someone else chose (the generated first-admin one) reaches
    only the change-password page and logout until it picks its own."""
    return (
        user.is_authenticated
        and bool(getattr(user, "must_change_password", False))
        and endpoint not in PASSWORD_CHANGE_ENDPOINTS
    )


def _send_to_password_change():
    if must_change_password_first(current_user, request.endpoint):
        flash("Choose your own password before going on.", "info")
        return redirect(url_for("auth.change_password"))
    return None


def init_app(app: Flask) -> None:
    app.before_request(_send_to_password_change)
    app.jinja_env.globals.update(
        is_admin=is_admin,
        is_staff=is_staff,
        can_view_outbox=can_view_outbox,
        can_set_accommodations=can_set_accommodations,
        can_teach=can_teach,
        can_use_workspace=can_use_workspace,
        can_read_lessons=can_read_lessons,
        can_book_practical=can_book_practical,
        can_decide_name_changes=can_decide_name_changes,
    )

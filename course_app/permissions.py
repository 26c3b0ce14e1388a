"""Every permission rule, in one place; views call these and templates see them as globals."""

from flask import Flask
from flask_login import AnonymousUserMixin

from course_app.auth.models import Role, User
from course_app.exceptions import AccessDenied
from course_app.modules.services import CourseStatus

AnyUser = User | AnonymousUserMixin


def is_admin(user: AnyUser) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


def is_staff(user: AnyUser) -> bool:
    """Instructors and administrators, who see all content whatever its lock."""
    return user.is_authenticated and user.role in (Role.INSTRUCTOR, Role.ADMIN)


def can_view_outbox(user: AnyUser) -> bool:
    return is_admin(user)


def can_set_accommodations(user: AnyUser) -> bool:
    """Extra time for a learner is set by instructors or administrators."""
    return is_staff(user)


def can_read_lessons(user: AnyUser, status: CourseStatus) -> bool:
    """Learners read an open course once enrolled; staff read everything."""
    return is_staff(user) or (status.is_enrolled and not status.is_locked)


def check_course_open(user: AnyUser, status: CourseStatus) -> None:
    """Raise AccessDenied (403 with the reason) while a course is locked for this learner."""
    if status.lock_reason is not None and not is_staff(user):
        raise AccessDenied(status.lock_reason)


def require(allowed: bool, reason: str = "You do not have access to this page.") -> None:
    if not allowed:
        raise AccessDenied(reason)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        is_admin=is_admin,
        is_staff=is_staff,
        can_view_outbox=can_view_outbox,
        can_set_accommodations=can_set_accommodations,
        can_read_lessons=can_read_lessons,
    )

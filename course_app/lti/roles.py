"""Rules on the LTI roles claim (pure functions)."""

from collections.abc import Iterable

from course_app.auth.models import Role

#: Roles (context, institution or system vocabulary) that teach rather than learn.
TEACHING = ("Instructor", "ContentDeveloper", "Mentor", "TeachingAssistant", "Faculty")


def short_names(roles: Iterable[str]) -> set[str]:
    """``http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor`` → ``Instructor``;
    sub-roles (``membership/Instructor#TeachingAssistant``) give their last name."""
    return {role.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for role in roles if role}


def is_teaching(roles: Iterable[str]) -> bool:
    return bool(short_names(roles) & set(TEACHING))


def role_for(roles: Iterable[str]) -> Role:
    """Our role for a new account: instructor for teaching roles, learner otherwise. A
    platform never makes anyone an administrator here."""
    return Role.INSTRUCTOR if is_teaching(roles) else Role.LEARNER


def kept_role(current: str, roles: Iterable[str]) -> str:
    """An existing account's role after a launch: a learner the platform now calls an
    instructor becomes one; nobody is lowered (an instructor or admin stays what they are)."""
    if current == Role.LEARNER and is_teaching(roles):
        return Role.INSTRUCTOR
    return current

"""Who can be added to a cohort: the course's enrolled learners not in it yet, found by part
of their name, e-mail or registration number, so staff pick a person instead of typing an
address from memory. Searched in SQL with a limit: a course may have 10,000 learners."""

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from course_app.auth.models import Role, User
from course_app.instructor.models import Cohort, CohortMember
from course_app.modules.models import Enrollment

#: How many matches the cohort page lists; more asks the person to type more of the name.
SHOWN = 20
#: A search shorter than this lists nobody (one letter matches half a course).
SHORTEST = 2


def addable_learners(session: Session, cohort: Cohort, find: str) -> tuple[list[User], bool]:
    """Active learners enrolled in the cohort's course and not in this cohort whose name,
    e-mail or registration number contains ``find`` (case-insensitive), in name order: at
    most SHOWN of them, and whether there were more."""
    words = " ".join(find.split())[:100]
    if len(words) < SHORTEST:
        return [], False
    in_cohort = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)
    query = (
        select(User)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(
            Enrollment.course_id == cohort.course_id,
            User.role == Role.LEARNER,
            User.is_active,
            User.id.not_in(in_cohort),
            matches(words),
        )
        .order_by(func.lower(User.full_name), User.id)
        .limit(SHOWN + 1)
    )
    found = list(session.scalars(query))
    return found[:SHOWN], len(found) > SHOWN


def matches(find: str):
    """Name, e-mail or registration number contains ``find``, case-insensitive (``%`` and
    ``_`` as text): how staff find a learner (the cohort's search, the gradebook's)."""
    text = " ".join(find.split()).lower()
    return or_(
        func.lower(User.full_name).contains(text, autoescape=True),
        func.lower(User.email).contains(text, autoescape=True),
        func.lower(User.registration_number).contains(text, autoescape=True),
    )


def instructors(session: Session) -> list[User]:
    """Every active instructor, in name order: the people a course can be given to (a few
    dozen at most, so the admin's course page offers them all)."""
    query = select(User).where(User.role == Role.INSTRUCTOR, User.is_active)
    return list(session.scalars(query.order_by(func.lower(User.full_name), User.id)))

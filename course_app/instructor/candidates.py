"""Who can be added to a cohort: the course's enrolled learners not in it yet, in name order,
so staff pick a person by name instead of typing an e-mail address from memory."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.auth.models import Role, User
from course_app.instructor.models import Cohort, CohortMember
from course_app.listing import natural_key
from course_app.modules.models import Enrollment


def addable_learners(session: Session, cohort: Cohort) -> list[User]:
    """Active learners enrolled in the cohort's course and not in this cohort."""
    in_cohort = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)
    query = (
        select(User)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(
            Enrollment.course_id == cohort.course_id,
            User.role == Role.LEARNER,
            User.is_active,
            User.id.not_in(in_cohort),
        )
    )
    return sorted(session.scalars(query), key=lambda user: (natural_key(user.full_name), user.id))

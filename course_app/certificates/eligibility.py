"""Who may have a certificate: the chosen learners' standing (the one rule, requirements.py,
loaded by standings.py) with their valid certificate, and the administrators' queue of
them, filtered, counted and paged in the database."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, load_only

from course_app.auth.models import User
from course_app.certificates.models import Certificate
from course_app.db import utcnow
from course_app.listing import Page, page_of
from course_app.modules.models import Course, EnrolmentStanding
from course_app.requirements import CourseStanding, Requirement
from course_app.standings import enrolled, standings

#: What a list of certificates reads: never the PDF or the signed credential (~50 KB each).
LISTED = (
    Certificate.id,
    Certificate.public_id,
    Certificate.user_id,
    Certificate.status,
    Certificate.expires_on,
)


@dataclass(frozen=True)
class Candidate:
    learner: User
    standing: CourseStanding
    certificate: Certificate | None

    @property
    def checks(self) -> list[Requirement]:
        return self.standing.requirements

    @property
    def eligible(self) -> bool:
        return self.standing.eligible


def candidates(session: Session, course: Course, learner_id: int | None = None) -> list[Candidate]:
    """Every enrolled learner (or just one) with their standing: a fixed number of queries."""
    ids = enrolled(course)
    if learner_id is not None:
        ids = ids.where(User.id == learner_id)
    return _candidates(session, course, ids)


def eligibility(
    session: Session, course: Course, learner_ids: Sequence[int]
) -> dict[int, Candidate]:
    """The chosen learners who are enrolled, by id, with their standing and valid
    certificate: computed once, for them only, in a fixed number of queries (the rule is
    ``requirements.py``'s, read through ``standings.py``)."""
    if not learner_ids:
        return {}
    ids = enrolled(course).where(User.id.in_(set(learner_ids)))
    return {c.learner.id: c for c in _candidates(session, course, ids)}


def _candidates(session: Session, course: Course, ids: Select) -> list[Candidate]:
    standing = standings(session, course, ids)
    today = utcnow().date()
    valid = {
        c.user_id: c
        for c in session.scalars(
            select(Certificate)
            .options(load_only(*LISTED))  # never the PDF or the credential
            .where(
                Certificate.course_id == course.id,
                Certificate.status == "valid",
                Certificate.user_id.in_(ids),  # these learners' only, not the course's
            )
        )
        if c.status_on(today) == "valid"  # an expired one can be renewed
    }
    # Natural order (Learner 2 before Learner 10), as the queue pages them.
    learners = session.scalars(select(User).where(User.id.in_(ids)).order_by(*NAME_ORDER))
    return [Candidate(u, standing[u.id], valid.get(u.id)) for u in learners]


#: Learners in natural name order, ties by id: the order every page of the queue shares.
NAME_ORDER = (User.name_key, User.id)


def _valid_certificate_today():
    today = utcnow().date()
    return exists().where(
        Certificate.user_id == User.id,
        Certificate.status == "valid",
        or_(Certificate.expires_on.is_(None), Certificate.expires_on >= today),
    )


def queue_page(
    session: Session, course: Course, text: str, ready_only: bool, requested: int | None
) -> tuple[Page, list[Candidate]]:
    """One page of the course's queue: learners whose name contains ``text``, counted and
    paged in the database, standings read (the rule, live) for that page only. With
    ``ready_only``, those eligible without a valid certificate: eligibility is read from the
    stored standings (``standing_store``) and the certificate checked, both in the
    database."""
    ids = enrolled(course)
    if text:
        ids = ids.where(func.lower(User.full_name).contains(text.casefold(), autoescape=True))
    if ready_only:
        stored = select(EnrolmentStanding.user_id).where(
            EnrolmentStanding.course_id == course.id, EnrolmentStanding.eligible
        )
        ids = ids.where(
            User.id.in_(stored),
            ~_valid_certificate_today().where(Certificate.course_id == course.id),
        )
    total = session.scalar(select(func.count()).select_from(ids.subquery()))
    page = page_of(total, requested)
    shown = ids.order_by(*NAME_ORDER).limit(page.size).offset(page.offset)
    # The page's ids as a list: a LIMIT inside the loaders' IN (...) is read per query.
    chosen = list(session.scalars(shown))
    if not chosen:
        return page, []
    return page, _candidates(session, course, enrolled(course).where(User.id.in_(chosen)))

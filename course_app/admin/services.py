"""Administration use cases: users (roles, activation, licence verification), the audit log
and completion reports. Every change is written to the audit trail; nothing commits here."""

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from course_app import spreadsheet
from course_app.audit.models import AuditEntry
from course_app.audit.services import record
from course_app.auth import services as auth_services
from course_app.auth.models import Role, User
from course_app.certificates.models import Certificate
from course_app.db import utcnow
from course_app.exceptions import DomainError
from course_app.instructor import cohorts
from course_app.instructor.models import Cohort, CohortMember
from course_app.listing import Page, page_of
from course_app.modules.models import Course, Enrollment, EnrolmentStanding, Lesson
from course_app.quizzes.models import Quiz
from course_app.standing_store import refresh_learner


@dataclass(frozen=True)
class UserFilters:
    """The users list's filters: text in the name, e-mail or registration number; a role;
    active or not (None: either)."""

    text: str = ""
    role: str = ""
    active: bool | None = None
    #: Only people whose registration awaits an administrator's check (new or changed).
    unverified: bool = False


def _matching(text: str):
    """Name, e-mail or registration number contains ``text`` (case-insensitive; ``%`` and
    ``_`` are text, not wildcards)."""
    words = text.strip().lower()
    return or_(
        func.lower(User.full_name).contains(words, autoescape=True),
        func.lower(User.email).contains(words, autoescape=True),
        func.lower(func.coalesce(User.registration_number, "")).contains(words, autoescape=True),
    )


def search_users(
    session: Session, filters: UserFilters, requested: int | None
) -> tuple[Page, list[User]]:
    """One page of the users the filters match, in natural name order (Learner 2 before
    Learner 10): filtered, counted, ordered and paged in the database (two queries)."""
    query = select(User)
    if filters.text.strip():
        query = query.where(_matching(filters.text))
    if filters.role in tuple(Role):
        query = query.where(User.role == filters.role)
    if filters.active is not None:
        query = query.where(User.is_active == filters.active)
    if filters.unverified:
        query = query.where(
            User.registration_number.is_not(None),
            User.registration_number != "",
            User.licence_verified_at.is_(None),
            User.closed_at.is_(None),
        )
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    page = page_of(total, requested)
    shown = query.order_by(User.name_key, User.id).limit(page.size).offset(page.offset)
    return page, list(session.scalars(shown))


def invite(session: Session, data: auth_services.Invitation, actor_id: int) -> User:
    """Create an account of any role for its owner to activate from an invitation link."""
    user = auth_services.invite_user(session, data)
    after = {"email": user.email, "full_name": user.full_name, "role": user.role}
    record(session, actor_id, "user.invited", ("user", user.id), None, after)
    return user


def _admins_left(session: Session, excluding: int) -> int:
    query = select(func.count()).where(
        User.role == Role.ADMIN, User.is_active, User.id != excluding
    )
    return session.scalar(query)


def set_role(session: Session, user: User, role: str, actor_id: int) -> None:
    if role not in tuple(Role):
        raise DomainError(_("Unknown role."))
    if role == user.role:
        raise DomainError(_("%(name)s already has this role.", name=user.full_name))
    if user.role == Role.ADMIN and not _admins_left(session, user.id):
        raise DomainError(_("The last active administrator cannot be demoted."))
    if role == Role.LEARNER and not user.registration_number:
        raise DomainError(_("A learner needs a registration number; this account has none."))
    before = {"role": user.role}
    user.role = role
    record(session, actor_id, "user.role_changed", ("user", user.id), before, {"role": role})


def set_active(session: Session, user: User, active: bool, actor_id: int) -> None:
    if active and user.closed_at is not None:
        raise DomainError(_("Its owner closed this account: it cannot be reactivated."))
    if not active and user.role == Role.ADMIN and not _admins_left(session, user.id):
        raise DomainError(_("The last active administrator cannot be deactivated."))
    before = {"is_active": user.is_active}
    user.is_active = active
    if not active:
        user.rotate_session_token()  # every cookie issued before stays dead on reactivation
    record(
        session,
        actor_id,
        "user.activated" if active else "user.deactivated",
        ("user", user.id),
        before,
        {"is_active": active},
    )


def verify_licence(session: Session, user: User, actor_id: int, note: str) -> None:
    """Record that an administrator checked the registration number with the regulator."""
    if not user.registration_number:
        raise DomainError(_("This account has no registration number to verify."))
    before = {
        "licence_verified_at": user.licence_verified_at.isoformat()
        if user.licence_verified_at
        else None
    }
    user.licence_verified_at = utcnow()
    user.licence_verified_by_id = actor_id
    refresh_learner(session, user.id)  # the licence check is in every course's standing
    record(
        session,
        actor_id,
        "user.licence_verified",
        ("user", user.id),
        before,
        {
            "licence_verified_at": user.licence_verified_at.isoformat(),
            "registration_number": user.registration_number,
        },
        note.strip(),
    )


def rename(session: Session, user: User, name: str, actor_id: int) -> None:
    name = name.strip()
    if not name or len(name) > 200:
        raise DomainError(_("Enter the full name (at most 200 characters)."))
    before = {"full_name": user.full_name}
    user.full_name = name
    record(session, actor_id, "user.renamed", ("user", user.id), before, {"full_name": name})


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    #: Text in the actor's name or e-mail address.
    actor: str = ""
    since: date | None = None
    until: date | None = None


def _audit_query(filters: AuditFilters):
    query = select(AuditEntry)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.actor.strip():
        name = filters.actor.strip().lower()
        actors = select(User.id).where(
            or_(
                func.lower(User.full_name).contains(name, autoescape=True),
                func.lower(User.email).contains(name, autoescape=True),
            )
        )
        query = query.where(AuditEntry.actor_id.in_(actors))
    if filters.since:
        query = query.where(AuditEntry.at >= datetime.combine(filters.since, time.min, tzinfo=UTC))
    if filters.until:
        end = datetime.combine(filters.until, time.min, tzinfo=UTC) + timedelta(days=1)
        query = query.where(AuditEntry.at < end)
    return query


def audit_entries(session: Session, filters: AuditFilters, page: Page | None = None):
    """(entry, actor name) newest first: one page of them, or all (for the CSV)."""
    matching = _audit_query(filters).subquery()
    query = (
        select(AuditEntry, User.full_name)
        .join(matching, matching.c.id == AuditEntry.id)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .order_by(AuditEntry.id.desc())
    )
    if page is not None:
        query = query.limit(page.size).offset(page.offset)
    return session.execute(query).all()


def audit_page(session: Session, filters: AuditFilters, requested: int | None):
    """The page of entries asked for (bounded to the pages there are) and its rows."""
    total = session.scalar(select(func.count()).select_from(_audit_query(filters).subquery()))
    page = page_of(total, requested)
    return page, audit_entries(session, filters, page)


#: The objects audit entries name, and the column that names each.
_NAMED_SUBJECTS = {
    "user": (User, User.full_name),
    "course": (Course, Course.title),
    "cohort": (Cohort, Cohort.name),
    "lesson": (Lesson, Lesson.title),
    "quiz": (Quiz, Quiz.title),
    "certificate": (Certificate, Certificate.public_id),
}


def subject_names(session: Session, entries) -> dict[tuple[str, int], str]:
    """The names of the entries' subjects, one query per kind of subject."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        wanted.setdefault(entry.subject_type, set()).add(entry.subject_id)
    names = {}
    for kind, ids in wanted.items():
        if kind in _NAMED_SUBJECTS:
            model, column = _NAMED_SUBJECTS[kind]
            for row_id, name in session.execute(select(model.id, column).where(model.id.in_(ids))):
                names[(kind, row_id)] = name
    return names


def audit_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def audit_csv(rows) -> str:
    out = io.StringIO()
    writer = spreadsheet.writer(out)
    writer.writerow(["id", "at", "actor", "action", "subject", "before", "after", "reason", "hash"])
    for entry, actor in rows:
        writer.writerow(
            [
                entry.id,
                entry.at.isoformat(),
                actor or "system",
                entry.action,
                f"{entry.subject_type} {entry.subject_id}",
                entry.before,
                entry.after,
                entry.reason,
                entry.entry_hash,
            ]
        )
    return out.getvalue()


@dataclass(frozen=True)
class CompletionRow:
    scope: str
    enrolled: int
    complete: int

    @property
    def rate(self) -> int:
        return (100 * self.complete) // self.enrolled if self.enrolled else 0


def completion_report(session: Session) -> list[CompletionRow]:
    """Completion per course and per cohort (a cohort's learners who completed the course).

    Counted in the database from the stored standings (the rule's results, kept by
    ``standing_store``): two counting queries and each course's cohorts, whatever the
    number of learners."""
    complete = func.coalesce(func.sum(case((EnrolmentStanding.complete, 1), else_=0)), 0)
    per_course = dict(
        (course_id, (enrolled, done))
        for course_id, enrolled, done in session.execute(
            select(Enrollment.course_id, func.count(), complete)
            .outerjoin(
                EnrolmentStanding,
                and_(
                    EnrolmentStanding.user_id == Enrollment.user_id,
                    EnrolmentStanding.course_id == Enrollment.course_id,
                ),
            )
            .group_by(Enrollment.course_id)
        )
    )
    per_cohort = {
        cohort_id: (members, done)
        for cohort_id, members, done in session.execute(
            select(CohortMember.cohort_id, func.count(), complete)
            .join(Cohort, Cohort.id == CohortMember.cohort_id)
            .outerjoin(
                EnrolmentStanding,
                and_(
                    EnrolmentStanding.user_id == CohortMember.user_id,
                    EnrolmentStanding.course_id == Cohort.course_id,
                ),
            )
            .group_by(CohortMember.cohort_id)
        )
    }
    report = []
    courses = session.scalars(select(Course).where(~Course.is_archived).order_by(Course.position))
    for course in courses:
        report.append(CompletionRow(course.title, *per_course.get(course.id, (0, 0))))
        for cohort, _count in cohorts.cohorts_of(session, course.id):
            counts = per_cohort.get(cohort.id, (0, 0))
            report.append(CompletionRow(f"{course.title} — cohort {cohort.name}", *counts))
    return report


def completion_csv(rows: list[CompletionRow]) -> str:
    out = io.StringIO()
    writer = spreadsheet.writer(out)
    writer.writerow(["Course or cohort", "Enrolled", "Complete", "Completion %"])
    for row in rows:
        writer.writerow([row.scope, row.enrolled, row.complete, row.rate])
    return out.getvalue()

"""Where many learners stand in one course, loaded in a fixed number of queries: lessons done,
quizzes passed, the practical (latest cohort, hours, latest result per competency, assessors),
the licence check and whether the course evaluation was answered. The rules are pure and live
in ``progress.py``, ``practical.py`` and ``requirements.py``; the gradebook, the certificate
queue and eligibility read them from here.
"""

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Select, String, cast, func, select
from sqlalchemy.orm import Session

from course_app.auth.models import User
from course_app.evaluation.models import EvaluationSubmission
from course_app.instructor.models import Cohort, CohortMember, CompetencySignoff
from course_app.modules.models import Course, Enrollment, Lesson, LessonProgress
from course_app.modules.services import CourseOutline, course_outline
from course_app.practical import CohortFacts, PracticalRecord, Signoff, latest_results
from course_app.progress import QuizItem
from course_app.quizzes.models import Attempt
from course_app.requirements import CourseStanding


def enrolled(course: Course) -> Select:
    """The ids of the course's learners: narrow it (``.where``) and pass it to the loaders.

    The loaders use it as a subquery rather than binding a list of ids: a thousand bound ids
    cost more than the query itself."""
    return (
        select(User.id)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.course_id == course.id)
    )


def standings(
    session: Session, course: Course, ids: Select, outline: CourseOutline | None = None
) -> dict[int, CourseStanding]:
    """Each selected learner's standing in the course (six queries, whatever their number)."""
    outline = outline or course_outline(session, course)
    licences = dict(
        session.execute(select(User.id, User.licence_verified_at).where(User.id.in_(ids))).all()
    )
    lessons = completed_lessons(session, course, ids)
    passed = passed_quizzes(session, outline.quizzes, ids)
    records = practical_records(session, course, ids)
    evaluated = evaluated_learners(session, course, ids)
    return {
        user_id: standing_of(
            outline,
            course,
            lessons.get(user_id, frozenset()),
            passed.get(user_id, frozenset()),
            records.get(user_id, PracticalRecord()),
            licence is not None,
            user_id in evaluated,
        )
        for user_id, licence in licences.items()
    }


def standing_of(
    outline: CourseOutline,
    course: Course,
    lessons: frozenset[int],
    passed: frozenset[int],
    record: PracticalRecord,
    licence_verified: bool,
    evaluated: bool = False,
) -> CourseStanding:
    return CourseStanding(
        outline.progress(lessons, passed, record, evaluated),
        outline.checklist,
        record,
        course.practical_hours,
        licence_verified,
    )


def evaluated_learners(session: Session, course: Course, ids: Select) -> frozenset[int]:
    """The selected learners who answered the course's evaluation (none asked: no query)."""
    if not course.evaluation:
        return frozenset()
    return frozenset(
        session.scalars(
            select(EvaluationSubmission.user_id).where(
                EvaluationSubmission.course_id == course.id, EvaluationSubmission.user_id.in_(ids)
            )
        )
    )


def completed_lessons(session: Session, course: Course, ids: Select) -> dict[int, frozenset]:
    """Completed lesson ids per learner: one row per learner ("12,13,15"), not per lesson,
    read through Core: ORM row handling tripled the cost for 20,000 rows."""
    lesson_ids = func.aggregate_strings(cast(LessonProgress.lesson_id, String), ",")
    rows = session.connection().execute(
        select(LessonProgress.user_id, lesson_ids)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(Lesson.course_id == course.id, LessonProgress.user_id.in_(ids))
        .group_by(LessonProgress.user_id)
    )
    return {user_id: frozenset(map(int, joined.split(","))) for user_id, joined in rows}


def passed_quizzes(
    session: Session, quizzes: Sequence[QuizItem], ids: Select
) -> dict[int, frozenset[int]]:
    quiz_ids = [quiz.id for quiz in quizzes]
    if not quiz_ids:
        return {}
    rows = session.connection().execute(
        select(Attempt.user_id, Attempt.quiz_id)
        .where(Attempt.user_id.in_(ids), Attempt.quiz_id.in_(quiz_ids), Attempt.passed)
        .distinct()
    )
    passed: dict[int, set[int]] = defaultdict(set)
    for user_id, quiz_id in rows:
        passed[user_id].add(quiz_id)
    return {user_id: frozenset(quizzes) for user_id, quizzes in passed.items()}


def practical_records(session: Session, course: Course, ids: Select) -> dict[int, PracticalRecord]:
    """Per learner: their latest cohort of this course (by start date), the hours attended
    there, the latest result per competency across cohorts, and who signed them off."""
    if not course.competencies:
        return {}
    members = session.execute(
        select(CohortMember.user_id, CohortMember.practical_hours, Cohort)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(Cohort.course_id == course.id, CohortMember.user_id.in_(ids))
        .order_by(Cohort.starts_on, Cohort.id)
    ).all()
    signoffs, assessors = _signoffs(session, course, ids)
    records = {}
    for user_id, hours, cohort in members:  # the latest cohort wins
        records[user_id] = PracticalRecord(
            _facts(cohort), hours, latest_results(signoffs[user_id]), assessors[user_id]
        )
    for user_id in set(signoffs) - set(records):  # results kept from a cohort since left
        records[user_id] = PracticalRecord(None, 0.0, latest_results(signoffs[user_id]))
    return records


def _signoffs(session: Session, course: Course, ids: Select):
    assessor = select(User.full_name).where(User.id == CompetencySignoff.assessor_id)
    second = select(User.full_name).where(User.id == CompetencySignoff.second_assessor_id)
    rows = session.execute(
        select(
            CompetencySignoff.user_id,
            CompetencySignoff.competency_key,
            CompetencySignoff.result,
            CompetencySignoff.recorded_at,
            CompetencySignoff.id,
            CompetencySignoff.confirmed_pass(),
            assessor.scalar_subquery(),
            second.scalar_subquery(),
        )
        .join(Cohort, Cohort.id == CompetencySignoff.cohort_id)
        .where(Cohort.course_id == course.id, CompetencySignoff.user_id.in_(ids))
    ).all()
    signoffs: dict[int, list[Signoff]] = defaultdict(list)
    names: dict[int, set[str]] = defaultdict(set)
    for user_id, key, result, at, order, confirmed, first, other in rows:
        signoffs[user_id].append(Signoff(key, result, at, order, bool(confirmed)))
        if result == "pass":
            names[user_id] |= {name for name in (first, other) if name}
    return signoffs, defaultdict(tuple, {u: tuple(sorted(n)) for u, n in names.items()})


def _facts(cohort: Cohort) -> CohortFacts:
    return CohortFacts(
        cohort.id, cohort.name, cohort.starts_on, cohort.ends_on, cohort.location, cohort.lab_hours
    )


def learner_standing(session: Session, course_id: int, user_id: int) -> CourseStanding | None:
    """One enrolled learner's standing (None when not enrolled): the course page's "what
    remains" and practical."""
    course = session.get(Course, course_id)
    found = standings(session, course, enrolled(course).where(User.id == user_id))
    return found.get(user_id)

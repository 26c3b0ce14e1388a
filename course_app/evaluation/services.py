"""Answer a course's evaluation, and read the anonymous report (services: a session and plain
data in, domain errors out; the view commits)."""

import io
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course_app import spreadsheet
from course_app.evaluation.models import EvaluationResponse, EvaluationSubmission
from course_app.evaluation.questions import (
    RATING,
    SCALE,
    Question,
    Report,
    clean_answers,
    questions_of,
    report,
)
from course_app.exceptions import DomainError
from course_app.instructor.models import Cohort, CohortMember
from course_app.modules.models import Course
from course_app.standing_store import refresh_standing


class AlreadyAnswered(DomainError):
    pass


def has_answered(session: Session, course_id: int, user_id: int) -> bool:
    query = select(EvaluationSubmission.id).where(
        EvaluationSubmission.course_id == course_id, EvaluationSubmission.user_id == user_id
    )
    return session.scalar(query) is not None


def learner_cohort(session: Session, course_id: int, user_id: int) -> int | None:
    """The learner's latest cohort of the course (by start date), kept with the answers for
    the per-cohort report; None when they are in none."""
    return session.scalar(
        select(Cohort.id)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(Cohort.course_id == course_id, CohortMember.user_id == user_id)
        .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
        .limit(1)
    )


def submit(
    session: Session,
    course_id: int,
    user_id: int,
    questions: tuple[Question, ...],
    raw: dict[str, str],
) -> None:
    """Keep the answers (without the learner) and mark the learner as having answered.

    Raises ``AnswersRefused`` (nothing kept) or :class:`AlreadyAnswered`: one evaluation per
    learner and course, which the unique marker enforces even for two submits at once."""
    answers = clean_answers(questions, raw)
    try:
        with session.begin_nested():
            session.add(EvaluationSubmission(course_id=course_id, user_id=user_id))
            session.flush()
    except IntegrityError:
        raise AlreadyAnswered("You have already answered this course's evaluation.") from None
    cohort_id = learner_cohort(session, course_id, user_id)
    session.add(EvaluationResponse(course_id=course_id, cohort_id=cohort_id, answers=answers))
    refresh_standing(session, user_id, course_id)


@dataclass(frozen=True)
class CourseReport:
    """The whole course, then each cohort that has answers (by start date)."""

    questions: tuple[Question, ...]
    overall: Report
    cohorts: tuple[tuple[Cohort, Report], ...]


def course_report(session: Session, course: Course, minimum: int) -> CourseReport:
    questions = questions_of(course.evaluation)
    rows = session.execute(
        select(EvaluationResponse.cohort_id, EvaluationResponse.answers).where(
            EvaluationResponse.course_id == course.id
        )
    ).all()
    by_cohort: dict[int, list[dict]] = {}
    for cohort_id, answers in rows:
        if cohort_id is not None:
            by_cohort.setdefault(cohort_id, []).append(answers)
    cohorts = session.scalars(
        select(Cohort).where(Cohort.id.in_(by_cohort)).order_by(Cohort.starts_on, Cohort.id)
    ).all()
    return CourseReport(
        questions,
        report(questions, [answers for _cohort, answers in rows], minimum),
        tuple((c, report(questions, by_cohort[c.id], minimum)) for c in cohorts),
    )


HEADER = ["Group", "Responses", "Question", "Prompt", *SCALE.values(), "Mean", "Comment"]


def as_csv(course: Course, found: CourseReport) -> str:
    """One row per rating question and per comment, for the course and each cohort shown;
    a group with too few responses is one row saying so."""
    out = io.StringIO()
    writer = spreadsheet.writer(out)
    writer.writerow(HEADER)
    groups = [(f"{course.title} (all learners)", found.overall)]
    groups += [(f"Cohort: {cohort.name}", part) for cohort, part in found.cohorts]
    for name, part in groups:
        if not part.shown:
            note = f"Fewer than {part.minimum} responses: not shown, so no one is identifiable"
            writer.writerow([name, part.responses, "", "", *[""] * len(SCALE), "", note])
            continue
        for summary in part.summaries:
            key, prompt = summary.question.key, summary.question.prompt
            if summary.question.kind == RATING:
                mean = "" if summary.mean is None else summary.mean
                writer.writerow([name, part.responses, key, prompt, *summary.counts, mean, ""])
            for comment in summary.comments:
                blanks = [""] * len(SCALE)
                writer.writerow([name, part.responses, key, prompt, *blanks, "", comment])
    return out.getvalue()

"""The learning events that make statements, one function each, called by the services
where the event happens (in their transaction). Arguments are plain data: slugs, titles and
keys, never rows of another feature."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from course_app.xapi import statements as s
from course_app.xapi.record import activity_base, record


def course_launched(session: Session, user_id: int, course: str, title: str, moment: datetime):
    """The learner opened the course for the first time (enrolled)."""
    base = activity_base()
    body = s.statement(
        base, f"launched:{user_id}:{course}", "launched", s.course_activity(course, title), moment
    )
    record(session, user_id, [body], moment)


def lesson_completed(
    session: Session,
    user_id: int,
    course: tuple[str, str],
    module: tuple[str, str] | None,
    lesson: tuple[str, str],
    moment: datetime,
):
    """``course``, ``module`` and ``lesson`` are (slug, title)."""
    base = activity_base()
    parents = [s.course_activity(*course)]
    if module is not None:
        parents.insert(0, s.module_activity(course[0], *module))
    body = s.statement(
        base,
        f"completed:{user_id}:{course[0]}:{lesson[0]}",
        "completed",
        s.lesson_activity(course[0], *lesson),
        moment,
        parents=tuple(parents),
        result={"completion": True},
    )
    record(session, user_id, [body], moment)


@dataclass(frozen=True)
class QuizRef:
    course: str
    course_title: str
    slug: str
    title: str

    def activity(self) -> s.Activity:
        return s.quiz_activity(self.course, self.slug, self.title)

    def parents(self) -> tuple[s.Activity, ...]:
        return (s.course_activity(self.course, self.course_title),)


@dataclass(frozen=True)
class Answer:
    """One question of a graded attempt: its permanent key, score out of 1, chosen keys."""

    key: str
    score: float
    chosen: tuple[str, ...]


def quiz_attempted(session: Session, user_id: int, quiz: QuizRef, number: int, moment: datetime):
    base = activity_base()
    body = s.statement(
        base,
        f"attempted:{user_id}:{quiz.course}:{quiz.slug}:{number}",
        "attempted",
        quiz.activity(),
        moment,
        parents=quiz.parents(),
    )
    record(session, user_id, [body], moment)


def quiz_graded(
    session: Session,
    user_id: int,
    quiz: QuizRef,
    number: int,
    answers: Sequence[Answer],
    passed: bool,
    moment: datetime,
):
    """One "answered" per question and the attempt's "passed" or "failed", in one INSERT."""
    base = activity_base()
    attempt = f"{user_id}:{quiz.course}:{quiz.slug}:{number}"
    in_quiz = (quiz.activity(), *quiz.parents())
    bodies = [
        s.statement(
            base,
            f"answered:{attempt}:{answer.key}",
            "answered",
            s.question_activity(quiz.course, quiz.slug, answer.key),
            moment,
            parents=in_quiz[:1],
            result={
                "score": {
                    "scaled": round(answer.score, 4),
                    "raw": round(answer.score, 4),
                    "min": 0,
                    "max": 1,
                },
                "success": answer.score >= 1,
                "completion": True,
                "response": "[,]".join(answer.chosen),
            },
            definition={"interactionType": "choice"},
        )
        for answer in answers
    ]
    raw = sum(answer.score for answer in answers)
    verb = "passed" if passed else "failed"
    bodies.append(
        s.statement(
            base,
            f"{verb}:{attempt}",
            verb,
            quiz.activity(),
            moment,
            parents=quiz.parents(),
            result=s.score(raw, len(answers), passed),
        )
    )
    record(session, user_id, bodies, moment)


def competency_signed_off(
    session: Session,
    user_id: int,
    course: tuple[str, str],
    competency: tuple[str, str],
    passed: bool,
    event: str,
    moment: datetime,
):
    """A practical competency recorded "pass" (passed) or "not yet" (failed); ``event``
    names this recording (the sign-off, its result and day), so recording it again is
    one statement."""
    base = activity_base()
    verb = "passed" if passed else "failed"
    body = s.statement(
        base,
        f"{verb}:{user_id}:{course[0]}:{competency[0]}:{event}",
        verb,
        s.competency_activity(course[0], *competency),
        moment,
        parents=(s.course_activity(*course),),
        result={"success": passed, "completion": True},
    )
    record(session, user_id, [body], moment)


def certificate_changed(
    session: Session,
    user_id: int,
    course: tuple[str, str],
    public_id: str,
    verb: str,
    moment: datetime,
):
    """``earned`` when issued, ``revoked`` when revoked; the certificate's public id (never
    its database id) goes into the result so a reader can verify it."""
    base = activity_base()
    body = s.statement(
        base,
        f"{verb}:{public_id}",
        verb,
        s.certificate_activity(course[0], course[1]),
        moment,
        parents=(s.course_activity(*course),),
        result={
            "success": verb == "earned",
            "extensions": {f"{base}/xapi/extensions/certificate-id": public_id},
        },
    )
    record(session, user_id, [body], moment)

"""A learner's standing in one course: every requirement of its certificate, met or not, and
what remains. Pure: the one rule the dashboard, the course page, the gradebook, the
certificate queue and eligibility all read (``standings.py`` loads the data).

A course is complete when every module is (lessons read, quiz passed), its final exam is
passed and, where it has an in-person practical, the practical is signed off as passed with
the course's minimum hours attended, and its participant evaluation (if it asks for one) is
answered. A certificate also needs the registration number
verified by an administrator.

The labels are constants (compared, stored in no table) marked with ``N_`` and translated
where shown; the details and steps are written in the request's language (English outside
one).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext, ngettext

from course_app.i18n import N_
from course_app.practical import PASS, Competency, PracticalRecord, PracticalStatus
from course_app.progress import CourseProgress, ModuleProgress, evaluation_block_reason
from course_app.wording import minutes_text, number

MODULES = N_("Every module complete: lessons read and quiz passed")
FINAL_EXAM = N_("Final exam passed")
PRACTICAL = N_("Practical competencies signed off")
HOURS = N_("Online minutes and in-person practical hours met")
EVALUATION = N_("Course evaluation answered")
LICENCE = N_("Registration number verified by an administrator")
#: The requirements, in the order they are checked and shown.
LABELS = (MODULES, FINAL_EXAM, PRACTICAL, HOURS, EVALUATION, LICENCE)


#: Where a step is done, for the page to link: a lesson or quiz (by slug), the course's
#: practical page, the next lesson (online time), the course's evaluation, or the learner's
#: registration details.
LESSON, QUIZ, PRACTICAL_PAGE, RESUME, EVALUATION_PAGE, REGISTRATION = (
    "lesson",
    "quiz",
    "practical",
    "resume",
    "evaluation",
    "registration",
)


@dataclass(frozen=True)
class Step:
    """One thing left to do, named, with where it is done."""

    text: str
    where: str
    slug: str = ""


@dataclass(frozen=True)
class Requirement:
    label: str
    met: bool
    #: What is left, in plain words (empty when met).
    detail: str = ""
    #: Each thing left, by name, with where it is done (empty when met).
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True)
class CourseStanding:
    progress: CourseProgress
    checklist: tuple[Competency, ...]
    practical: PracticalRecord
    minimum_hours: float
    licence_verified: bool

    @property
    def practical_status(self) -> PracticalStatus:
        return self.practical.status(self.checklist)

    @property
    def requirements(self) -> list[Requirement]:
        return requirements(self)

    @property
    def remaining(self) -> list[Requirement]:
        return [r for r in self.requirements if not r.met]

    @property
    def eligible(self) -> bool:
        return not self.remaining

    @property
    def to_complete(self) -> list[Requirement]:
        """What remains before the course is complete (which opens the next level): all but
        the licence check, which only the certificate needs."""
        return [r for r in self.remaining if r.label != LICENCE]


def requirements(standing: CourseStanding) -> list[Requirement]:
    """Each condition of a certificate, whether it is met, and what is left if not."""
    progress = standing.progress
    final = progress.final_exam
    final_steps = (
        (Step(gettext("Pass “%(quiz)s”", quiz=final.title), QUIZ, final.slug),) if final else ()
    )
    return [
        Requirement(
            MODULES, progress.modules_complete, _modules_left(progress), _module_steps(progress)
        ),
        Requirement(
            FINAL_EXAM,
            progress.final_exam_passed,
            "" if progress.final_exam_passed else gettext("Pass the final exam."),
            () if progress.final_exam_passed else final_steps,
        ),
        _practical_requirement(standing),
        _hours_requirement(standing),
        _evaluation_requirement(progress),
        _licence_requirement(standing.licence_verified),
    ]


def _evaluation_requirement(progress: CourseProgress) -> Requirement:
    if progress.evaluation_done:
        return Requirement(EVALUATION, True)
    blocked = evaluation_block_reason(progress)
    text = gettext("Answer the short course evaluation (anonymous)")
    detail = blocked or gettext("%(text)s.", text=text)
    return Requirement(EVALUATION, False, detail, (Step(text, EVALUATION_PAGE),))


def _licence_requirement(verified: bool) -> Requirement:
    if verified:
        return Requirement(LICENCE, True)
    text = gettext("An administrator checks your registration number with your regulator.")
    return Requirement(LICENCE, False, text, (Step(text, REGISTRATION),))


def _module_steps(progress: CourseProgress) -> tuple[Step, ...]:
    """Per unfinished module: its lessons left (linking the first) and its quiz."""
    steps: list[Step] = []
    for module in progress.modules:
        if not module.is_complete:
            steps.extend(_steps_in(module))
    return tuple(steps)


def _steps_in(module: ModuleProgress) -> list[Step]:
    title = module.outline.title
    left = [lesson for lesson in module.outline.lessons if lesson.id not in module.completed]
    steps = []
    if left:
        text = ngettext(
            "%(module)s: %(num)d lesson to complete, next “%(lesson)s”",
            "%(module)s: %(num)d lessons to complete, next “%(lesson)s”",
            len(left),
            module=title,
            lesson=left[0].title,
        )
        steps.append(Step(text, LESSON, left[0].slug))
    quiz = module.outline.quiz
    if quiz is not None and not module.quiz_passed:
        steps.append(
            Step(
                gettext("%(module)s: pass “%(quiz)s”", module=title, quiz=quiz.title),
                QUIZ,
                quiz.slug,
            )
        )
    return steps


#: Name what is left when it is this short; beyond, count it (the page lists it below).
NAMED = 2


def _modules_left(progress: CourseProgress) -> str:
    left = [m.outline.title for m in progress.modules if not m.is_complete]
    if not left:
        return ""
    if len(left) > NAMED:
        return gettext(
            "%(left)d of %(total)d modules still to complete.",
            left=len(left),
            total=len(progress.modules),
        )
    return gettext("Complete: %(modules)s.", modules="; ".join(left))


def _practical_requirement(standing: CourseStanding) -> Requirement:
    if not standing.checklist:
        return Requirement(PRACTICAL, True)
    status = standing.practical_status
    if status is PracticalStatus.PASSED:
        return Requirement(PRACTICAL, True)
    left = standing.practical.remaining(standing.checklist)
    steps = tuple(_competency_step(c, standing.practical) for c in left)
    if standing.practical.cohort is None:
        book = Step(gettext("Book a seat in a practical cohort"), PRACTICAL_PAGE)
        joined = gettext("Join a practical cohort.")
        return Requirement(PRACTICAL, False, joined, (book, *steps))
    failed = ""
    if status == "failed":
        failed = " " + gettext("A critical competency was recorded “not yet”.")
    if len(left) > NAMED:
        total = len(standing.checklist)
        return Requirement(
            PRACTICAL,
            False,
            gettext("%(left)d of %(total)d competencies to pass.", left=len(left), total=total)
            + failed,
            steps,
        )
    still = gettext("Still to pass: %(competencies)s.", competencies=_titles(left))
    return Requirement(PRACTICAL, False, still + failed, steps)


def _competency_step(competency: Competency, record: PracticalRecord) -> Step:
    code = record.results.get(competency.key)
    if code == PASS:
        state = gettext("passed, awaiting a second assessor")
    elif code is None:
        state = gettext("not assessed yet")
    else:
        state = gettext("recorded “not yet”")
    title = competency.title
    if competency.critical:
        title = gettext("%(competency)s (automatic fail)", competency=title)
    return Step(gettext("%(competency)s: %(state)s", competency=title, state=state), PRACTICAL_PAGE)


def _hours_requirement(standing: CourseStanding) -> Requirement:
    progress = standing.progress
    minutes_left = progress.minutes_total - progress.minutes_done
    hours_left = standing.minimum_hours - standing.practical.hours if standing.checklist else 0
    details, steps = [], []
    if minutes_left > 0:
        details.append(ngettext("%(num)d online minute", "%(num)d online minutes", minutes_left))
        online = gettext(
            "%(time)s of online theory (lessons and quizzes)", time=minutes_text(minutes_left)
        )
        steps.append(Step(online, RESUME))
    if hours_left > 0:
        attended = gettext(
            "attended %(hours)s of the course's %(required)s",
            hours=number(standing.practical.hours),
            required=number(standing.minimum_hours),
        )
        hours = number(hours_left)
        details.append(
            gettext("%(hours)s in-person hours (%(attended)s)", hours=hours, attended=attended)
        )
        step = ngettext(
            "%(hours)s in-person hour (%(attended)s)",
            "%(hours)s in-person hours (%(attended)s)",
            # A whole count picks the plural form; 1.5 hours reads as plural.
            int(hours_left) if float(hours_left).is_integer() else 2,
            hours=hours,
            attended=attended,
        )
        steps.append(Step(step, PRACTICAL_PAGE))
    return Requirement(
        HOURS,
        not details,
        gettext("Still to do: %(items)s.", items=gettext(" and ").join(details)) if details else "",
        tuple(steps),
    )


def _titles(competencies: Sequence[Competency]) -> str:
    return "; ".join(c.title for c in competencies)

"""When a learner has completed a level, as one pure rule over plain data."""

from dataclasses import dataclass

from course_app.progress import CourseProgress


@dataclass(frozen=True)
class Requirement:
    label: str
    met: bool


@dataclass(frozen=True)
class LearnerRecord:
    """What the rule needs beyond course progress."""

    licence_verified: bool
    practical_hours: float
    required_practical_hours: float


MODULES = "Every module complete: lessons read and quiz passed"
FINAL_EXAM = "Final exam passed"
PRACTICAL = "Practical competencies signed off"
HOURS = "Online minutes and in-person practical hours met"
LICENCE = "Registration number verified by an administrator"
#: The requirements, in the order they are checked and shown.
LABELS = (MODULES, FINAL_EXAM, PRACTICAL, HOURS, LICENCE)


def requirements(progress: CourseProgress, record: LearnerRecord) -> list[Requirement]:
    """Each condition of a certificate, and whether this learner meets it.

    Modules complete (lessons and quizzes), final exam passed, practical signed off (a
    critical item not passed fails it), online minutes and in-person hours met, and the
    registration number verified by an administrator.
    """
    practical_done = progress.practical_passed or not progress.practical_required
    hours_done = progress.minutes_done >= progress.minutes_total and (
        not progress.practical_required or record.practical_hours >= record.required_practical_hours
    )
    return [
        Requirement(
            "Every module complete: lessons read and quiz passed", progress.modules_complete
        ),
        Requirement("Final exam passed", progress.final_exam_passed),
        Requirement("Practical competencies signed off", practical_done),
        Requirement("Online minutes and in-person practical hours met", hours_done),
        Requirement("Registration number verified by an administrator", record.licence_verified),
    ]


def is_eligible(checks: list[Requirement]) -> bool:
    return all(check.met for check in checks)

"""A learner's standing in one course: every requirement of its certificate, met or not, and
what remains. Pure: the one rule the dashboard, the course page, the gradebook, the
certificate queue and eligibility all read (``standings.py`` loads the data).

A course is complete when every module is (lessons read, quiz passed), its final exam is
passed and, where it has an in-person practical, the practical is signed off as passed with
the course's minimum hours attended. A certificate also needs the registration number
verified by an administrator.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from course_app.practical import Competency, PracticalRecord, PracticalStatus
from course_app.progress import CourseProgress

MODULES = "Every module complete: lessons read and quiz passed"
FINAL_EXAM = "Final exam passed"
PRACTICAL = "Practical competencies signed off"
HOURS = "Online minutes and in-person practical hours met"
LICENCE = "Registration number verified by an administrator"
#: The requirements, in the order they are checked and shown.
LABELS = (MODULES, FINAL_EXAM, PRACTICAL, HOURS, LICENCE)


@dataclass(frozen=True)
class Requirement:
    label: str
    met: bool
    #: What is left, in plain words (empty when met).
    detail: str = ""


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


def requirements(standing: CourseStanding) -> list[Requirement]:
    """Each condition of a certificate, whether it is met, and what is left if not."""
    progress = standing.progress
    return [
        Requirement(MODULES, progress.modules_complete, _modules_left(progress)),
        Requirement(
            FINAL_EXAM,
            progress.final_exam_passed,
            "" if progress.final_exam_passed else "Pass the final exam.",
        ),
        _practical_requirement(standing),
        _hours_requirement(standing),
        Requirement(
            LICENCE,
            standing.licence_verified,
            "" if standing.licence_verified else "An administrator checks your registration.",
        ),
    ]


#: Name what is left when it is this short; beyond, count it (the page lists it below).
NAMED = 2


def _modules_left(progress: CourseProgress) -> str:
    left = [m.outline.title for m in progress.modules if not m.is_complete]
    if not left:
        return ""
    if len(left) > NAMED:
        return f"{len(left)} of {len(progress.modules)} modules still to complete."
    return f"Complete: {'; '.join(left)}."


def _practical_requirement(standing: CourseStanding) -> Requirement:
    if not standing.checklist:
        return Requirement(PRACTICAL, True)
    status = standing.practical_status
    if status is PracticalStatus.PASSED:
        return Requirement(PRACTICAL, True)
    if standing.practical.cohort is None:
        return Requirement(PRACTICAL, False, "Join a practical cohort.")
    left = standing.practical.remaining(standing.checklist)
    failed = " A critical competency was recorded “not yet”." if status == "failed" else ""
    if len(left) > NAMED:
        total = len(standing.checklist)
        return Requirement(
            PRACTICAL, False, f"{len(left)} of {total} competencies to pass.{failed}"
        )
    return Requirement(PRACTICAL, False, f"Still to pass: {_titles(left)}.{failed}")


def _hours_requirement(standing: CourseStanding) -> Requirement:
    progress = standing.progress
    minutes_left = progress.minutes_total - progress.minutes_done
    hours_left = standing.minimum_hours - standing.practical.hours if standing.checklist else 0
    details = []
    if minutes_left > 0:
        details.append(f"{minutes_left} online minutes")
    if hours_left > 0:
        details.append(
            f"{hours_left:g} in-person hours (attended {standing.practical.hours:g} of the "
            f"course's {standing.minimum_hours:g})"
        )
    return Requirement(
        HOURS, not details, f"Still to do: {' and '.join(details)}." if details else ""
    )


def _titles(competencies: Sequence[Competency]) -> str:
    return "; ".join(c.title for c in competencies)

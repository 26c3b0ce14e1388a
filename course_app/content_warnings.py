"""Warnings about the curriculum: things a file may legally say but a careful author would not
(an item whose key is its longest option, a lesson declaring more minutes than its text
takes). Errors stop a load; warnings are printed by ``check-content`` and become errors with
``--strict``, which CI uses on the shipped curriculum.

A *known-warnings* file lists warnings accepted for now, one ``rule subject`` per line (the
subject is a stable name such as a question key or a lesson slug, never a line number, so
edits elsewhere do not shift it). A known warning that no longer occurs is reported too, so the
list only ever shrinks.

Each check is a pure function from the parsed courses to warnings, registered in
:data:`CHECKS`.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from course_app.lesson_minutes import lesson_minutes_warnings

if TYPE_CHECKING:
    from course_app.modules.content import CourseSpec


@dataclass(frozen=True)
class ContentWarning:
    path: str
    line: int
    rule: str
    #: What the warning is about, stably: a question key, a lesson slug, a bank's file name.
    subject: str
    message: str

    @property
    def known_as(self) -> tuple[str, str]:
        return self.rule, self.subject

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: warning [{self.rule}] {self.message}"


Check = Callable[[Sequence["CourseSpec"]], list[ContentWarning]]


def item_writing(courses: Sequence["CourseSpec"]) -> list[ContentWarning]:
    """Cues a test-wise learner could use (``course_app.quizzes.item_checks``)."""
    from course_app.quizzes.item_checks import check_courses  # it imports ContentWarning

    return check_courses(courses)


def never_drawn(courses: Sequence["CourseSpec"]) -> list[ContentWarning]:
    """Questions no attempt can show (``course_app.quizzes.content_rules``)."""
    from course_app.quizzes.content_rules import never_drawn_warnings

    return never_drawn_warnings(courses)


def unused_media(courses: Sequence["CourseSpec"]) -> list[ContentWarning]:
    """Figures and documents no lesson places (``course_app.modules.figures``)."""
    from course_app.modules.figures import unused_media_warnings

    return unused_media_warnings(courses)


def undeclared_translations(courses: Sequence["CourseSpec"]) -> list[ContentWarning]:
    """Translation files in a language the course does not declare (``languages`` in
    course.toml): not shown to anyone, so probably a forgotten declaration."""
    from course_app.modules.translation_files import stray_translations, translation_language

    found = []
    for course in courses:
        root = Path(course.path).parent
        for path in stray_translations(course):
            language = translation_language(path)
            message = (
                f"a {language!r} translation, but course.toml does not declare {language!r} in "
                "'languages': it is neither checked nor shown"
            )
            subject = f"{course.slug}/{path.relative_to(root)}"
            found.append(ContentWarning(str(path), 1, "translation-undeclared", subject, message))
    return found


#: Every check run on the curriculum, in the order their warnings are printed.
CHECKS: tuple[Check, ...] = (
    item_writing,
    never_drawn,
    lesson_minutes_warnings,
    unused_media,
    undeclared_translations,
)


def content_warnings(
    courses: Sequence["CourseSpec"], checks: Iterable[Check] | None = None
) -> list[ContentWarning]:
    return [
        warning for check in (CHECKS if checks is None else checks) for warning in check(courses)
    ]


def read_known(path: Path) -> set[tuple[str, str]]:
    """``rule subject`` pairs from a known-warnings file; blank lines and # comments skipped."""
    known = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            rule, _, subject = line.partition(" ")
            known.add((rule, subject.strip()))
    return known


@dataclass(frozen=True)
class Triage:
    new: list[ContentWarning]
    known: list[ContentWarning]
    #: Known-list entries no warning matched any more: remove them from the file.
    stale: list[tuple[str, str]]

    def fails(self, strict: bool) -> bool:
        return strict and bool(self.new or self.stale)


def triage(warnings: Sequence[ContentWarning], known: set[tuple[str, str]]) -> Triage:
    seen = {warning.known_as for warning in warnings}
    return Triage(
        new=[w for w in warnings if w.known_as not in known],
        known=[w for w in warnings if w.known_as in known],
        stale=sorted(known - seen),
    )

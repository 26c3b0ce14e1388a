"""Progress and unlocking rules, as pure functions over plain data.

No database, no Flask: services build the outlines and the set of completed lesson ids, these
functions decide. Later rules (quizzes passed, practical signed off, certificate issued) extend
:func:`is_module_complete` and :func:`is_course_complete`; every page follows them.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class LessonItem:
    id: int
    slug: str
    title: str
    minutes: int


@dataclass(frozen=True)
class ModuleOutline:
    id: int
    slug: str
    title: str
    lessons: tuple[LessonItem, ...]


@dataclass(frozen=True)
class ModuleProgress:
    outline: ModuleOutline
    completed: frozenset[int]

    @property
    def lessons_total(self) -> int:
        return len(self.outline.lessons)

    @property
    def lessons_done(self) -> int:
        return sum(1 for lesson in self.outline.lessons if lesson.id in self.completed)

    @property
    def minutes_total(self) -> int:
        return sum(lesson.minutes for lesson in self.outline.lessons)

    @property
    def minutes_done(self) -> int:
        return sum(lesson.minutes for lesson in self.outline.lessons if lesson.id in self.completed)

    @property
    def percent(self) -> int:
        return percent(self.lessons_done, self.lessons_total)

    @property
    def is_complete(self) -> bool:
        return is_module_complete(self)


@dataclass(frozen=True)
class CourseProgress:
    modules: tuple[ModuleProgress, ...]
    completed: frozenset[int]

    @property
    def lessons(self) -> tuple[LessonItem, ...]:
        """Every lesson of the course, in teaching order."""
        return tuple(lesson for module in self.modules for lesson in module.outline.lessons)

    @property
    def lessons_total(self) -> int:
        return sum(module.lessons_total for module in self.modules)

    @property
    def lessons_done(self) -> int:
        return sum(module.lessons_done for module in self.modules)

    @property
    def minutes_total(self) -> int:
        return sum(module.minutes_total for module in self.modules)

    @property
    def minutes_done(self) -> int:
        return sum(module.minutes_done for module in self.modules)

    @property
    def percent(self) -> int:
        return percent(self.lessons_done, self.lessons_total)

    @property
    def is_complete(self) -> bool:
        return is_course_complete(self)

    @property
    def next_lesson(self) -> LessonItem | None:
        """The first lesson not yet done, in course order: where the learner resumes."""
        return next((lesson for lesson in self.lessons if lesson.id not in self.completed), None)

    def is_done(self, lesson_id: int) -> bool:
        return lesson_id in self.completed

    def neighbours(self, lesson_id: int) -> tuple[LessonItem | None, LessonItem | None]:
        """The lessons before and after this one in course order (None at either end)."""
        ids = [lesson.id for lesson in self.lessons]
        if lesson_id not in ids:
            return None, None
        index = ids.index(lesson_id)
        previous = self.lessons[index - 1] if index > 0 else None
        return previous, (self.lessons[index + 1] if index + 1 < len(ids) else None)


def percent(done: int, total: int) -> int:
    """Whole percent, rounded down so that 100 % always means everything is done."""
    return (100 * done) // total if total else 0


def module_progress(outline: ModuleOutline, completed_ids: frozenset[int]) -> ModuleProgress:
    return ModuleProgress(outline, completed_ids)


def course_progress(
    modules: tuple[ModuleOutline, ...], completed_ids: frozenset[int]
) -> CourseProgress:
    modules_progress = tuple(module_progress(m, completed_ids) for m in modules)
    return CourseProgress(modules_progress, completed_ids)


def is_module_complete(module: ModuleProgress) -> bool:
    """Every lesson done. A module without lessons is never complete: nothing was learned."""
    return module.lessons_total > 0 and module.lessons_done == module.lessons_total


def is_course_complete(course: CourseProgress) -> bool:
    """Every module complete; a course without modules is never complete."""
    return bool(course.modules) and all(module.is_complete for module in course.modules)


def lock_reason(prerequisite_title: str | None, prerequisite_complete: bool) -> str | None:
    """Why a course is locked, or None when it is open.

    A course with a prerequisite opens only once the prerequisite course is complete.
    """
    if prerequisite_title is None or prerequisite_complete:
        return None
    return f"Complete {prerequisite_title} first: this course builds on it."

"""Progress and unlocking rules, as pure functions over plain data.

No database, no Flask: services build the outlines and the set of completed lesson ids, these
functions decide: a module is complete when its lessons are done and its quiz is passed, a
course when every module is complete, its final exam is passed and its in-person practical
(if it has one) is signed off as passed and its participant evaluation (if it asks for one) is
answered. Every page (dashboard,
course page, the Level 2 lock) follows :func:`is_module_complete` and :func:`is_course_complete`.
"""

from dataclasses import dataclass

from flask_babel import gettext


class computed_once:
    """A property computed on first use and kept in the instance.

    For immutable progress objects only. ``functools.cached_property`` takes a lock on every
    read in Python 3.11, which cost more than the sums it saved.
    """

    def __init__(self, compute):
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = self.compute(instance)
        instance.__dict__[self.name] = value  # later reads skip this descriptor
        return value


@dataclass(frozen=True)
class LessonItem:
    id: int
    slug: str
    title: str
    minutes: int


@dataclass(frozen=True)
class QuizItem:
    id: int
    slug: str
    title: str
    #: The time the quiz allots (its time limit): CE credit once it is passed.
    minutes: int = 0


@dataclass(frozen=True)
class ModuleOutline:
    id: int
    slug: str
    title: str
    lessons: tuple[LessonItem, ...]
    quiz: QuizItem | None = None


@dataclass(frozen=True)
class ModuleProgress:
    outline: ModuleOutline
    completed: frozenset[int]
    passed_quizzes: frozenset[int] = frozenset()

    @computed_once
    def quiz_passed(self) -> bool:
        """True when the module's quiz is passed, or the module has none."""
        quiz = self.outline.quiz
        return quiz is None or quiz.id in self.passed_quizzes

    @computed_once
    def steps_total(self) -> int:
        """Lessons plus the quiz: what the percentage counts."""
        return self.lessons_total + (self.outline.quiz is not None)

    @computed_once
    def steps_done(self) -> int:
        return self.lessons_done + (self.outline.quiz is not None and self.quiz_passed)

    @computed_once
    def lessons_total(self) -> int:
        return len(self.outline.lessons)

    @computed_once
    def lessons_done(self) -> int:
        return sum(1 for lesson in self.outline.lessons if lesson.id in self.completed)

    @computed_once
    def minutes_total(self) -> int:
        """CE minutes: the lessons', plus the time the module's quiz allots."""
        quiz = self.outline.quiz.minutes if self.outline.quiz else 0
        return sum(lesson.minutes for lesson in self.outline.lessons) + quiz

    @computed_once
    def minutes_done(self) -> int:
        """CE minutes credited: lessons completed, and the quiz's time once it is passed."""
        read = sum(lesson.minutes for lesson in self.outline.lessons if lesson.id in self.completed)
        quiz = self.outline.quiz
        return read + (quiz.minutes if quiz and quiz.id in self.passed_quizzes else 0)

    @computed_once
    def percent(self) -> int:
        return percent(self.steps_done, self.steps_total)

    @computed_once
    def is_complete(self) -> bool:
        return is_module_complete(self)


@dataclass(frozen=True)
class CourseProgress:
    """A learner's progress in one course. Immutable, so each figure is computed once and
    kept (``computed_once``): pages such as the gradebook read them for many rows."""

    modules: tuple[ModuleProgress, ...]
    completed: frozenset[int]
    final_exam: QuizItem | None = None
    passed_quizzes: frozenset[int] = frozenset()
    #: Whether the course has an in-person practical, and whether it was signed off.
    practical_required: bool = False
    practical_passed: bool = False
    #: Whether the course asks for a participant evaluation, and whether it was answered.
    evaluation_required: bool = False
    evaluation_submitted: bool = False

    @computed_once
    def evaluation_done(self) -> bool:
        return self.evaluation_submitted or not self.evaluation_required

    @computed_once
    def quizzes(self) -> tuple[QuizItem, ...]:
        """Every module quiz, then the final exam."""
        module_quizzes = tuple(m.outline.quiz for m in self.modules if m.outline.quiz)
        return module_quizzes + ((self.final_exam,) if self.final_exam else ())

    @computed_once
    def quizzes_passed(self) -> int:
        return sum(1 for quiz in self.quizzes if quiz.id in self.passed_quizzes)

    @computed_once
    def final_exam_passed(self) -> bool:
        return self.final_exam is None or self.final_exam.id in self.passed_quizzes

    @computed_once
    def modules_complete(self) -> bool:
        return bool(self.modules) and all(module.is_complete for module in self.modules)

    @computed_once
    def lessons(self) -> tuple[LessonItem, ...]:
        """Every lesson of the course, in teaching order."""
        return tuple(lesson for module in self.modules for lesson in module.outline.lessons)

    @computed_once
    def lessons_total(self) -> int:
        return sum(module.lessons_total for module in self.modules)

    @computed_once
    def lessons_done(self) -> int:
        return sum(module.lessons_done for module in self.modules)

    @computed_once
    def minutes_total(self) -> int:
        """The course's online CE minutes: its lessons and quizzes (= the course's ce_minutes)."""
        final = self.final_exam.minutes if self.final_exam else 0
        return sum(module.minutes_total for module in self.modules) + final

    @computed_once
    def minutes_done(self) -> int:
        final = self.final_exam.minutes if self.final_exam and self.final_exam_passed else 0
        return sum(module.minutes_done for module in self.modules) + final

    @computed_once
    def steps_total(self) -> int:
        return self.lessons_total + len(self.quizzes)

    @computed_once
    def steps_done(self) -> int:
        return self.lessons_done + self.quizzes_passed

    @computed_once
    def percent(self) -> int:
        return percent(self.steps_done, self.steps_total)

    @computed_once
    def is_complete(self) -> bool:
        return is_course_complete(self)

    @computed_once
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

    def step_after(self, lesson_id: int) -> LessonItem | QuizItem | None:
        """Where "Next" leads from a lesson: the module's quiz after its last lesson, else the
        next lesson in course order; after the course's last lesson, the final exam."""
        for module in self.modules:
            lessons = module.outline.lessons
            if lessons and lessons[-1].id == lesson_id and module.outline.quiz:
                return module.outline.quiz
        _previous, following = self.neighbours(lesson_id)
        if following is None and self.lessons and self.lessons[-1].id == lesson_id:
            return self.final_exam
        return following


def percent(done: int, total: int) -> int:
    """Whole percent, rounded down so that 100 % always means everything is done."""
    return (100 * done) // total if total else 0


def course_progress(
    modules: tuple[ModuleOutline, ...],
    completed_ids: frozenset[int],
    passed_quiz_ids: frozenset[int] = frozenset(),
    final_exam: QuizItem | None = None,
    practical: tuple[bool, bool] = (False, False),
    evaluation: tuple[bool, bool] = (False, False),
) -> CourseProgress:
    """Progress in one course; ``practical`` is (required, signed off as passed) and
    ``evaluation`` (asked for, answered)."""
    modules_progress = tuple(ModuleProgress(m, completed_ids, passed_quiz_ids) for m in modules)
    return CourseProgress(
        modules_progress, completed_ids, final_exam, passed_quiz_ids, *practical, *evaluation
    )


def is_module_complete(module: ModuleProgress) -> bool:
    """Every lesson done and the module's quiz passed.

    A module without lessons is never complete: nothing was learned.
    """
    lessons_done = module.lessons_total > 0 and module.lessons_done == module.lessons_total
    return lessons_done and module.quiz_passed


def is_course_complete(course: CourseProgress) -> bool:
    """Every module complete, the final exam passed and, where the course has an in-person
    practical, the practical signed off as passed, and, where it asks for a participant
    evaluation, the evaluation answered; no modules, never complete."""
    practical_done = course.practical_passed or not course.practical_required
    online_done = course.modules_complete and course.final_exam_passed
    return online_done and practical_done and course.evaluation_done


def evaluation_block_reason(course: CourseProgress) -> str | None:
    """The evaluation opens once the online part (every module and the final exam) is done:
    a learner evaluates a course they have taken."""
    if course.modules_complete and course.final_exam_passed:
        return None
    return gettext(
        "The course evaluation opens once every lesson, quiz and the final exam are done."
    )


def final_exam_block_reason(course: CourseProgress) -> str | None:
    """The final exam opens once every module (lessons and quiz) is complete."""
    if course.modules_complete:
        return None
    return gettext("Complete every module, its lessons and its quiz, before the final exam.")


def lock_reason(prerequisite_title: str | None, prerequisite_complete: bool) -> str | None:
    """Why a course is locked, or None when it is open.

    A course with a prerequisite opens only once the prerequisite course is complete.
    """
    if prerequisite_title is None or prerequisite_complete:
        return None
    return gettext(
        "Complete %(course)s first: this course builds on it.", course=prerequisite_title
    )

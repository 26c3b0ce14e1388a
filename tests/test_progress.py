"""The progress and unlock rules, as plain functions."""

import pytest

from course_app.progress import (
    LessonItem,
    ModuleOutline,
    ModuleProgress,
    QuizItem,
    course_progress,
    final_exam_block_reason,
    lock_reason,
    percent,
)


def outline(module_id: int, *lessons: tuple[int, int]) -> ModuleOutline:
    items = tuple(LessonItem(i, f"l{i}", f"Lesson {i}", minutes) for i, minutes in lessons)
    return ModuleOutline(module_id, f"m{module_id}", f"Module {module_id}", items)


M1 = outline(1, (1, 10), (2, 20))
M2 = outline(2, (3, 30))


@pytest.mark.parametrize(
    ("done", "total", "expected"), [(0, 3, 0), (1, 3, 33), (2, 3, 66), (3, 3, 100), (0, 0, 0)]
)
def test_percent_rounds_down_so_100_means_all(done, total, expected):
    assert percent(done, total) == expected


def test_module_progress_counts_lessons_and_minutes():
    progress = ModuleProgress(M1, frozenset({2}))
    assert (progress.lessons_done, progress.lessons_total) == (1, 2)
    assert (progress.minutes_done, progress.minutes_total) == (20, 30)
    assert progress.percent == 50
    assert not progress.is_complete


def test_module_is_complete_when_every_lesson_is_done():
    assert ModuleProgress(M1, frozenset({1, 2})).is_complete


def test_module_without_lessons_is_never_complete():
    assert not ModuleProgress(outline(9), frozenset()).is_complete


def test_course_progress_sums_modules_and_ignores_other_courses_lessons():
    progress = course_progress((M1, M2), frozenset({1, 3, 99}))
    assert (progress.lessons_done, progress.lessons_total) == (2, 3)
    assert (progress.minutes_done, progress.minutes_total) == (40, 60)
    assert progress.percent == 66
    assert not progress.is_complete


def test_course_complete_needs_every_module_complete():
    assert course_progress((M1, M2), frozenset({1, 2, 3})).is_complete
    assert not course_progress((M1, M2, outline(9)), frozenset({1, 2, 3})).is_complete
    assert not course_progress((), frozenset()).is_complete


def test_next_lesson_is_first_not_done_in_course_order():
    assert course_progress((M1, M2), frozenset()).next_lesson.id == 1
    assert course_progress((M1, M2), frozenset({1})).next_lesson.id == 2
    assert course_progress((M1, M2), frozenset({2})).next_lesson.id == 1
    assert course_progress((M1, M2), frozenset({1, 2})).next_lesson.id == 3
    assert course_progress((M1, M2), frozenset({1, 2, 3})).next_lesson is None


def test_neighbours_cross_module_boundaries_and_stop_at_the_ends():
    progress = course_progress((M1, M2), frozenset())
    assert [item and item.id for item in progress.neighbours(1)] == [None, 2]
    assert [item and item.id for item in progress.neighbours(2)] == [1, 3]
    assert [item and item.id for item in progress.neighbours(3)] == [2, None]
    assert progress.neighbours(99) == (None, None)


def test_is_done_reads_the_learners_completions():
    progress = course_progress((M1, M2), frozenset({2}))
    assert progress.is_done(2) and not progress.is_done(1)


def test_lock_reason_names_the_prerequisite_until_it_is_complete():
    assert lock_reason(None, False) is None
    assert lock_reason("Level 1", True) is None
    reason = lock_reason("Level 1", False)
    assert reason is not None and "Level 1" in reason


QUIZ_1, QUIZ_2, FINAL = (
    QuizItem(11, "m1", "Quiz 1"),
    QuizItem(12, "m2", "Quiz 2"),
    QuizItem(13, "final-exam", "Final"),
)
Q1 = ModuleOutline(1, "m1", "Module 1", M1.lessons, QUIZ_1)
Q2 = ModuleOutline(2, "m2", "Module 2", M2.lessons, QUIZ_2)
ALL_LESSONS = frozenset({1, 2, 3})


def test_a_module_with_a_quiz_needs_it_passed():
    assert not ModuleProgress(Q1, frozenset({1, 2})).is_complete
    assert ModuleProgress(Q1, frozenset({1, 2}), frozenset({11})).is_complete
    assert not ModuleProgress(Q1, frozenset({1}), frozenset({11})).is_complete


def test_the_quiz_counts_as_a_step_in_the_percentage():
    assert ModuleProgress(Q1, frozenset({1, 2})).percent == 66
    assert ModuleProgress(Q1, frozenset({1, 2}), frozenset({11})).percent == 100


def test_a_course_needs_its_final_exam_after_every_module():
    passed_modules = frozenset({11, 12})
    assert not course_progress((Q1, Q2), ALL_LESSONS, passed_modules, FINAL).is_complete
    assert course_progress((Q1, Q2), ALL_LESSONS, passed_modules | {13}, FINAL).is_complete
    # A passed final exam does not make up for a module quiz not passed.
    assert not course_progress((Q1, Q2), ALL_LESSONS, frozenset({11, 13}), FINAL).is_complete


def test_the_final_exam_opens_when_every_module_is_complete():
    before = course_progress((Q1, Q2), ALL_LESSONS, frozenset({11}), FINAL)
    after = course_progress((Q1, Q2), ALL_LESSONS, frozenset({11, 12}), FINAL)
    assert "Complete every module" in final_exam_block_reason(before)
    assert final_exam_block_reason(after) is None


def test_course_percent_counts_lessons_and_every_quiz():
    progress = course_progress((Q1, Q2), ALL_LESSONS, frozenset({11}), FINAL)
    assert (progress.steps_done, progress.steps_total) == (4, 6)
    assert progress.quizzes == (QUIZ_1, QUIZ_2, FINAL)

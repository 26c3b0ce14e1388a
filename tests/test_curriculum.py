"""The shipped curriculum, checked as data: what issue 4 asks every lesson and question to be."""

import re
from collections import Counter

import pytest

from course_app.claims import ARTICLE_CLAIMS
from course_app.config import REPO_ROOT
from course_app.modules.content import parse_content
from course_app.quizzes.grading import QuestionType

COURSES, PROBLEMS = parse_content(REPO_ROOT / "content")
BY_SLUG = {course.slug: course for course in COURSES}
LESSONS = [(course, lesson) for course in COURSES for lesson in course.lessons]
QUESTIONS = [
    (course, question)
    for course in COURSES
    for quiz in course.quizzes
    for question in quiz.questions
]
CITATION = re.compile(r"\[([A-Z][A-Za-z0-9-]{0,15})\]")
LABEL = re.compile(r"\*\*(Supported|Proposed|Contested)")


def test_check_content_passes_on_the_shipped_curriculum():
    assert PROBLEMS == []
    assert set(BY_SLUG) == {"dry-needling-level-1", "dry-needling-level-2"}


@pytest.mark.parametrize("course", COURSES, ids=lambda c: c.slug)
def test_the_ce_minutes_follow_from_the_lessons_and_the_quizzes(course):
    lessons = sum(lesson.minutes for lesson in course.lessons)
    quizzes = sum(quiz.settings.time_limit_minutes for quiz in course.quizzes)
    assert course.ce_minutes == lessons + quizzes


@pytest.mark.parametrize("course", COURSES, ids=lambda c: c.slug)
def test_every_module_has_lessons_and_a_bank_of_at_least_ten_questions(course):
    banks = {quiz.module: quiz for quiz in course.quizzes if quiz.module}
    for module in course.modules:
        assert any(lesson.module == module.slug for lesson in course.lessons), module.slug
        assert len(banks[module.slug].questions) >= 10, module.slug


@pytest.mark.parametrize("course", COURSES, ids=lambda c: c.slug)
def test_the_final_exam_draws_from_every_module(course):
    (final,) = [quiz for quiz in course.quizzes if quiz.module is None]
    assert {row.module for row in final.blueprint} == {m.slug for m in course.modules}


@pytest.mark.parametrize(("course", "lesson"), LESSONS, ids=lambda x: getattr(x, "slug", ""))
def test_every_lesson_cites_what_it_lists_and_labels_its_claims(course, lesson):
    cited = set(CITATION.findall(lesson.body))
    assert lesson.objectives and lesson.minutes and lesson.sources
    assert cited == set(lesson.sources), "cite every listed source, list every cited one"
    if lesson.claims:
        assert LABEL.search(lesson.body), "label the claims: Supported, Proposed or Contested"


def test_every_article_claim_is_taught_and_assessed_twice():
    taught = Counter(claim for _course, lesson in LESSONS for claim in lesson.claims)
    assessed = Counter(claim for _course, question in QUESTIONS for claim in question.claims)
    for claim in ARTICLE_CLAIMS:
        assert taught[claim] >= 1, f"no lesson covers {claim}"
        assert assessed[claim] >= 2, f"{claim} is assessed by {assessed[claim]} question(s)"


@pytest.mark.parametrize(("course", "question"), QUESTIONS, ids=lambda x: getattr(x, "key", ""))
def test_every_question_has_a_valid_key_a_rationale_and_a_source(course, question):
    right = [option for option in question.options if option.correct]
    if question.type is QuestionType.MULTIPLE:
        assert 1 <= len(right) < len(question.options)
    else:
        assert len(right) == 1
    assert len(question.rationale) > 20
    assert question.source in {reference.id for reference in course.references}


def normalised(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def test_no_two_questions_are_duplicates():
    prompts = Counter(normalised(question.prompt) for _course, question in QUESTIONS)
    keys = Counter((course.slug, question.key) for course, question in QUESTIONS)
    assert [p for p, n in prompts.items() if n > 1] == []
    assert [k for k, n in keys.items() if n > 1] == []


def test_no_option_list_uses_all_or_none_of_the_above():
    for _course, question in QUESTIONS:
        for option in question.options:
            assert not re.search(r"(all|none) of the above", option.text, re.I), question.key


@pytest.mark.parametrize("course", COURSES, ids=lambda c: c.slug)
def test_banks_mix_question_types_cases_and_must_pass_safety_items(course):
    types = Counter(q.type for quiz in course.quizzes for q in quiz.questions)
    assert set(types) == set(QuestionType)
    assert sum(1 for quiz in course.quizzes for q in quiz.questions if q.case) >= 6
    safety = [quiz for quiz in course.quizzes if quiz.settings.pass_mark >= 90]
    assert safety, "each level has a safety module with a higher pass mark"
    assert all(any(q.must_pass for q in quiz.questions) for quiz in safety)


@pytest.mark.parametrize("course", COURSES, ids=lambda c: c.slug)
def test_each_level_has_a_practical_checklist_with_automatic_fail_items(course):
    assert len(course.competencies) >= 10
    critical = {c.key for c in course.competencies if c.critical}
    assert {"hand-hygiene-clean-field", "sharps-disposal", "informed-consent"} <= critical


def test_level_2_checklist_adds_electrical_stimulation_as_critical():
    level_2 = {c.key: c for c in BY_SLUG["dry-needling-level-2"].competencies}
    assert level_2["electrical-set-up"].critical


def test_the_course_says_it_does_not_authorize_needling():
    regulation = [lesson for _c, lesson in LESSONS if lesson.module == "regulation-in-canada"]
    assert any("does not authorize anyone to needle" in lesson.body for lesson in regulation)

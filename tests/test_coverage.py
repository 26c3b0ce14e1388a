"""Every attempt of every shipped quiz includes its must-pass topics: 1,000 draws per quiz,
through the same pool and topics the start of an attempt uses, checked against the topics the
files declare (read independently of the draw)."""

from collections import defaultdict

import pytest
from sqlalchemy import select

from course_app.config import REPO_ROOT
from course_app.db import EXTENSION_KEY
from course_app.modules.content import parse_content
from course_app.quizzes.draw import BlueprintRow, draw_questions
from course_app.quizzes.models import Quiz
from course_app.quizzes.services import quiz_pool, required_topics_of

DRAWS = 1000


def topics_in_files() -> dict[tuple[str, str], set[tuple[str, str]]]:
    """(course, quiz slug) → the (module, topic) pairs every attempt must hold, per the files:
    a module quiz its own must-pass and required topics; a final every module's."""
    courses, problems = parse_content(REPO_ROOT / "content")
    assert problems == []
    expected = {}
    for course in courses:
        per_module = defaultdict(set)
        for quiz in course.quizzes:
            if quiz.module:
                must = {q.topic for q in quiz.questions if q.must_pass}
                per_module[quiz.module] = {
                    (quiz.module, t) for t in must | set(quiz.required_topics)
                }
        for quiz in course.quizzes:
            every = set().union(*per_module.values())
            expected[course.slug, quiz.slug] = every if quiz.is_final else per_module[quiz.module]
    return expected


@pytest.fixture
def shipped_quizzes(real_app):
    session = real_app.extensions[EXTENSION_KEY]()
    yield session, list(session.scalars(select(Quiz).where(~Quiz.is_archived)))
    session.close()


def test_every_attempt_of_every_quiz_holds_its_must_pass_topics(shipped_quizzes):
    session, quizzes = shipped_quizzes
    expected = topics_in_files()
    assert len(quizzes) == len(expected) > 10
    for quiz in quizzes:
        must = expected[quiz.course.slug, quiz.slug]
        pairs = quiz_pool(session, quiz)
        pool = [question for _version, question in pairs]
        by_key = {q.key: q for q in pool}
        blueprint = [BlueprintRow(**row) for row in quiz.blueprint]
        topics = required_topics_of(session, quiz)
        required = {q.key for q in pool if q.required}
        sizes = set()
        for seed in range(DRAWS):
            drawn = [d.key for d in draw_questions(pool, blueprint, seed, True, topics)]
            covered = {(by_key[k].module, by_key[k].topic) for k in drawn}
            missing = must - covered
            assert not missing, f"{quiz.course.slug}/{quiz.slug} seed {seed} misses {missing}"
            assert required <= set(drawn)
            assert len(drawn) == len(set(drawn))
            sizes.add(len(drawn))
        assert len(sizes) == 1, f"{quiz.slug}: attempts of different lengths {sizes}"
        if quiz.module_id is None:
            assert all(q.module for q in pool) and must, "a final covers every module's topics"

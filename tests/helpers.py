"""Small helpers for driving the app through HTTP as a browser would (CSRF included)."""

import re
from datetime import timedelta

from argon2 import PasswordHasher
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.auth.models import Role, User
from tests.conftest import FAST_HASH, move_clock

PASSWORD = "a long enough passphrase"
#: The same parameters as the test config, so logging in does not rehash.
_HASHER = PasswordHasher(
    time_cost=FAST_HASH["PASSWORD_HASH_TIME_COST"],
    memory_cost=FAST_HASH["PASSWORD_HASH_MEMORY_KIB"],
    parallelism=1,
)
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
_PAGE_TOKEN = re.compile(r'name="page_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, page: str = "/") -> str:
    """The CSRF token a browser would have, read from a page's meta tag."""
    html = client.get(page).get_data(as_text=True)
    match = _CSRF_META.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1)


def post(client: FlaskClient, url: str, data: dict | None = None, **kwargs):
    """POST a form with a valid CSRF token, as a browser submitting the page would."""
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client)}, **kwargs)


def make_user(
    session: Session,
    email: str = "learner@example.org",
    role: str = Role.LEARNER,
    password: str = PASSWORD,
    password_hash: str | None = None,
    **fields,
) -> User:
    """A user, committed; ``password_hash`` skips hashing ``password`` (for many users)."""
    defaults = {}
    if role == Role.LEARNER:
        defaults = {
            "registration_number": "PT12345",
            "jurisdiction": "ON",
            "regulator": "College of Physiotherapists of Ontario",
            "register_class": "full",
        }
    user = User(
        email=email,
        full_name=fields.pop("full_name", "Pat Learner"),
        role=role,
        password_hash=password_hash or _HASHER.hash(password),
        **{**defaults, **fields},
    )
    session.add(user)
    session.commit()
    return user


def login(client: FlaskClient, email: str, password: str = PASSWORD, **kwargs):
    return post(client, "/auth/login", {"email": email, "password": password}, **kwargs)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def start_quiz(client: FlaskClient, course_slug: str, quiz_slug: str) -> int:
    """Start (or continue) an attempt through the quiz page's button; returns its id."""
    response = post(client, f"/courses/{course_slug}/quizzes/{quiz_slug}/start")
    location = response.headers.get("Location", "")
    assert location.startswith("/attempts/"), f"no attempt started: {location}"
    return int(location.rsplit("/", 1)[1])


def answers_for(session: Session, attempt_id: int, right: bool = True) -> dict[str, list[str]]:
    """Form data answering every question of an attempt rightly (or every one wrongly), as
    the page sends it: each option by its place on the page."""
    from course_app.quizzes.models import AttemptItem, QuestionVersion

    rows = session.execute(
        select(AttemptItem.position, AttemptItem.option_order, QuestionVersion.options)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .where(AttemptItem.attempt_id == attempt_id)
    )
    data = {}
    for position, order, options in rows:
        keys = [o["key"] for o in options if o["correct"] == right]
        data[f"q{position}"] = [served(order, key) for key in (keys if right else keys[:1])]
    return data


def served(option_order: list[str], key: str) -> str:
    """The value the page sends for an option: its place on the page (1-based)."""
    return str(option_order.index(key) + 1)


def served_for(session: Session, attempt_id: int, position: int, key: str) -> str:
    """The value the attempt's page sends for option ``key`` of the question at ``position``."""
    from course_app.quizzes.models import AttemptItem

    order = session.scalar(
        select(AttemptItem.option_order).where(
            AttemptItem.attempt_id == attempt_id, AttemptItem.position == position
        )
    )
    return served(order, key)


def take_quiz(
    client: FlaskClient, session: Session, course_slug: str, quiz_slug: str, right: bool = True
) -> int:
    """Start a quiz and submit every answer right (or wrong); returns the attempt id."""
    attempt_id = start_quiz(client, course_slug, quiz_slug)
    response = post(
        client, f"/attempts/{attempt_id}/submit", answers_for(session, attempt_id, right)
    )
    assert response.status_code == 302, text_of(response)
    return attempt_id


def open_lesson(client: FlaskClient, course_slug: str, lesson_slug: str) -> str:
    """Open a lesson page as a browser would; returns the page token its forms carry."""
    html = client.get(f"/courses/{course_slug}/lessons/{lesson_slug}").get_data(as_text=True)
    match = _PAGE_TOKEN.search(html)
    assert match, f"no page token on lesson {lesson_slug}"
    return match.group(1)


def read_and_complete(
    client: FlaskClient, course_slug: str, lesson_slug: str, minutes: float, **kwargs
):
    """Open a lesson, spend ``minutes`` on it (the clock moves on), then mark it complete
    with the page's form, as a learner without JavaScript would."""
    token = open_lesson(client, course_slug, lesson_slug)
    move_clock(timedelta(minutes=minutes))
    url = f"/courses/{course_slug}/lessons/{lesson_slug}/complete"
    return post(client, url, {"page_token": token}, **kwargs)


def complete_course(
    client: FlaskClient, session: Session, course_slug: str = "basics", evaluate: bool = True
) -> None:
    """Enrol, read every lesson for its declared minutes and complete it, pass every quiz
    of a course and (unless ``evaluate`` is False) answer its evaluation, as its learner. The
    clock moves on by the course's minutes."""
    from course_app.modules.models import Course, Lesson
    from course_app.quizzes.models import Quiz

    post(client, f"/courses/{course_slug}/enrol")
    course_id = session.scalar(select(Course.id).where(Course.slug == course_slug))
    lessons = session.execute(
        select(Lesson.slug, Lesson.minutes)
        .where(Lesson.course_id == course_id, ~Lesson.is_archived)
        .order_by(Lesson.module_id, Lesson.position)
    ).all()
    for slug, minutes in lessons:
        response = read_and_complete(client, course_slug, slug, minutes)
        refused = response.headers.get("Location", "").endswith(f"/lessons/{slug}")
        assert response.status_code == 302 and not refused, f"lesson {slug} not completed"
    quizzes = session.scalars(
        select(Quiz.slug)
        .where(Quiz.course_id == course_id)
        .order_by(Quiz.module_id.is_(None), Quiz.id)
    )
    for slug in list(quizzes):
        take_quiz(client, session, course_slug, slug)
    if evaluate:
        answer_evaluation(client, session, course_slug)


def answer_evaluation(client: FlaskClient, session: Session, course_slug: str, rating: int = 4):
    """Answer the course's evaluation (if it asks for one): every rating ``rating``, every
    comment a short sentence."""
    from course_app.modules.models import Course

    questions = session.scalar(select(Course.evaluation).where(Course.slug == course_slug))
    if not questions:
        return
    answers = {
        q["key"]: str(rating) if q.get("kind", "rating") == "rating" else "Clear and useful."
        for q in questions
    }
    response = post(client, f"/courses/{course_slug}/evaluation", answers)
    assert response.status_code == 302, text_of(response)


def long_date(day, locale: str = "en") -> str:
    """A day as pages write it (Babel's long format): ``May 31, 2027`` / ``31 mai 2027``."""
    from babel.dates import format_date

    return format_date(day, format="long", locale=locale)

"""Time on task over HTTP: heartbeats, the completion form with and without JavaScript, and
page tokens that are forged, expired, someone else's or another lesson's.

Lesson "one" of the test course declares 10 minutes; at the default share (0.5) it needs 5.
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course_app.modules.models import Course, Lesson, LessonProgress, LessonTime
from tests.conftest import move_clock
from tests.helpers import login, make_user, open_lesson, post, read_and_complete, text_of

ONE = "/courses/basics/lessons/one"


@pytest.fixture
def learner(client, db, content, still_clock):
    user = make_user(db)
    login(client, user.email)
    post(client, "/courses/basics/enrol")
    return user


def beat(client, token: str, slug: str = "one", **fields):
    """One heartbeat, as the lesson page's script sends it."""
    url = f"/courses/basics/lessons/{slug}/time"
    headers = {"Accept": "application/json"}
    return post(client, url, {"page_token": token, **fields}, headers=headers)


def complete(client, token: str, slug: str = "one", **kwargs):
    return post(client, f"/courses/basics/lessons/{slug}/complete", {"page_token": token}, **kwargs)


def recorded(db, slug: str = "one") -> int | None:
    db.expire_all()
    return db.scalar(
        select(LessonTime.active_seconds)
        .join(Lesson, Lesson.id == LessonTime.lesson_id)
        .where(Lesson.slug == slug)
    )


def course_minutes(db) -> int:
    """The course's CE minutes follow from its lessons, quizzes and practical (they are not a
    constant to copy into a test)."""
    return db.scalar(select(Course.ce_minutes).where(Course.slug == "basics"))


def completions(db) -> int:
    return db.scalar(select(func.count()).select_from(LessonProgress))


def test_completing_too_soon_says_what_is_recorded_and_needed_and_completes_nothing(
    client, db, learner
):
    response = read_and_complete(client, "basics", "one", minutes=2)
    assert response.headers["Location"] == ONE  # back to the lesson
    html = text_of(client.get(ONE))
    assert "2 min of time on this lesson is recorded, and 5 min is needed" in html
    assert "50 % of its 10 minutes" in html
    assert completions(db) == 0
    assert f"0 of {course_minutes(db)} CE minutes" in text_of(client.get("/courses/basics"))


def test_without_javascript_the_form_credits_the_time_since_the_page_opened(client, db, learner):
    response = read_and_complete(client, "basics", "one", minutes=6)
    assert response.headers["Location"] == "/courses/basics/lessons/two"
    assert recorded(db) == 360 and completions(db) == 1
    assert f"10 of {course_minutes(db)} CE minutes" in text_of(client.get("/courses/basics"))


def test_the_form_credits_at_most_the_lessons_minutes(client, db, learner):
    read_and_complete(client, "basics", "one", minutes=180)  # three hours with the page open
    assert recorded(db) == 600


def test_time_shown_by_a_refused_click_counts_towards_the_next(client, db, learner):
    read_and_complete(client, "basics", "one", minutes=3)
    assert (recorded(db), completions(db)) == (180, 0)
    response = read_and_complete(client, "basics", "one", minutes=2)
    assert response.headers["Location"] == "/courses/basics/lessons/two"
    assert (recorded(db), completions(db)) == (300, 1)


def test_heartbeats_record_the_time_that_passed(client, db, learner):
    token = open_lesson(client, "basics", "one")
    move_clock(timedelta(seconds=30))
    first = beat(client, token)
    assert first.status_code == 200
    assert first.json["recorded_seconds"] == 30 and first.json["needed_seconds"] == 300
    assert "30 s recorded" in first.json["message"]
    move_clock(timedelta(seconds=30))
    assert beat(client, token).json["recorded_seconds"] == 60
    assert recorded(db) == 60


def test_a_tab_left_open_earns_one_capped_beat(client, db, learner):
    token = open_lesson(client, "basics", "one")
    move_clock(timedelta(minutes=20))
    assert beat(client, token).json["recorded_seconds"] == 60


def test_a_flood_of_beats_earns_nothing_extra(client, db, learner):
    token = open_lesson(client, "basics", "one")
    move_clock(timedelta(seconds=30))
    for _ in range(10):
        beat(client, token)
    assert recorded(db) == 30


def test_a_beat_after_a_pause_earns_nothing_and_starts_the_count_afresh(client, db, learner):
    token = open_lesson(client, "basics", "one")
    move_clock(timedelta(seconds=30))
    beat(client, token)
    move_clock(timedelta(minutes=10))  # the tab was hidden, or the learner away
    assert beat(client, token, resumed="1").json["recorded_seconds"] == 30
    move_clock(timedelta(seconds=30))
    assert beat(client, token).json["recorded_seconds"] == 60


def test_heartbeats_then_the_form_complete_the_lesson(client, db, learner):
    token = open_lesson(client, "basics", "one")
    for _ in range(10):
        move_clock(timedelta(seconds=30))
        beat(client, token)
    ready = beat(client, token).json
    assert ready["recorded_seconds"] == 300 and "you can mark it complete" in ready["message"]
    assert complete(client, token).headers["Location"] == "/courses/basics/lessons/two"
    assert completions(db) == 1


def test_once_the_page_sent_heartbeats_the_form_credits_no_more_than_a_beat(client, db, learner):
    token = open_lesson(client, "basics", "one")
    for _ in range(5):
        move_clock(timedelta(seconds=30))
        beat(client, token)
    move_clock(timedelta(minutes=20))  # away from the page, then back to click
    assert complete(client, token).headers["Location"] == ONE
    assert (recorded(db), completions(db)) == (150 + 60, 0)


def forged(token: str) -> str:
    payload, _dot, signature = token.rpartition(".")
    return f"{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


def other_accounts_token(app, db, _client) -> str:
    make_user(db, email="other@example.org")
    other = app.test_client()
    login(other, "other@example.org")
    post(other, "/courses/basics/enrol")
    return open_lesson(other, "basics", "one")


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda app, db, client: forged(open_lesson(client, "basics", "one")), "not verified"),
        (lambda app, db, client: "not-a-token", "not verified"),
        (lambda app, db, client: open_lesson(client, "basics", "two"), "another lesson"),
        (other_accounts_token, "another account"),
        (lambda app, db, client: _expired(client), "more than 4 h ago"),
    ],
    ids=["forged", "garbage", "other-lesson", "other-account", "expired"],
)
def test_a_bad_page_token_is_refused_and_changes_nothing(app, client, db, learner, spoil, message):
    token = spoil(app, db, client)
    move_clock(timedelta(minutes=6))
    refused_beat = beat(client, token)
    assert refused_beat.status_code == 400 and message in refused_beat.json["message"]
    refused = complete(client, token)
    assert refused.headers["Location"] == ONE
    assert message in text_of(client.get(ONE))
    assert db.scalar(select(func.count()).select_from(LessonTime)) == 0
    assert completions(db) == 0


def _expired(client) -> str:
    token = open_lesson(client, "basics", "one")
    move_clock(timedelta(hours=4, seconds=1))
    return token


def test_a_beat_without_a_token_is_refused(client, db, learner):
    response = post(client, "/courses/basics/lessons/one/time")
    assert response.status_code == 400 and "reload" in response.json["message"]


def test_a_learner_not_enrolled_gets_no_token_and_records_nothing(app, client, db, learner):
    token = open_lesson(client, "basics", "one")
    make_user(db, email="stranger@example.org")
    stranger = app.test_client()
    login(stranger, "stranger@example.org")
    assert beat(stranger, token).status_code == 403
    assert db.scalar(select(func.count()).select_from(LessonTime)) == 0


def test_a_completed_lesson_offers_no_form_and_no_heartbeat(client, db, learner):
    read_and_complete(client, "basics", "one", minutes=10)
    html = text_of(client.get(ONE))
    assert "page_token" not in html and "lesson.js" not in html


def test_the_lesson_page_says_how_much_time_it_needs(client, learner):
    html = text_of(client.get(ONE))
    assert "counts once you have spent at least 5 min on it" in html
    assert 'src="/static/lesson.js"' in html


def test_the_share_is_a_setting(make_app, db, content, still_clock):
    client = make_app(LESSON_TIME_SHARE=0.25).test_client()
    login(client, make_user(db).email)
    post(client, "/courses/basics/enrol")
    response = read_and_complete(client, "basics", "one", minutes=2.5)  # a quarter of 10
    assert response.headers["Location"] == "/courses/basics/lessons/two"


@pytest.mark.parametrize("share", [-0.5, 1.5, "half"])
def test_a_share_outside_0_to_1_stops_the_app_at_start(make_app, share):
    with pytest.raises(ValueError, match="LESSON_TIME_SHARE"):
        make_app(LESSON_TIME_SHARE=share)

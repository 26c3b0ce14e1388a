"""A practical seat booked, confirmed, given from the waiting list, moved or cancelled: the
learner is told through notifications (inbox and e-mail from one template), once per action
whatever is posted again, and not at all when they turned these notices off. With a mail
server, the e-mail leaves right after the action's commit."""

import pytest
from sqlalchemy import select

from course_app.config import REPO_ROOT
from course_app.mail.models import OutboxMessage
from course_app.notifications.models import Notification
from tests import test_mail
from tests.helpers import post, text_of
from tests.test_booking import PAGE, future_cohort
from tests.test_practical import learner_browser

smtp_server = test_mail.smtp_server  # the fixture, shared


def notices(db, user) -> list[tuple[str, str]]:
    """(event, title) of the user's notifications, oldest first."""
    db.expire_all()
    query = select(Notification.event, Notification.title).where(Notification.user_id == user.id)
    return [tuple(row) for row in db.execute(query.order_by(Notification.id))]


def mails(db, user) -> list[OutboxMessage]:
    db.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.recipient == user.email)
    return list(db.scalars(query.order_by(OutboxMessage.id)))


def test_a_booking_is_told_once_in_the_inbox_and_by_mail(real_app, db, teacher):
    cohort = future_cohort(teacher)
    ada, browser = learner_browser(real_app, db, "ada@example.org")
    post(browser, f"/cohorts/{cohort}/book")
    post(browser, f"/cohorts/{cohort}/book")  # refused: she has the seat
    assert notices(db, ada) == [("cohort_booked", "Seat booked: Halifax, autumn")]
    [mail] = mails(db, ada)
    assert mail.subject == "Seat booked: Halifax, autumn"
    assert "The course's staff will confirm it." in mail.body
    assert f"http://localhost{PAGE}" in mail.body  # where she sees it
    assert "Seat booked: Halifax, autumn" in text_of(browser.get("/notifications"))
    assert '<span class="badge">1<' in browser.get("/dashboard").get_data(as_text=True)


def test_a_confirmation_is_told_once(real_app, db, teacher):
    cohort = future_cohort(teacher)
    ada, browser = learner_browser(real_app, db, "ada@example.org")
    post(browser, f"/cohorts/{cohort}/book")
    seat = f"/instructor/cohorts/{cohort}/learners/{ada.id}/seat"
    post(teacher, f"{seat}/confirm")
    again = post(teacher, f"{seat}/confirm", follow_redirects=True)
    assert "already confirmed" in text_of(again)
    assert notices(db, ada)[1:] == [("cohort_booked", "Seat confirmed: Halifax, autumn")]
    assert "is confirmed. See you there." in mails(db, ada)[-1].body


def test_a_seat_from_the_waiting_list_is_told_once(real_app, db, teacher):
    cohort = future_cohort(teacher, capacity=1)
    ada, ada_browser = learner_browser(real_app, db, "ada@example.org")
    bo, bo_browser = learner_browser(real_app, db, "bo@example.org")
    post(ada_browser, f"/cohorts/{cohort}/book")
    post(bo_browser, f"/cohorts/{cohort}/waitlist")
    post(ada_browser, f"/cohorts/{cohort}/cancel")
    post(ada_browser, f"/cohorts/{cohort}/cancel")  # refused: no seat any more
    assert notices(db, bo) == [("cohort_booked", "A seat for you: Halifax, autumn")]
    assert notices(db, ada) == [
        ("cohort_booked", "Seat booked: Halifax, autumn"),
        ("cohort_cancelled", "Seat cancelled: Halifax, autumn"),
    ]
    assert "you cancelled your seat" in mails(db, ada)[-1].body


def test_a_move_is_told_once_with_both_cohorts(real_app, db, teacher):
    first = future_cohort(teacher)
    second = future_cohort(teacher, name="Toronto, winter", in_days=60)
    ada, browser = learner_browser(real_app, db, "ada@example.org")
    post(browser, f"/cohorts/{first}/book")
    seat = f"/instructor/cohorts/{first}/learners/{ada.id}/seat"
    post(teacher, f"{seat}/move", {"target": str(second)})
    refused = post(teacher, f"{seat}/move", {"target": str(second)}, follow_redirects=True)
    assert "has no seat in this cohort" in text_of(refused)
    assert notices(db, ada)[1:] == [("cohort_moved", "Seat moved: Toronto, winter")]
    body = mails(db, ada)[-1].body
    assert "moved from Halifax, autumn to Toronto, winter (confirmed)" in body
    assert "Halifax, Dalhousie lab 2" in body


def test_a_cancellation_by_staff_is_told_once_with_its_reason(real_app, db, teacher):
    cohort = future_cohort(teacher)
    ada, browser = learner_browser(real_app, db, "ada@example.org")
    post(browser, f"/cohorts/{cohort}/book")
    seat = f"/instructor/cohorts/{cohort}/learners/{ada.id}/seat"
    post(teacher, f"{seat}/cancel", {"reason": "Lab closed for repairs"})
    post(teacher, f"{seat}/cancel", {"reason": "Lab closed for repairs"})  # refused
    assert notices(db, ada)[1:] == [("cohort_cancelled", "Seat cancelled: Halifax, autumn")]
    body = mails(db, ada)[-1].body
    assert "the course's staff cancelled your seat" in body
    assert "Reason: Lab closed for repairs" in body


def test_booking_again_after_cancelling_is_told_again(real_app, db, teacher):
    cohort = future_cohort(teacher)
    ada, browser = learner_browser(real_app, db, "ada@example.org")
    for _ in range(2):
        post(browser, f"/cohorts/{cohort}/book")
        post(browser, f"/cohorts/{cohort}/cancel")
    assert [event for event, _title in notices(db, ada)] == [
        "cohort_booked",
        "cohort_cancelled",
        "cohort_booked",
        "cohort_cancelled",
    ]


def test_seat_notices_turned_off_are_not_sent(real_app, db, teacher):
    first = future_cohort(teacher)
    second = future_cohort(teacher, name="Toronto, winter", in_days=60)
    ada, browser = learner_browser(real_app, db, "ada@example.org")
    post(browser, "/notifications/settings", {"event": ["cohort_cancelled"]})
    post(browser, f"/cohorts/{first}/book")
    seat = f"/instructor/cohorts/{first}/learners/{ada.id}/seat"
    post(teacher, f"{seat}/move", {"target": str(second)})
    post(teacher, f"/instructor/cohorts/{second}/learners/{ada.id}/seat/cancel", {"reason": "X"})
    assert notices(db, ada) == [("cohort_cancelled", "Seat cancelled: Toronto, winter")]
    assert [mail.subject for mail in mails(db, ada)] == ["Seat cancelled: Toronto, winter"]


@pytest.fixture
def mailing_app(make_app, smtp_server):
    controller, _inbox = smtp_server
    app = make_app(
        CONTENT_DIR=str(REPO_ROOT / "content"), MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port
    )
    assert app.test_cli_runner().invoke(args=["load-content"]).exit_code == 0
    return app


def test_a_seat_notice_is_sent_right_after_the_commit(mailing_app, db, smtp_server):
    _controller, inbox = smtp_server
    from tests.test_booking import members

    teacher = _teacher(mailing_app, db)
    cohort = future_cohort(teacher)
    ada, browser = learner_browser(mailing_app, db, "ada@example.org")
    post(browser, f"/cohorts/{cohort}/book")
    assert members(db, cohort) == [ada.id]
    [sent] = inbox.messages  # no retry needed: the view sent it after its commit
    assert (sent["To"], sent["Subject"]) == ("ada@example.org", "Seat booked: Halifax, autumn")
    assert mails(db, ada)[0].sent_at is not None


def _teacher(app, db):
    from course_app.auth.models import Role
    from course_app.instructor.models import CourseStaff
    from course_app.modules.models import Course
    from tests.helpers import login, make_user
    from tests.test_practical import LEVEL_1

    user = make_user(db, email="teacher@example.org", role=Role.INSTRUCTOR, full_name="Tess")
    course_id = db.scalar(select(Course.id).where(Course.slug == LEVEL_1))
    db.add(CourseStaff(course_id=course_id, user_id=user.id))
    db.commit()
    browser = app.test_client()
    login(browser, user.email)
    return browser

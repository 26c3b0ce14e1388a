"""Practical offerings through HTTP: learners see a course's cohorts (dates, place, seats left,
instructors), book a seat, wait when it is full, cancel before the cut-off; staff confirm,
move and cancel with e-mail through the outbox; capacity holds under concurrent booking (on
SQLite and PostgreSQL); learners see their own results per competency."""

import threading
from datetime import date, timedelta

from sqlalchemy import func, select

from course_app.audit.models import AuditEntry
from course_app.auth.models import Role
from course_app.instructor.models import Cohort, CohortMember, CohortWaitlist
from course_app.mail.models import OutboxMessage
from tests.helpers import login, make_user, post, text_of
from tests.test_practical import (
    LEVEL_1,
    create_cohort,
    learner_browser,
    sign_off_everything,
)

PAGE = f"/courses/{LEVEL_1}/practical"


def future_cohort(teacher, name="Halifax, autumn", capacity=12, in_days=30) -> int:
    first = date.today() + timedelta(days=in_days)
    form = {
        "instructors": "",
        "name": name,
        "starts_on": first.isoformat(),
        "ends_on": (first + timedelta(days=2)).isoformat(),
        "location": "Halifax, Dalhousie lab 2",
        "capacity": str(capacity),
        "lab_hours": "24",
    }
    response = post(teacher, f"/instructor/courses/{LEVEL_1}/cohorts", form)
    assert response.status_code == 302, text_of(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def members(db, cohort_id) -> list[int]:
    db.expire_all()
    query = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)
    return sorted(db.scalars(query))


def mail_to(db, email) -> list[str]:
    db.expire_all()
    query = select(OutboxMessage.subject).where(OutboxMessage.recipient == email)
    return list(db.scalars(query.order_by(OutboxMessage.id)))


def test_a_learner_sees_the_cohorts_and_books_a_seat(real_app, db, teacher):
    cohort_id = future_cohort(teacher, capacity=3)
    learner, browser = learner_browser(real_app, db, "ada@example.org")
    page = text_of(browser.get(PAGE))
    assert "Halifax, autumn" in page and "Halifax, Dalhousie lab 2" in page
    assert "3 seats left of 3" in page and "Tess Teacher" in page
    assert post(browser, f"/cohorts/{cohort_id}/book").status_code == 302
    assert members(db, cohort_id) == [learner.id]
    page = text_of(browser.get(PAGE))
    assert "2 seats left of 3" in page and "awaiting confirmation by staff" in page
    assert mail_to(db, learner.email)[-1] == "Seat booked: Halifax, autumn"
    again = post(browser, f"/cohorts/{cohort_id}/book", follow_redirects=True)
    assert "already have a seat" in text_of(again)
    other = future_cohort(teacher, name="Toronto, winter", in_days=60)
    refused = post(browser, f"/cohorts/{other}/book", follow_redirects=True)
    assert "already have a seat in “Halifax, autumn”" in text_of(refused)
    assert members(db, other) == []
    assert list(db.scalars(select(AuditEntry.action).where(AuditEntry.action.like("%seat%")))) == [
        "cohort.seat_booked"
    ]


def test_a_full_cohort_has_a_waiting_list_and_a_freed_seat_goes_to_the_first(real_app, db, teacher):
    cohort_id = future_cohort(teacher, capacity=1)
    ada, ada_browser = learner_browser(real_app, db, "ada@example.org")
    bo, bo_browser = learner_browser(real_app, db, "bo@example.org")
    post(ada_browser, f"/cohorts/{cohort_id}/book")
    full = post(bo_browser, f"/cohorts/{cohort_id}/book", follow_redirects=True)
    assert "is full: join its waiting list" in text_of(full)
    assert members(db, cohort_id) == [ada.id]
    assert "Join the waiting list for Halifax, autumn" in text_of(bo_browser.get(PAGE))
    assert post(bo_browser, f"/cohorts/{cohort_id}/waitlist").status_code == 302
    assert "number 1 in line" in text_of(bo_browser.get(PAGE))
    roster = text_of(teacher.get(f"/instructor/cohorts/{cohort_id}"))
    assert "1 of 1 taken, 1 waiting" in roster
    assert post(ada_browser, f"/cohorts/{cohort_id}/cancel").status_code == 302
    assert members(db, cohort_id) == [bo.id]
    assert db.scalar(select(func.count()).select_from(CohortWaitlist)) == 0
    assert "A seat for you: Halifax, autumn" in mail_to(db, bo.email)
    assert "Seat cancelled: Halifax, autumn" in mail_to(db, ada.email)
    assert db.scalar(select(Cohort.seats_taken).where(Cohort.id == cohort_id)) == 1


def test_cancelling_stops_at_the_configured_cut_off(real_app, db, teacher):
    soon = future_cohort(teacher, capacity=2, in_days=2)  # starts in two days
    learner, browser = learner_browser(real_app, db, "ada@example.org")
    post(browser, f"/cohorts/{soon}/book")
    assert "cut-off has passed: contact the course's staff" in text_of(browser.get(PAGE))
    late = post(browser, f"/cohorts/{soon}/cancel", follow_redirects=True)
    assert "can be cancelled online until" in text_of(late)
    assert members(db, soon) == [learner.id]
    real_app.config["PRACTICAL_CANCEL_CUTOFF_HOURS"] = 24
    assert post(browser, f"/cohorts/{soon}/cancel").status_code == 302
    assert members(db, soon) == []


def test_staff_confirm_move_and_cancel_seats_and_the_learner_is_told(real_app, db, teacher):
    first = future_cohort(teacher, capacity=2)
    second = future_cohort(teacher, name="Toronto, winter", capacity=1, in_days=60)
    learner, browser = learner_browser(real_app, db, "ada@example.org")
    post(browser, f"/cohorts/{first}/book")
    seat = f"/instructor/cohorts/{first}/learners/{learner.id}/seat"
    assert "Booked, to confirm" in text_of(teacher.get(f"/instructor/cohorts/{first}"))
    assert post(teacher, f"{seat}/confirm").status_code == 302
    assert "Your seat is confirmed." in text_of(browser.get(PAGE))
    assert post(teacher, f"{seat}/move", {"target": str(second)}).status_code == 302
    assert members(db, first) == [] and members(db, second) == [learner.id]
    moved = f"/instructor/cohorts/{second}/learners/{learner.id}/seat"
    no_reason = post(teacher, f"{moved}/cancel", {"reason": " "}, follow_redirects=True)
    assert "Say why the seat is cancelled" in text_of(no_reason)
    assert post(teacher, f"{moved}/cancel", {"reason": "Lab closed"}).status_code == 302
    assert members(db, second) == []
    assert mail_to(db, learner.email) == [
        "Seat booked: Halifax, autumn",
        "Seat confirmed: Halifax, autumn",
        "Seat moved: Toronto, winter",
        "Seat cancelled: Toronto, winter",
    ]
    actions = set(db.scalars(select(AuditEntry.action)))
    assert {"cohort.seat_confirmed", "cohort.seat_moved", "cohort.seat_cancelled"} <= actions


def test_who_may_book_and_manage_seats(real_app, db, teacher):
    cohort_id = future_cohort(teacher)
    provisional, browser = learner_browser(
        real_app, db, "pro@example.org", register_class="provisional"
    )
    refused = post(browser, f"/cohorts/{cohort_id}/book", follow_redirects=True)
    assert "Provisional registrants" in text_of(refused)
    stranger = make_user(db, email="new@example.org")
    not_enrolled = real_app.test_client()
    login(not_enrolled, stranger.email)
    refused = post(not_enrolled, f"/cohorts/{cohort_id}/book", follow_redirects=True)
    assert "Enrol in the course before booking" in text_of(refused)
    assert post(teacher, f"/cohorts/{cohort_id}/book").status_code == 403
    assert post(browser, "/cohorts/9999/book").status_code == 404
    make_user(db, email="other@example.org", role=Role.INSTRUCTOR)
    other = real_app.test_client()
    login(other, "other@example.org")
    url = f"/instructor/cohorts/{cohort_id}/learners/{provisional.id}/seat/confirm"
    assert post(other, url).status_code == 403
    assert members(db, cohort_id) == []
    assert browser.get(f"/cohorts/{cohort_id}/book").status_code == 405


def test_concurrent_bookings_never_overfill_a_cohort(real_app, db, teacher):
    cohort_id = future_cohort(teacher, capacity=2)
    browsers = [learner_browser(real_app, db, f"l{i}@example.org")[1] for i in range(6)]
    start = threading.Barrier(len(browsers))
    codes = []

    def book(browser):
        start.wait()
        codes.append(post(browser, f"/cohorts/{cohort_id}/book").status_code)

    threads = [threading.Thread(target=book, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [302, 302, 303, 303, 303, 303]
    assert len(members(db, cohort_id)) == 2
    assert db.scalar(select(Cohort.seats_taken).where(Cohort.id == cohort_id)) == 2


def test_a_learner_sees_their_results_per_competency(real_app, db, teacher):
    learner, browser = learner_browser(real_app, db, "ada@example.org")
    past = create_cohort(teacher)
    post(teacher, f"/instructor/cohorts/{past}", {"email": learner.email})
    sign_off_everything(teacher, db, past, learner.id, result="not-yet")
    page = text_of(browser.get(PAGE))
    assert "Your practical results" in page and "Not yet" in page
    assert "0 hours of the 20 hours required (in Toronto, spring)" in page
    assert browser.get("/courses/no-such-course/practical").status_code == 404


def test_a_freed_seat_skips_a_learner_seated_elsewhere_since(real_app, db, teacher):
    full = future_cohort(teacher, capacity=1)
    other = future_cohort(teacher, name="Toronto, winter", in_days=60)
    _ada, ada_browser = learner_browser(real_app, db, "ada@example.org")
    bo, bo_browser = learner_browser(real_app, db, "bo@example.org")
    cy, cy_browser = learner_browser(real_app, db, "cy@example.org")
    post(ada_browser, f"/cohorts/{full}/book")
    post(bo_browser, f"/cohorts/{full}/waitlist")
    post(cy_browser, f"/cohorts/{full}/waitlist")
    assert post(teacher, f"/instructor/cohorts/{other}", {"email": bo.email}).status_code == 302
    assert post(ada_browser, f"/cohorts/{full}/cancel").status_code == 302
    assert members(db, full) == [cy.id] and members(db, other) == [bo.id]
    assert db.scalar(select(func.count()).select_from(CohortWaitlist)) == 0

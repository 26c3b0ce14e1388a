"""Admin lists that scale: natural order, pages, search and filters (150+ users)."""

import re

import pytest
from sqlalchemy import select

from course_app.audit.services import record
from course_app.auth.models import Role, User
from course_app.listing import natural_key, page_of, paginate
from course_app.mail.models import OutboxMessage
from course_app.modules.models import Course, Enrollment
from tests.helpers import login, make_user, post, text_of

LEARNERS = 155


def test_natural_key_orders_numbers_by_value():
    names = ["Learner 10", "learner 2", "Learner 100", "Learner 1", "Ada", "Learner 2b"]
    assert sorted(names, key=natural_key) == [
        "Ada",
        "Learner 1",
        "learner 2",
        "Learner 2b",
        "Learner 10",
        "Learner 100",
    ]
    assert sorted(["7", "a", "10"], key=natural_key) == ["7", "10", "a"]


def test_pages_are_bounded_and_number_the_neighbourhood():
    assert page_of(155, None).number == 1
    assert page_of(155, 99).number == 4  # past the end: the last page, not an empty one
    assert page_of(0, 3).number == 1 and page_of(0, 3).count == 1
    page = page_of(1000, 10, size=50)
    assert page.numbers() == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert (page.first_row, page.last_row) == (451, 500)
    last, rows = paginate(list(range(155)), 4)
    assert rows == [150, 151, 152, 153, 154] and last.count == 4


@pytest.fixture
def crowd(db):
    """An admin, an instructor, and 155 learners named 'Learner 1' … 'Learner 155'."""
    make_user(db, "admin@example.org", role=Role.ADMIN, full_name="Ada Admin")
    make_user(db, "tess@example.org", role=Role.INSTRUCTOR, full_name="Tess Teacher")
    hashed = db.get(User, 1).password_hash
    for number in range(LEARNERS, 0, -1):
        db.add(
            User(
                email=f"learner{number}@example.org",
                full_name=f"Learner {number}",
                role=Role.LEARNER,
                password_hash=hashed,
                registration_number=f"PT{number:05}",
                jurisdiction="ON",
                regulator="College",
                register_class="full",
                is_active=number % 10 != 0,
            )
        )
    db.commit()


@pytest.fixture
def admin(client, crowd):
    login(client, "admin@example.org")
    return client


def _names(html: str) -> list[str]:
    return re.findall(r'/admin/users/\d+">([^<]+)</a>', html)


def test_users_are_paged_in_natural_order(admin):
    first = admin.get("/admin/users").get_data(as_text=True)
    names = _names(first)
    assert names[:4] == ["Ada Admin", "Learner 1", "Learner 2", "Learner 3"]
    assert len(names) == 50 and "Rows 1–50 of 157" in first
    assert 'href="/admin/users?page=4"' in first
    last = _names(admin.get("/admin/users?page=4").get_data(as_text=True))
    assert last[-1] == "Tess Teacher" and "Learner 155" in last
    beyond = admin.get("/admin/users?page=99999999999999")
    assert beyond.status_code == 200 and _names(beyond.get_data(as_text=True))[0] == "Ada Admin"


def test_users_filter_by_role_activation_and_text(admin):
    staff = _names(admin.get("/admin/users?role=instructor").get_data(as_text=True))
    assert staff == ["Tess Teacher"]
    inactive = _names(admin.get("/admin/users?active=no").get_data(as_text=True))
    assert inactive[:3] == ["Learner 10", "Learner 20", "Learner 30"] and len(inactive) == 15
    found = admin.get("/admin/users?q=learner15&role=learner&active=yes")
    expected = ["Learner 15"] + [f"Learner {n}" for n in range(151, 156)]  # 150 is inactive
    assert _names(found.get_data(as_text=True)) == expected
    text = text_of(admin.get("/admin/users?q=LEARNER12"))
    assert "Learner 12" in text and "Learner 13" not in text
    # % and _ are searched as text, not as SQL wildcards that would match everyone.
    assert _names(admin.get("/admin/users?q=%25").get_data(as_text=True)) == []
    assert _names(admin.get("/admin/users?q=learner_1").get_data(as_text=True)) == []


def test_a_filter_keeps_its_arguments_on_page_links(admin):
    html = admin.get("/admin/users?role=learner&active=yes").get_data(as_text=True)
    assert "Rows 1–50 of 140" in html
    assert "/admin/users?role=learner&amp;active=yes&amp;page=2" in html


def test_the_certificate_queue_is_paged_in_natural_order(admin, db, content):
    course_id = db.scalar(select(Course.id).where(Course.slug == "basics"))
    learners = db.scalars(select(User.id).where(User.role == Role.LEARNER))
    db.add_all(Enrollment(user_id=learner, course_id=course_id) for learner in learners)
    db.commit()
    html = admin.get("/admin/certificates").get_data(as_text=True)
    names = re.findall(r'<th scope="row">(Learner \d+)</th>', html)
    assert names[:3] == ["Learner 1", "Learner 2", "Learner 3"] and len(names) == 50
    assert "Rows 1–50 of 155" in html and "page-basics=4" in html
    last = admin.get("/admin/certificates?page-basics=4").get_data(as_text=True)
    assert re.findall(r'<th scope="row">(Learner \d+)</th>', last)[-1] == "Learner 155"
    found = admin.get("/admin/certificates?q=learner 15").get_data(as_text=True)
    assert len(re.findall(r'<th scope="row">(Learner \d+)</th>', found)) == 7  # 15, 150-155
    assert "No learner matches." in admin.get("/admin/certificates?ready=1").get_data(as_text=True)


def _audit(db, actor_id: int, count: int) -> None:
    for number in range(count):
        record(db, actor_id, "user.renamed", ("user", 3), {"full_name": f"Old {number}"}, None)
    db.commit()


def test_the_audit_trail_finds_the_actor_by_name_and_is_paged(admin, db):
    tess = db.scalar(select(User).where(User.email == "tess@example.org"))
    _audit(db, 1, 60)
    _audit(db, tess.id, 2)
    by_name = text_of(admin.get("/admin/audit?actor=teacher"))
    assert "2 entries" in by_name and "Ada Admin" not in by_name.split("newest first")[1]
    by_mail = text_of(admin.get("/admin/audit?actor=ADMIN@example"))
    assert "60 entries" in by_mail and "Rows 1–50 of 60" in by_mail
    assert "Rows 51–60 of 60" in text_of(admin.get("/admin/audit?actor=admin&page=2"))
    assert admin.get("/admin/audit?page=99999999999999").status_code == 200


def test_audit_entries_read_as_names_and_changes(admin, db):
    post(admin, "/admin/users/3/role", {"role": "instructor"})
    page = text_of(admin.get("/admin/audit?action=user.role_changed"))
    named = db.get(User, 3).full_name
    assert f"User {named}" in page and "Role: learner → instructor" in page
    assert "{'role'" not in page and "user 3" not in page


def test_the_outbox_is_paged_with_numbers(admin, db):
    for number in range(55):
        db.add(
            OutboxMessage(recipient=f"l{number}@example.org", subject=f"Message {number}", body="B")
        )
    db.commit()
    first = text_of(admin.get("/admin/outbox"))
    assert "Message 54" in first and "Message 4\n" not in first
    assert "Rows 1–50 of 55" in first
    last = text_of(admin.get("/admin/outbox?page=2"))
    assert "Rows 51–55 of 55" in last and "Message 0" in last and "Message 54" not in last


def test_the_outbox_is_searched_and_filtered_by_status(admin, db):
    """An admin finds the mail a learner says never came: by address or subject, and by
    whether it went out, waits, or failed (with its error); the filters survive paging."""
    from datetime import UTC, datetime

    sent = datetime(2027, 5, 30, 12, tzinfo=UTC)
    db.add_all(
        [
            OutboxMessage(recipient="ada@example.org", subject="Reset", body="B", sent_at=sent),
            OutboxMessage(recipient="ada@example.org", subject="Issued", body="B", last_error="5"),
            OutboxMessage(recipient="bo@example.org", subject="Welcome 100%_", body="B"),
        ]
    )
    for number in range(60):
        db.add(OutboxMessage(recipient=f"x{number}@example.org", subject="Bulk", body="B"))
    db.commit()

    def subjects(query: str) -> list[str]:
        return re.findall(r"<h2>([^<]*)</h2>", text_of(admin.get("/admin/outbox" + query)))

    assert subjects("?q=ADA") == ["Issued", "Reset"]
    assert subjects("?q=ada&status=sent") == ["Reset"]
    assert subjects("?q=ada&status=failed") == ["Issued"]
    assert subjects("?q=100%25_") == ["Welcome 100%_"]  # % and _ are text, not wildcards
    assert subjects("?status=nonsense&q=bo@") == ["Welcome 100%_"]  # unknown status: any
    assert "No message matches these filters." in text_of(admin.get("/admin/outbox?q=zzz"))
    waiting = text_of(admin.get("/admin/outbox?status=waiting"))
    assert "Rows 1–50 of 61" in waiting and "status=waiting" in waiting  # kept in page links

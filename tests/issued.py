"""Certificates issued in a few milliseconds, for the verification tests: a learner enrolled in
the test course 'basics' gets one without completing it (``issue_unchecked``, as the
benchmarks do), on an app whose public address is ``BASE``."""

from sqlalchemy import select

from course_app.certificates import services
from course_app.certificates.issuer import current_issuer
from course_app.certificates.models import Certificate
from course_app.modules.models import Course, Enrollment
from tests.helpers import csrf_token, make_user

BASE = "https://ce.example.org"


def public_app(make_app, db):
    """The app with a public address, on the test curriculum (a test module's fixture)."""
    from course_app.modules.content import parse_content
    from course_app.modules.sync import sync_content
    from tests.conftest import TEST_CONTENT

    app = make_app(PUBLIC_BASE_URL=BASE)
    courses, problems = parse_content(TEST_CONTENT)
    assert problems == []
    sync_content(db, courses)
    db.commit()
    return app


def issue_for(app, db, email: str, full_name: str) -> Certificate:
    learner = make_user(db, email=email, full_name=full_name)
    course = db.scalar(select(Course).where(Course.slug == "basics"))
    db.add(Enrollment(user_id=learner.id, course_id=course.id))
    db.commit()
    with app.test_request_context("/"):
        cert = services.issue_unchecked(db, course, learner, current_issuer())
    db.commit()
    return cert


def upload(client, data: bytes, filename: str = "certificate.pdf"):
    """Post a file to the public /verify page, as the form does. The multipart body is built
    here: the test client would spool a large one to a temporary file it never closes."""
    boundary = "course-app-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        f"{csrf_token(client, '/verify')}\r\n--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    )
    body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return client.post(
        "/verify", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )

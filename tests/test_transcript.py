"""The regulator-ready transcript PDF: the provider, the learner's jurisdiction and
registration number, completion dates, theory and practical hours apart, the competencies
signed off, each certificate's id and verification link with a QR code that scans back to it,
on as many pages as it needs (read back with pdftotext, pdftoppm and zbarimg)."""

import subprocess

from sqlalchemy import select

from course_app.certificates import services
from course_app.certificates.issuer import current_issuer
from course_app.modules.models import Course, Enrollment
from tests.helpers import login, long_date, make_user
from tests.issued import BASE, public_app
from tests.test_certificates import (  # noqa: F401  (fixtures)
    LEVEL_1,
    NAME,
    admin,
    finished,
    issue,
    need,
    real_app,
    verify_licence,
)


def pdf_words(data: bytes) -> str:
    return subprocess.run(
        [need("pdftotext"), "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def pages_of(data: bytes) -> int:
    info = subprocess.run(
        [need("pdfinfo"), "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def scanned(data: bytes, tmp_path) -> set[str]:
    """Every QR code on every page, decoded."""
    path = tmp_path / "transcript.pdf"
    path.write_bytes(data)
    subprocess.run(
        [need("pdftoppm"), "-r", "150", "-png", str(path), str(tmp_path / "page")], check=True
    )
    found: set[str] = set()
    for image in sorted(tmp_path.glob("page*.png")):
        out = subprocess.run(
            [need("zbarimg"), "-q", "--raw", str(image)], capture_output=True, text=True
        ).stdout
        found |= {line.strip() for line in out.splitlines() if line.strip()}
    return found


def test_the_transcript_carries_what_a_regulator_asks_for(
    real_app,  # noqa: F811
    admin,  # noqa: F811
    db,
    finished,  # noqa: F811
    tmp_path,
):
    verify_licence(admin, finished)
    cert = issue(admin, db, finished)
    data = finished.browser.get("/transcript.pdf").data
    words = pdf_words(data)
    assert f"Provider: {real_app.config['PRODUCT_NAME']}" in words
    assert NAME in words and "Registration number: PT-0123456" in words
    assert "Jurisdiction: ON (College of Physiotherapists of Ontario)" in words
    assert f"completed {long_date(cert.issued_at)}" in words  # all done that day
    assert "in-person practical 24 h" in words and "Online theory" in words
    course = db.scalar(select(Course).where(Course.slug == LEVEL_1))
    assert f"Competencies signed off ({len(course.competencies)})" in words
    assert course.competencies[0]["title"][:40] in words
    link = f"https://ce.example.org/verify/{cert.public_id}"
    assert f"Certificate {cert.public_id}" in words and link in words
    assert scanned(data, tmp_path) == {link}
    csv = finished.browser.get("/transcript.csv").get_data(as_text=True)
    assert link in csv and "Completed,Competencies signed off,Verification link" in csv


def test_many_certificates_flow_onto_more_pages(make_app, db, tmp_path):
    app = public_app(make_app, db)
    learner = make_user(db, email="many@example.org", full_name="Mani Courses")
    courses = [
        Course(slug=f"extra-{n:02d}", title=f"Extra course {n:02d}", level=1, ce_minutes=60)
        for n in range(14)
    ]
    db.add_all(courses)
    db.flush()
    db.add_all(Enrollment(user_id=learner.id, course_id=c.id) for c in courses)
    db.commit()
    with app.test_request_context("/"):
        certs = [services.issue_unchecked(db, c, learner, current_issuer()) for c in courses]
    db.commit()
    browser = app.test_client()
    login(browser, learner.email)
    data = browser.get("/transcript.pdf").data
    words = pdf_words(data)
    assert pages_of(data) > 1 and "(continued)" in words and "Page 2" in words
    for cert in certs:
        assert f"Certificate {cert.public_id}" in words
        assert f"{BASE}/verify/{cert.public_id}" in words
    assert scanned(data, tmp_path) == {f"{BASE}/verify/{c.public_id}" for c in certs}
    assert "Total: online theory" in words.split("Extra course 13")[-1]

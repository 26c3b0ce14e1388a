"""Certificates end to end on the real curriculum: eligibility, issue, PDF, credential,
public verification, revoke, reissue, expiry, transcript, audit chain; and administration."""

import hashlib
import json
import os
import shutil
import subprocess
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from course_app.audit.models import AuditEntry
from course_app.auth.models import Role, User
from course_app.certificates.models import Certificate
from course_app.certificates.pdf import attached_credential
from course_app.config import REPO_ROOT
from course_app.instructor.models import CourseStaff
from course_app.modules.models import Course, Enrollment, Lesson
from tests.audit_helpers import append_only_guard_off, tamper
from tests.helpers import complete_course, login, long_date, make_user, post, text_of
from tests.test_practical import create_cohort, sign_off_everything

LEVEL_1 = "dry-needling-level-1"
NAME = "Zoë Ñúñez-Łukasz 王芳"


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} missing (apt install poppler-utils zbar-tools)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    return path


@pytest.fixture
def real_app(make_app):
    app = make_app(CONTENT_DIR=str(REPO_ROOT / "content"), PUBLIC_BASE_URL="https://ce.example.org")
    assert app.test_cli_runner().invoke(args=["load-content"]).exit_code == 0
    return app


@pytest.fixture
def admin(real_app, db):
    make_user(db, email="admin@example.org", role=Role.ADMIN, full_name="Ada Admin")
    browser = real_app.test_client()
    login(browser, "admin@example.org")
    return browser


@pytest.fixture
def finished(real_app, db):
    """A learner who completed Level 1 (lessons, quizzes, final exam, practical)."""
    teacher = make_user(
        db, email="teacher@example.org", role=Role.INSTRUCTOR, full_name="Tess Teacher"
    )
    course_id = db.scalar(select(Course.id).where(Course.slug == LEVEL_1))
    db.add(CourseStaff(course_id=course_id, user_id=teacher.id))
    db.commit()
    instructor = real_app.test_client()
    login(instructor, teacher.email)
    learner = make_user(
        db, email="zoe@example.org", full_name=NAME, registration_number="PT-0123456"
    )
    browser = real_app.test_client()
    login(browser, learner.email)
    complete_course(browser, db, LEVEL_1)
    cohort_id = create_cohort(instructor)
    post(instructor, f"/instructor/cohorts/{cohort_id}", {"email": learner.email})
    post(
        instructor, f"/instructor/cohorts/{cohort_id}/learners/{learner.id}/hours", {"hours": "24"}
    )
    sign_off_everything(instructor, db, cohort_id, learner.id)
    learner.browser = browser
    return learner


def verify_licence(admin, learner) -> None:
    assert (
        post(admin, f"/admin/users/{learner.id}/licence", {"note": "Public register"}).status_code
        == 302
    )


def issue(admin, db, learner) -> Certificate:
    response = post(admin, f"/admin/certificates/{LEVEL_1}/issue", {"learner": str(learner.id)})
    assert response.status_code == 302, text_of(admin.get("/admin/certificates"))
    db.expire_all()
    return db.scalar(
        select(Certificate).where(Certificate.user_id == learner.id, Certificate.status == "valid")
    )


def test_the_queue_can_show_only_learners_ready_for_a_certificate(admin, db, finished):
    course_id = db.scalar(select(Course.id).where(Course.slug == LEVEL_1))
    other = make_user(db, email="other@example.org", full_name="Learner 2")
    db.add(Enrollment(user_id=other.id, course_id=course_id))
    db.commit()
    verify_licence(admin, finished)
    everyone = text_of(admin.get("/admin/certificates"))
    assert NAME in everyone and "Learner 2" in everyone
    ready = text_of(admin.get("/admin/certificates?ready=1"))
    assert NAME in ready and "Learner 2" not in ready
    issue(admin, db, finished)
    assert NAME not in text_of(admin.get("/admin/certificates?ready=1"))


def test_the_licence_must_be_verified_before_a_certificate_is_issued(admin, db, finished):
    queue = text_of(admin.get("/admin/certificates"))
    assert "Registration number verified by an administrator" in queue
    refused = post(admin, f"/admin/certificates/{LEVEL_1}/issue", {"learner": str(finished.id)})
    assert refused.status_code == 303
    assert "not eligible yet: Registration number verified" in text_of(
        admin.get("/admin/certificates")
    )
    assert db.scalar(select(Certificate.id)) is None
    verify_licence(admin, finished)
    assert issue(admin, db, finished) is not None


def test_the_certificate_pdf_names_the_holder_in_any_script_and_its_qr_verifies(
    admin, db, finished, tmp_path
):
    verify_licence(admin, finished)
    cert = issue(admin, db, finished)
    data = finished.browser.get(f"/certificates/{cert.public_id}.pdf").data
    assert hashlib.sha256(data).hexdigest() == cert.pdf_sha256
    path = tmp_path / "certificate.pdf"
    path.write_bytes(data)
    words = subprocess.run(
        [need("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert NAME in words and cert.public_id in words
    minutes = db.scalar(select(Course.ce_minutes).where(Course.slug == LEVEL_1))
    stated = f"{round(minutes / 60, 2):g}"  # to the hundredth, as every page states it
    assert f"Online theory: {stated} h" in words and "In-person practical: 24 h" in words
    description = attached_credential(data)["credentialSubject"]["achievement"]["description"]
    assert f"Online theory {stated} h;" in description
    subprocess.run(
        [need("pdftoppm"), "-r", "100", "-png", str(path), str(tmp_path / "page")], check=True
    )
    image = next(tmp_path.glob("page*.png"))
    scanned = subprocess.run(
        [need("zbarimg"), "-q", "--raw", str(image)], capture_output=True, text=True
    )
    assert scanned.stdout.strip() == f"https://ce.example.org/verify/{cert.public_id}"
    assert attached_credential(data)["id"] == f"https://ce.example.org/verify/{cert.public_id}"


def test_public_verification_valid_then_revoked_with_the_reason(real_app, admin, db, finished):
    verify_licence(admin, finished)
    cert = issue(admin, db, finished)
    anyone = real_app.test_client()
    page = text_of(anyone.get(f"/verify/{cert.public_id}"))
    assert "Valid" in page and NAME in page and "•••••••456" in page and "PT-0123456" not in page
    assert cert.pdf_sha256 in page
    data = anyone.get(f"/verify/{cert.public_id}.json").json
    hours = db.scalar(select(Course.ce_minutes).where(Course.slug == LEVEL_1)) / 60
    assert data["status"] == "valid" and data["practical_hours"] == 24
    assert data["theory_hours"] == round(hours, 2)
    assert f"<dd>{round(hours, 2):g} CE hours</dd>" in page  # online theory, to the hundredth
    post(admin, f"/admin/certificates/{cert.public_id}/revoke", {"reason": "Obtained by fraud"})
    page = text_of(anyone.get(f"/verify/{cert.public_id}"))
    assert f"Revoked on {long_date(date.today())}" in page and "Obtained by fraud" in page
    assert (
        anyone.get(f"/verify/{cert.public_id}.json").json["revoked"]["reason"]
        == "Obtained by fraud"
    )


def test_an_unknown_id_says_not_found_and_nothing_else(real_app):
    anyone = real_app.test_client()
    response = anyone.get("/verify/DN1-0000-0000-0000")
    assert response.status_code == 404 and "No certificate has this id." in text_of(response)
    assert anyone.get("/verify/DN1-0000-0000-0000.json").json == {"error": "not found"}
    typed = post(anyone, "/verify", {"certificate_id": " dn1-0000-0000-000o "})
    assert typed.headers["Location"] == "/verify/DN1-0000-0000-0000"


def test_reissue_supersedes_the_old_certificate(real_app, admin, db, finished):
    verify_licence(admin, finished)
    old = issue(admin, db, finished)
    post(admin, f"/admin/users/{finished.id}/name", {"full_name": "Zoë Núñez"})
    reissued = post(admin, f"/admin/certificates/{old.public_id}/reissue", {"reason": "Name"})
    assert reissued.status_code == 302
    db.expire_all()
    new = db.scalar(select(Certificate).where(Certificate.status == "valid"))
    assert new.holder_name == "Zoë Núñez" and new.public_id != old.public_id
    page = text_of(real_app.test_client().get(f"/verify/{old.public_id}"))
    assert "Superseded by" in page and new.public_id in page


def test_an_expired_certificate_shows_as_expired_and_can_be_renewed(real_app, admin, db, finished):
    verify_licence(admin, finished)
    cert = issue(admin, db, finished)
    db.execute(update(Certificate).values(expires_on=date.today() - timedelta(days=1)))
    db.commit()
    assert real_app.test_client().get(f"/verify/{cert.public_id}.json").json["status"] == "expired"
    renewed = issue(admin, db, finished)
    assert renewed.public_id != cert.public_id and renewed.expires_on > date.today()
    old = db.get(Certificate, cert.id)
    assert (old.holder_name, old.pdf_sha256, old.status) == (
        cert.holder_name,
        cert.pdf_sha256,
        "expired",
    )
    assert real_app.test_client().get(f"/verify/{cert.public_id}.json").json["status"] == "expired"


def test_issuing_twice_at_once_yields_one_certificate(real_app, admin, db, finished):
    verify_licence(admin, finished)
    browsers = [real_app.test_client(), real_app.test_client()]
    for browser in browsers:
        login(browser, "admin@example.org")
    forms = [{"learner": str(finished.id), "csrf_token": _token(b)} for b in browsers]
    threads = [
        threading.Thread(
            target=lambda b=b, f=f: b.post(f"/admin/certificates/{LEVEL_1}/issue", data=f)
        )
        for b, f in zip(browsers, forms, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.expire_all()
    assert len(db.scalars(select(Certificate)).all()) == 1


def _token(browser):
    from tests.helpers import csrf_token

    return csrf_token(browser)


def test_verify_command_checks_a_credential_file_offline(real_app, admin, db, finished, tmp_path):
    verify_licence(admin, finished)
    cert = issue(admin, db, finished)
    runner = real_app.test_cli_runner()
    good = tmp_path / "credential.json"
    good.write_text(json.dumps(cert.credential))
    result = runner.invoke(args=["verify", str(good)])
    assert result.exit_code == 0 and "The signature is valid. Status: valid." in result.output
    pdf_file = tmp_path / "certificate.pdf"
    pdf_file.write_bytes(cert.pdf)
    assert runner.invoke(args=["verify", str(pdf_file)]).exit_code == 0
    tampered = json.loads(json.dumps(cert.credential))
    tampered["credentialSubject"]["creditsEarned"] = 72
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(tampered))
    result = runner.invoke(args=["verify", str(bad)])
    assert result.exit_code == 1 and "signature is not valid" in result.output
    post(admin, f"/admin/certificates/{cert.public_id}/revoke", {"reason": "Error"})
    result = runner.invoke(args=["verify", str(good)])
    assert result.exit_code == 1 and "Status: revoked" in result.output


def test_uploading_a_certificate_pdf_to_the_public_page_checks_it(real_app, admin, db, finished):
    import io

    verify_licence(admin, finished)
    cert = issue(admin, db, finished)
    anyone = real_app.test_client()
    token = _token(anyone)
    response = anyone.post(
        "/verify",
        data={"csrf_token": token, "file": (io.BytesIO(cert.pdf), "c.pdf")},
        content_type="multipart/form-data",
    )
    assert "The signature is valid. Status: valid." in text_of(response)
    junk = anyone.post(
        "/verify",
        data={"csrf_token": token, "file": (io.BytesIO(b"hello"), "x.txt")},
        content_type="multipart/form-data",
    )
    assert junk.status_code == 400


def test_a_rotated_key_keeps_old_certificates_verifiable(real_app, admin, db, finished, tmp_path):
    verify_licence(admin, finished)
    cert = issue(admin, db, finished)
    runner = real_app.test_cli_runner()
    assert "Retired" in runner.invoke(args=["rotate-signing-key"]).output
    profile = real_app.test_client().get("/issuers/course-app").json
    assert {m["status"] for m in profile["verificationMethod"]} == {"current", "retired"}
    good = tmp_path / "credential.json"
    good.write_text(json.dumps(cert.credential))
    assert runner.invoke(args=["verify", str(good)]).exit_code == 0


def test_transcript_lists_courses_hours_and_certificate(admin, db, finished):
    verify_licence(admin, finished)
    cert = issue(admin, db, finished)
    rows = text_of(finished.browser.get("/transcript.csv")).splitlines()
    assert rows[0].startswith(
        "Course,Level,Enrolled,Status,Online theory hours,Time on task hours,"
        "In-person practical hours"
    )
    # complete_course spent each lesson's declared minutes on it: the lessons' hours recorded;
    # the credit adds the time the passed quizzes allot (the course's CE hours).
    ce_hours = db.scalar(select(Course.ce_minutes).where(Course.slug == LEVEL_1)) / 60
    lesson_hours = (
        sum(db.scalars(select(Lesson.minutes).join(Course).where(Course.slug == LEVEL_1))) / 60
    )
    expected = f",{round(ce_hours, 2)},{round(lesson_hours, 2)},24.0,"
    assert any(cert.public_id in row and expected in row for row in rows), (expected, rows)
    data = finished.browser.get("/transcript.pdf").data
    assert data.startswith(b"%PDF")
    words = subprocess.run(
        [need("pdftotext"), "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    credited = f"Online theory {round(ce_hours, 2):g} h credited (time on task recorded "
    assert f"{credited}{round(lesson_hours, 2):g} h)" in words
    total = (
        f"Total: online theory {round(ce_hours, 2):g} h · time on task {round(lesson_hours, 2):g} h"
    )
    assert f"{total} · in-person practical 24 h" in words


def test_audit_verify_detects_an_edited_or_deleted_entry(real_app, admin, db, finished):
    verify_licence(admin, finished)
    issue(admin, db, finished)
    runner = real_app.test_cli_runner()
    assert "Audit chain intact" in runner.invoke(args=["audit-verify"]).output
    entry_id = db.scalar(select(AuditEntry.id).where(AuditEntry.action == "user.licence_verified"))
    with append_only_guard_off(db):  # as the database's owner could; the chain still shows it
        db.execute(update(AuditEntry).where(AuditEntry.id == entry_id).values(reason="edited"))
        db.commit()
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 1 and f"broken at entry {entry_id}" in result.output
    tamper(db, "DELETE FROM audit_entries WHERE id = :id", id=entry_id)
    assert runner.invoke(args=["audit-verify"]).exit_code == 1


def test_admin_user_management(real_app, admin, db):
    learner = make_user(db, email="lee@example.org", full_name="Lee Learner")
    assert "Lee Learner" in text_of(admin.get("/admin/users?q=lee"))
    assert "Lee Learner" not in text_of(admin.get("/admin/users?q=zzz"))
    post(admin, f"/admin/users/{learner.id}/active", {"active": "0"})
    assert login(real_app.test_client(), learner.email).status_code == 400
    post(admin, f"/admin/users/{learner.id}/active", {"active": "1"})
    post(admin, f"/admin/users/{learner.id}/role", {"role": "instructor"})
    db.expire_all()
    assert db.get(User, learner.id).role == "instructor"
    admin_id = db.scalar(select(User.id).where(User.role == Role.ADMIN))
    refused = post(admin, f"/admin/users/{admin_id}/role", {"role": "learner"})
    assert refused.status_code == 303
    assert "last active administrator" in text_of(admin.get(f"/admin/users/{admin_id}"))
    assert "user.role_changed" in text_of(admin.get("/admin/audit"))
    assert "user.role_changed" in text_of(admin.get("/admin/audit.csv"))


def test_completion_report(admin, db, finished):
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text_of(admin.get("/admin/reports.csv")))))
    assert rows[0] == ["Course or cohort", "Enrolled", "Complete", "Completion %"]
    assert [r[1:] for r in rows if r[0].startswith("Dry Needling Level 1")] == [
        ["1", "1", "100"]
    ] * 2


def test_a_review_clears_a_flag_only_with_a_note_and_is_audited(admin, db, finished):
    from course_app.certificates.flags import raise_flag
    from course_app.certificates.models import CertificateFlag

    verify_licence(admin, finished)
    cert = issue(admin, db, finished)
    raise_flag(db, cert, "review", "Regrade of q1 turned a pass into a fail.", None)
    db.commit()
    assert "Regrade of q1 turned a pass into a fail." in text_of(admin.get("/admin/certificates"))
    refused = post(admin, f"/admin/certificates/{cert.public_id}/review", {"note": "  "})
    assert refused.status_code == 303
    assert "Say what you checked" in text_of(admin.get(f"/admin/certificates/{cert.public_id}"))
    assert db.scalar(select(CertificateFlag.cleared_at)) is None
    done = post(
        admin, f"/admin/certificates/{cert.public_id}/review", {"note": "Still passes overall."}
    )
    assert done.status_code == 302
    db.expire_all()
    flag = db.scalar(select(CertificateFlag))
    assert flag.cleared_at is not None and flag.cleared_note == "Still passes overall."
    assert "Certificates that need attention" not in text_of(admin.get("/admin/certificates"))
    actions = db.scalars(select(AuditEntry.action)).all()
    assert {"certificate.flagged_review", "certificate.flags_cleared"} <= set(actions)
    again = post(admin, f"/admin/certificates/{cert.public_id}/review", {"note": "Again."})
    assert again.status_code == 303  # nothing left to review


def on(day: str, expires: date):
    return pytest.param(day, expires, marks=pytest.mark.clock(f"{day}T12:00:00+00:00"), id=day)


@pytest.mark.parametrize(
    ("today", "expires"),
    [
        on("2027-01-29", date(2029, 1, 29)),
        on("2026-11-30", date(2028, 11, 30)),
        on("2027-05-31", date(2029, 5, 31)),
        on("2028-02-29", date(2030, 2, 28)),  # the README's rule for the leap day
    ],
)
def test_a_course_set_to_issue_automatically_issues_on_eligibility(
    admin, db, finished, today, expires
):
    assert (
        post(
            admin,
            f"/admin/certificates/{LEVEL_1}/settings",
            {"valid_years": "2", "auto_issue": "on"},
        ).status_code
        == 302
    )
    verify_licence(admin, finished)  # the last missing requirement
    db.expire_all()
    cert = db.scalar(select(Certificate).where(Certificate.user_id == finished.id))
    assert cert is not None and cert.issued_by_id is None
    assert cert.issued_at.date().isoformat() == today
    assert cert.expires_on == expires  # the same day two years later
    assert cert.credential["validUntil"] == f"{expires.isoformat()}T23:59:59Z"
    assert f"valid until {expires.isoformat()}" in text_of(
        admin.get(f"/admin/certificates/{cert.public_id}")
    )
    assert long_date(expires) in text_of(admin.get(f"/verify/{cert.public_id}"))
    assert cert.public_id in text_of(finished.browser.get("/certificates"))
    printed = subprocess.run(
        [need("pdftotext"), "-", "-"], input=cert.pdf, capture_output=True, check=True
    ).stdout.decode()
    assert long_date(expires) in printed  # Babel's long date, in the language of issue


def test_a_regrade_that_takes_back_the_final_pass_flags_the_certificate(
    real_app, admin, db, finished
):
    from course_app.quizzes.models import Attempt, AttemptItem, Question, QuestionVersion, Quiz

    verify_licence(admin, finished)
    cert = issue(admin, db, finished)
    final = db.scalar(
        select(Attempt)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Attempt.user_id == finished.id, Quiz.slug == "final-exam", Attempt.passed)
    )
    key, version = db.execute(
        select(Question.key, QuestionVersion)
        .join(QuestionVersion, QuestionVersion.question_id == Question.id)
        .join(AttemptItem, AttemptItem.question_version_id == QuestionVersion.id)
        .where(AttemptItem.attempt_id == final.id, QuestionVersion.must_pass)
    ).first()
    wrong = next(o["key"] for o in version.options if not o["correct"])
    teacher = real_app.test_client()
    login(teacher, "teacher@example.org")
    url = f"/instructor/courses/{LEVEL_1}/questions/{key}/regrade"
    reason = "The key was the wrong option."
    form = {"version": str(version.number), "correct": wrong, "reason": reason}
    assert post(teacher, url, form).status_code == 302
    db.expire_all()
    assert not db.get(Attempt, final.id).passed
    assert db.get(Certificate, cert.id).status == "valid"  # nothing revoked by itself
    queue = text_of(admin.get("/admin/certificates"))
    assert "Needs review" in queue and cert.public_id in queue and reason in queue

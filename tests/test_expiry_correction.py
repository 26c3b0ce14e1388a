"""Certificates issued before the calendar-correct expiry rule: the migration corrects
``expires_on`` (clamped to the 28th before), says so in the audit trail, and flags the valid
ones for reissue in the admin queue; a reissue then carries the right date into a new PDF and
credential. Certificates it did not get wrong are left alone."""

import uuid
from datetime import date, datetime

import pytest
from alembic import command
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.orm import Session

from course_app.audit.models import AuditEntry
from course_app.audit.services import record, verify_all
from course_app.auth.models import Role
from course_app.certificates.models import Certificate, CertificateFlag
from course_app.migrate import alembic_config
from course_app.modules.content import parse_content
from course_app.modules.models import Course
from course_app.modules.sync import sync_content
from tests.conftest import TEST_CONTENT, base_config
from tests.helpers import login, make_user, post, text_of

BEFORE_THE_FIX = "6eb9647ee27a"


@pytest.fixture
def fresh_url(database_template, tmp_path):
    """An empty database of this run's kind (SQLite file or a throwaway PostgreSQL one)."""
    if not database_template.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'old.sqlite'}"
        return
    url = make_url(database_template)
    name = f"course_app_old_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00:00+00:00")


def certificate(session, user, course, public_id, issued, expires, status="valid") -> Certificate:
    cert = Certificate(
        public_id=public_id,
        user_id=user.id,
        course_id=course.id,
        status=status,
        holder_name=user.full_name,
        registration_number="PT12345",
        jurisdiction="Ontario",
        course_title=course.title,
        level=course.level,
        theory_minutes=60,
        practical_hours=0.0,
        competencies=[],
        assessors=[],
        issuer_name="Test issuer",
        issued_at=at(issued),
        expires_on=expires,
    )
    session.add(cert)
    session.flush()
    return cert


def issued_by_the_old_release(url: str) -> dict[str, int]:
    """A database at the revision before the fix, holding what that release issued."""
    engine = create_engine(url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), BEFORE_THE_FIX)
    with Session(engine) as session:
        courses, problems = parse_content(TEST_CONTENT)
        assert problems == []
        sync_content(session, courses)
        course = session.scalar(select(Course).where(Course.slug == "basics"))
        people = [make_user(session, f"p{n}@example.org", full_name=f"P {n}") for n in range(6)]
        record(session, None, "test.before", ("course", course.id))  # a chain to continue
        made = {
            # issued on the 30th for 3 years: the reported fault
            "nov30": certificate(session, people[0], course, "A", "2026-11-30", date(2029, 11, 28)),
            # revoked: corrected, but nothing to reissue
            "revoked": certificate(
                session, people[1], course, "B", "2027-01-31", date(2028, 1, 28), "revoked"
            ),
            # issued on the 15th: it was right
            "mid": certificate(session, people[2], course, "C", "2027-01-15", date(2029, 1, 15)),
            # no expiry at all
            "forever": certificate(session, people[3], course, "F", "2027-01-31", None),
        }
        # A reissue carries its predecessor's expiry: both are judged by the first's day.
        first = certificate(
            session, people[4], course, "D", "2027-03-31", date(2030, 3, 28), "superseded"
        )
        second = certificate(session, people[4], course, "E", "2027-06-10", date(2030, 3, 28))
        first.superseded_by_id = second.id
        made |= {"superseded": first, "reissued": second}
        session.commit()
        ids = {name: cert.id for name, cert in made.items()}
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    engine.dispose()
    return ids


def test_the_migration_corrects_audits_and_flags_what_the_old_rule_got_wrong(fresh_url):
    ids = issued_by_the_old_release(fresh_url)
    engine = create_engine(fresh_url)
    with Session(engine) as session:
        expiry = {
            name: session.get(Certificate, cert_id).expires_on for name, cert_id in ids.items()
        }
        assert expiry == {
            "nov30": date(2029, 11, 30),
            "revoked": date(2028, 1, 31),
            "mid": date(2029, 1, 15),
            "forever": None,
            "superseded": date(2030, 3, 31),
            "reissued": date(2030, 3, 31),
        }
        corrections = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "certificate.expiry_corrected")
        ).all()
        assert {
            (e.subject_id, e.before["expires_on"], e.after["expires_on"]) for e in corrections
        } == {
            (ids["nov30"], "2029-11-28", "2029-11-30"),
            (ids["revoked"], "2028-01-28", "2028-01-31"),
            (ids["superseded"], "2030-03-28", "2030-03-31"),
            (ids["reissued"], "2030-03-28", "2030-03-31"),
        }
        assert all("reissue" in e.reason for e in corrections)
        assert verify_all(session) is None  # the corrections continue the hash chain
        flagged = session.scalars(select(CertificateFlag.certificate_id)).all()
        assert sorted(flagged) == sorted([ids["nov30"], ids["reissued"]])  # valid ones only
    engine.dispose()


def test_the_admin_queue_shows_them_and_a_reissue_carries_the_right_date(
    fresh_url, make_app, tmp_path
):
    ids = issued_by_the_old_release(fresh_url)
    config = {**base_config(fresh_url), "PUBLIC_BASE_URL": "https://ce.example.org"}
    from course_app import create_app

    app = create_app(config, instance_path=str(tmp_path / "instance"))
    session = app.extensions["course_app.db"]()
    make_user(session, "admin@example.org", role=Role.ADMIN, full_name="Ada Admin")
    admin = app.test_client()
    login(admin, "admin@example.org")
    queue = text_of(admin.get("/admin/certificates"))
    assert "Certificates that need attention" in queue
    assert "Needs reissue" in queue and ">A</a>" in queue and ">E</a>" in queue
    assert ">B</a>" not in queue  # revoked: corrected, nothing to reissue
    assert "Expiry corrected to the calendar rule" in text_of(admin.get("/admin/certificates/E"))

    assert post(admin, "/admin/certificates/E/reissue").status_code == 302
    session.expire_all()
    new = session.scalar(
        select(Certificate).where(Certificate.status == "valid", Certificate.holder_name == "P 4")
    )
    assert new.expires_on == date(2030, 3, 31)
    assert new.credential["validUntil"] == "2030-03-31T23:59:59Z"
    open_flags = session.scalars(
        select(CertificateFlag.certificate_id).where(CertificateFlag.cleared_at.is_(None))
    ).all()
    assert open_flags == [ids["nov30"]]  # E's flag was cleared by its reissue
    assert ">E</a>" not in text_of(admin.get("/admin/certificates"))
    session.close()
    from course_app.db import get_engine

    get_engine(app).dispose()

"""Certificates issued before the calendar-correct expiry rule: the migration corrects
``expires_on`` (clamped to the 28th before), says so in the audit trail, and flags the valid
ones for reissue in the admin queue; a reissue then carries the right date into a new PDF and
credential. Certificates it did not get wrong are left alone."""

import uuid
from datetime import date, datetime
from types import SimpleNamespace

import pytest
from alembic import command
from sqlalchemy import MetaData, create_engine, insert, make_url, select, text, update
from sqlalchemy.orm import Session

from course_app.audit.models import AuditEntry
from course_app.audit.services import entry_hash, verify_all
from course_app.auth.models import Role
from course_app.certificates.models import Certificate, CertificateFlag
from course_app.migrate import alembic_config
from tests.conftest import base_config
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


class OldRelease:
    """Writes rows as the release before the fix did, into its schema (reflected from the
    database at that revision, so later model changes cannot creep in)."""

    def __init__(self, connection):
        self.connection = connection
        self.tables = MetaData()
        self.tables.reflect(bind=connection)

    def insert(self, table: str, **values) -> int:
        result = self.connection.execute(insert(self.tables.tables[table]).values(**values))
        return result.inserted_primary_key[0]

    def course(self) -> int:
        return self.insert(
            "courses", slug="basics", title="Basics", level=1, summary="", ce_minutes=60,
            position=1, references=[], competencies=[], certificate_valid_years=3,
            auto_issue_certificates=False, is_archived=False,
        )  # fmt: skip

    def person(self, n: int) -> int:
        return self.insert(
            "users", email=f"p{n}@example.org", password_hash="x", full_name=f"P {n}",
            role="learner", registration_number="PT12345", jurisdiction="ON",
            regulator="College", register_class="full", session_token=f"token-{n}",
            is_active=True, created_at=at("2026-01-01"),
        )  # fmt: skip

    def certificate(self, user, course, public_id, issued, expires, status="valid") -> int:
        return self.insert(
            "certificates", public_id=public_id, user_id=user, course_id=course, status=status,
            holder_name="P", registration_number="PT12345", jurisdiction="Ontario",
            course_title="Basics", level=1, theory_minutes=60, practical_hours=0.0,
            competencies=[], cohort_name="", assessors=[], issuer_name="Test issuer",
            issued_at=at(issued), expires_on=expires, revoked_reason="", key_id="",
            pdf_sha256="",
        )  # fmt: skip

    def audit(self) -> None:
        """An entry before the correction, so that it has a chain to continue."""
        entry = SimpleNamespace(
            at=at("2026-12-01"), actor_id=None, action="test.before", subject_type="course",
            subject_id=1, before=None, after=None, reason="", prev_hash="",
        )  # fmt: skip
        entry.entry_hash = entry_hash(entry)
        self.insert("audit_entries", **vars(entry))


def issued_by_the_old_release(url: str) -> dict[str, int]:
    """A database at the revision before the fix, holding what that release issued."""
    engine = create_engine(url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), BEFORE_THE_FIX)
    with engine.begin() as connection:
        old = OldRelease(connection)
        course = old.course()
        people = [old.person(n) for n in range(6)]
        old.audit()
        ids = {
            # issued on the 30th for 3 years: the reported fault
            "nov30": old.certificate(people[0], course, "A", "2026-11-30", date(2029, 11, 28)),
            # revoked: corrected, but nothing to reissue
            "revoked": old.certificate(
                people[1], course, "B", "2027-01-31", date(2028, 1, 28), "revoked"
            ),
            # issued on the 15th: it was right
            "mid": old.certificate(people[2], course, "C", "2027-01-15", date(2029, 1, 15)),
            # no expiry at all
            "forever": old.certificate(people[3], course, "F", "2027-01-31", None),
        }
        # A reissue carries its predecessor's expiry: both are judged by the first's day.
        ids["reissued"] = old.certificate(people[4], course, "E", "2027-06-10", date(2030, 3, 28))
        ids["superseded"] = old.certificate(
            people[4], course, "D", "2027-03-31", date(2030, 3, 28), "superseded"
        )
        certificates = old.tables.tables["certificates"]
        connection.execute(
            update(certificates)
            .where(certificates.c.id == ids["superseded"])
            .values(superseded_by_id=ids["reissued"])
        )
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

    assert (
        post(
            admin, "/admin/certificates/E/reissue", {"reason": "Expiry date corrected"}
        ).status_code
        == 302
    )
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

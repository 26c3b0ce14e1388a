"""Issuing, revoking and reissuing certificates; the eligibility queue; public lookup.

Services take a session and plain data and never commit. Issuing inserts under a unique
index (one valid certificate per learner and course), so two concurrent issues yield one.
"""

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course_app.audit.services import record
from course_app.auth.jurisdictions import jurisdiction_name
from course_app.auth.models import User
from course_app.certificates import credential as ob3
from course_app.certificates import signing, status_list
from course_app.certificates.eligibility import Candidate, eligibility
from course_app.certificates.flags import clear_flags
from course_app.certificates.ids import new_public_id
from course_app.certificates.keys import KeyRing
from course_app.certificates.models import Certificate
from course_app.certificates.validity import expiry_date
from course_app.config import DefaultConfig
from course_app.db import utcnow
from course_app.exceptions import DomainError
from course_app.modules.models import Course
from course_app.notifications.services import notify
from course_app.requirements import CourseStanding
from course_app.standings import enrolled, standings
from course_app.timing import ce_hours
from course_app.xapi import events as xapi_events

if TYPE_CHECKING:
    from course_app.certificates import pdf


class NotEligible(DomainError):
    pass


class AlreadyCertified(NotEligible):
    """The learner holds a valid certificate of the course already (its public id, when
    known: a retried API request learns what the first one issued)."""

    def __init__(self, message: str, public_id: str | None = None) -> None:
        super().__init__(message)
        self.public_id = public_id


class NotEnrolled(NotEligible):
    """The learner is not enrolled in the course (or there is no such learner)."""


@dataclass(frozen=True)
class Issuer:
    """Who signs, and where the public pages live."""

    name: str
    base_url: str
    keys: KeyRing


def issue(
    session: Session, course: Course, learner_id: int, issuer: Issuer, actor_id: int | None
) -> Certificate:
    """Issue the learner's certificate; NotEligible says what is missing."""
    candidate = eligibility(session, course, [learner_id]).get(learner_id)
    return _issue_to(session, course, candidate, issuer, actor_id)


def issue_many(
    session: Session,
    course: Course,
    learner_ids: Sequence[int],
    issuer: Issuer,
    actor_id: int | None,
) -> tuple[list[Certificate], list[str]]:
    """Issue to each chosen learner, eligibility read once for all of them: the
    certificates issued, and why each other learner got none."""
    chosen = eligibility(session, course, learner_ids)
    issued, problems = [], []
    for learner_id in dict.fromkeys(learner_ids):  # each once, in the order chosen
        try:
            issued.append(_issue_to(session, course, chosen.get(learner_id), issuer, actor_id))
        except NotEligible as error:
            problems.append(error.message)
    return issued, problems


def _issue_to(
    session: Session,
    course: Course,
    candidate: Candidate | None,
    issuer: Issuer,
    actor_id: int | None,
) -> Certificate:
    if candidate is None:
        raise NotEnrolled(_("This learner is not enrolled in the course."))
    if candidate.certificate is not None:
        raise AlreadyCertified(
            _("%(name)s already holds a valid certificate.", name=candidate.learner.full_name),
            candidate.certificate.public_id,
        )
    if not candidate.eligible:
        missing = "; ".join(_(c.label) for c in candidate.checks if not c.met)
        raise NotEligible(
            _(
                "%(name)s is not eligible yet: %(missing)s.",
                name=candidate.learner.full_name,
                missing=missing,
            )
        )
    learner_id = candidate.learner.id
    _close_expired(session, course.id, learner_id)
    cert = _snapshot(course, candidate.learner, candidate.standing, issuer, actor_id)
    _store(session, cert, candidate.learner, course, issuer, "certificate.issued")
    notify(
        session,
        candidate.learner,
        "certificate_issued",
        cert.public_id,
        link=f"/certificates/{cert.public_id}.pdf",
        base_url=issuer.base_url,
        certificate=cert,
    )
    return cert


def _close_expired(session: Session, course_id: int, learner_id: int) -> None:
    """Renewal: an expired certificate is recorded as expired (as it already showed) and
    otherwise left unchanged; the new one gets its own id and dates.

    One UPDATE, run even when it matches nothing: on SQLite it is what opens the issue's
    transaction (pysqlite opens one only at a write), so the SAVEPOINT in :func:`_store` is
    nested in it and its RELEASE does not commit the certificate ahead of its audit entry."""
    session.execute(
        update(Certificate)
        .where(
            Certificate.course_id == course_id,
            Certificate.user_id == learner_id,
            Certificate.status == "valid",
            # Only one past its expiry: a certificate issued meanwhile by a concurrent
            # request stays valid, and the unique index then refuses this second one.
            Certificate.expires_on < utcnow().date(),
        )
        .values(status="expired")
    )


def issue_unchecked(session: Session, course: Course, learner: User, issuer: Issuer) -> Certificate:
    """Issue without the eligibility check: for benchmark fixtures only, never a page."""
    ids = enrolled(course).where(User.id == learner.id)
    cert = _snapshot(course, learner, standings(session, course, ids)[learner.id], issuer, None)
    return _store(session, cert, learner, course, issuer, "certificate.issued")


def auto_issue(
    session: Session, course_id: int, learner_id: int, issuer: Callable[[], Issuer]
) -> Certificate | None:
    """Issue at once if the course issues automatically and the learner has just become
    eligible; otherwise nothing. Called after events that can complete a course.

    ``issuer`` is called only when a certificate may be issued: it reads the signing keys.
    """
    course = session.get(Course, course_id)
    if course is None or not course.auto_issue_certificates:
        return None
    try:
        return issue(session, course, learner_id, issuer(), None)
    except NotEligible:
        return None


def _snapshot(course, learner, standing: CourseStanding, issuer: Issuer, actor_id) -> Certificate:
    issued = utcnow()
    expires = expiry_date(issued.date(), course.certificate_valid_years)
    practical = standing.practical
    cohort = practical.cohort
    return Certificate(
        public_id=new_public_id(course.level),
        user_id=learner.id,
        course_id=course.id,
        status="valid",
        holder_name=learner.full_name,
        registration_number=learner.registration_number or "",
        jurisdiction=jurisdiction_name(learner.jurisdiction) if learner.jurisdiction else "",
        course_title=course.title,
        level=course.level,
        theory_minutes=course.ce_minutes,
        practical_hours=practical.hours,
        competencies=list(practical.passed_titles(standing.checklist)),
        cohort_name=cohort.name if cohort else "",
        cohort_starts_on=cohort.starts_on if cohort else None,
        cohort_ends_on=cohort.ends_on if cohort else None,
        assessors=list(practical.assessors),
        issuer_name=issuer.name,
        issued_at=issued,
        expires_on=expires,
        issued_by_id=actor_id,
        language=learner.language if learner.language in DefaultConfig.LANGUAGES else "en",
    )


def _store(
    session,
    cert: Certificate,
    learner: User,
    course: Course,
    issuer: Issuer,
    action: str,
    reason: str = "",
) -> Certificate:
    cert.status_list_index = status_list.allocate(session)
    unsigned = ob3.credential_for(cert, learner.email, issuer.base_url, course.slug)
    method = f"{ob3.did_for(issuer.base_url)}#{issuer.keys.current_id}"
    cert.credential = signing.sign(unsigned, issuer.keys.current, method, cert.issued_at)
    cert.key_id = issuer.keys.current_id
    # reportlab and pypdf are imported on first use: they cost each worker ~20 MiB.

    cert.language = cert.language or "en"  # the default applies only once flushed
    document = printed_pdf(cert, issuer, cert.language)
    cert.pdf, cert.pdf_sha256 = document, hashlib.sha256(document).hexdigest()
    try:
        with session.begin_nested():
            session.add(cert)
            session.flush()
    except IntegrityError as error:
        raise AlreadyCertified(f"{learner.full_name} already holds a valid certificate.") from error
    _record_learning(session, cert, "earned", cert.issued_at or utcnow(), course)
    record(
        session,
        cert.issued_by_id,
        action,
        ("certificate", cert.id),
        after={"public_id": cert.public_id, "holder": cert.holder_name},
        reason=reason,
    )
    return cert


def printed_pdf(cert: Certificate, issuer: Issuer, language: str) -> bytes:
    """The certificate's PDF in ``language`` (a learner's download in the other language):
    the same facts and signed credential as the stored one, which it does not replace."""
    from course_app.certificates import pdf

    return pdf.with_attachment(
        pdf.certificate_pdf(_printed(cert, issuer, language)), cert.credential
    )


def _printed(
    cert: Certificate, issuer: Issuer, language: str | None = None
) -> "pdf.CertificateText":
    from course_app.certificates import pdf

    return pdf.CertificateText(
        public_id=cert.public_id,
        holder_name=cert.holder_name,
        registration=f"{cert.registration_number} ({cert.jurisdiction})",
        course_title=cert.course_title,
        level=cert.level,
        theory_hours=ce_hours(cert.theory_minutes),
        practical_hours=cert.practical_hours,
        competencies=tuple(cert.competencies),
        cohort_name=cert.cohort_name,
        cohort_starts_on=cert.cohort_starts_on,
        cohort_ends_on=cert.cohort_ends_on,
        assessors=", ".join(cert.assessors),
        issued_on=cert.issued_at.date(),
        expires_on=cert.expires_on,
        issuer=cert.issuer_name,
        verify_url=ob3.verify_url(issuer.base_url, cert.public_id),
        language=language,
        issued_in=cert.language,
    )


def revoke(session: Session, cert: Certificate, reason: str, actor_id: int) -> None:
    if cert.status != "valid":
        raise DomainError(_("Only a valid certificate can be revoked."))
    if not reason.strip():
        raise DomainError(_("Give the reason: it is shown on the public verification page."))
    cert.status, cert.revoked_at, cert.revoked_reason = "revoked", utcnow(), reason.strip()
    _record_learning(session, cert, "revoked", cert.revoked_at)
    record(
        session,
        actor_id,
        "certificate.revoked",
        ("certificate", cert.id),
        {"status": "valid"},
        {"status": "revoked"},
        reason.strip(),
    )
    clear_flags(session, cert, actor_id, "Revoked: " + reason.strip())
    holder = session.get(User, cert.user_id)
    notify(
        session, holder, "certificate_revoked", cert.public_id, "/certificates", certificate=cert
    )


def _record_learning(session: Session, cert: Certificate, verb: str, moment, course=None) -> None:
    """The xAPI statement: the learner earned the course's certificate, or it was revoked."""
    course = course or session.get(Course, cert.course_id)
    xapi_events.certificate_changed(
        session, cert.user_id, (course.slug, course.title), cert.public_id, verb, moment
    )


def reissue(
    session: Session, old: Certificate, issuer: Issuer, actor_id: int, reason: str
) -> Certificate:
    """A new certificate from the learner's current details (e.g. a corrected name); the old
    one is marked superseded by it. Hours, skills and dates are carried over unchanged. The
    reason is required: it is audited and shown on both public verification pages."""
    if old.status != "valid":
        raise DomainError(_("Only a valid certificate can be reissued."))
    if not reason.strip():
        raise DomainError(_("Give the reason for the reissue: it is shown publicly."))
    learner = session.get(User, old.user_id)
    course = session.get(Course, old.course_id)
    old.status = "superseded"
    session.flush()
    new = Certificate(
        **{c: getattr(old, c) for c in _CARRIED},
        public_id=new_public_id(old.level),
        status="valid",
        holder_name=learner.full_name,
        registration_number=learner.registration_number or "",
        issued_at=utcnow(),
        issued_by_id=actor_id,
        issuer_name=issuer.name,
        reissue_reason=reason.strip(),
    )
    _store(session, new, learner, course, issuer, "certificate.reissued", reason.strip())
    old.superseded_by_id = new.id
    clear_flags(session, old, actor_id, f"Reissued as {new.public_id}: {reason.strip()}")
    record(
        session,
        actor_id,
        "certificate.superseded",
        ("certificate", old.id),
        {"status": "valid"},
        {"status": "superseded", "by": new.public_id},
        reason.strip(),
    )
    return new


_CARRIED = (
    "user_id",
    "course_id",
    "jurisdiction",
    "course_title",
    "level",
    "theory_minutes",
    "practical_hours",
    "competencies",
    "cohort_name",
    "cohort_starts_on",
    "cohort_ends_on",
    "assessors",
    "expires_on",
    "language",
)


def history(session: Session, cert: Certificate) -> list[Certificate]:
    """The certificate's line, oldest first: what it replaces, itself, what replaced it."""
    line = [cert]
    for _step in range(100):  # a line is a handful of reissues; the bound guards the loop
        earlier = session.scalar(
            select(Certificate).where(Certificate.superseded_by_id == line[0].id)
        )
        if earlier is None:
            break
        line.insert(0, earlier)
    for _step in range(100):
        if line[-1].superseded_by_id is None:
            break
        line.append(session.get(Certificate, line[-1].superseded_by_id))
    return line


def find(session: Session, public_id: str) -> Certificate | None:
    return session.scalar(select(Certificate).where(Certificate.public_id == public_id))


def certificates_of(session: Session, user_id: int) -> list[Certificate]:
    query = select(Certificate).where(Certificate.user_id == user_id)
    return list(session.scalars(query.order_by(Certificate.issued_at)))


def mask(registration: str) -> str:
    """Show only the last three characters of a registration number."""
    if len(registration) <= 3:
        return "•" * len(registration)
    return "•" * (len(registration) - 3) + registration[-3:]

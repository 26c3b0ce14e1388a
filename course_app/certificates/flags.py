"""Certificates an administrator must look at: raised by a correction or a regrade, shown in
the certificate queue, cleared by a reissue, a revocation or a review. Nothing is revoked
automatically."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from course_app.audit.services import record
from course_app.certificates.models import Certificate, CertificateFlag
from course_app.db import utcnow
from course_app.exceptions import DomainError
from course_app.i18n import N_

#: What each kind of flag asks of an administrator, as the queue shows it.
#: Shown translated (the ``gettext`` filter) on the administration pages.
KIND_LABELS = {"reissue": N_("Needs reissue"), "review": N_("Needs review")}


@dataclass(frozen=True)
class FlaggedCertificate:
    certificate: Certificate
    flags: list[CertificateFlag]


def raise_flag(
    session: Session, cert: Certificate, kind: str, reason: str, actor_id: int | None
) -> CertificateFlag:
    """Flag a certificate (one open flag per kind: a second reason is added to the first)."""
    if kind not in KIND_LABELS:
        raise ValueError(f"unknown flag kind {kind!r}")
    flag = session.scalar(
        select(CertificateFlag).where(
            CertificateFlag.certificate_id == cert.id,
            CertificateFlag.kind == kind,
            CertificateFlag.cleared_at.is_(None),
        )
    )
    if flag is None:
        flag = CertificateFlag(certificate_id=cert.id, kind=kind, reason=reason, raised_at=utcnow())
        session.add(flag)
    elif reason not in flag.reason:
        flag.reason = f"{flag.reason}\n{reason}"
    session.flush()
    record(
        session,
        actor_id,
        f"certificate.flagged_{kind}",
        ("certificate", cert.id),
        None,
        {"public_id": cert.public_id},
        reason,
    )
    return flag


def review_valid_certificates(
    session: Session, user_id: int, course_id: int, reason: str, actor_id: int | None
) -> list[Certificate]:
    """Flag for review every valid certificate the learner holds for the course (e.g. a
    regrade took back a pass it rested on); nothing is revoked."""
    certificates = list(
        session.scalars(
            select(Certificate)
            .options(load_only(Certificate.id, Certificate.public_id))
            .where(
                Certificate.user_id == user_id,
                Certificate.course_id == course_id,
                Certificate.status == "valid",
            )
        )
    )
    for cert in certificates:
        raise_flag(session, cert, "review", reason, actor_id)
    return certificates


def open_flags(session: Session) -> list[FlaggedCertificate]:
    """Every certificate with an open flag, oldest flag first."""
    rows = session.execute(
        select(CertificateFlag, Certificate)
        .join(Certificate, Certificate.id == CertificateFlag.certificate_id)
        .where(CertificateFlag.cleared_at.is_(None))
        .order_by(CertificateFlag.raised_at, CertificateFlag.id)
    ).all()
    grouped: dict[int, FlaggedCertificate] = {}
    for flag, cert in rows:
        grouped.setdefault(cert.id, FlaggedCertificate(cert, [])).flags.append(flag)
    return list(grouped.values())


def flags_of(session: Session, certificate_id: int) -> list[CertificateFlag]:
    """A certificate's flags, open and cleared, oldest first."""
    query = select(CertificateFlag).where(CertificateFlag.certificate_id == certificate_id)
    return list(session.scalars(query.order_by(CertificateFlag.raised_at, CertificateFlag.id)))


def clear_flags(session: Session, cert: Certificate, actor_id: int | None, note: str) -> int:
    """Clear every open flag of a certificate (it was reissued, revoked or reviewed)."""
    cleared = 0
    for flag in session.scalars(
        select(CertificateFlag).where(
            CertificateFlag.certificate_id == cert.id, CertificateFlag.cleared_at.is_(None)
        )
    ):
        flag.cleared_at, flag.cleared_by_id, flag.cleared_note = utcnow(), actor_id, note
        cleared += 1
    if cleared:
        record(
            session,
            actor_id,
            "certificate.flags_cleared",
            ("certificate", cert.id),
            None,
            {"public_id": cert.public_id, "flags": cleared},
            note,
        )
    return cleared


def mark_reviewed(session: Session, cert: Certificate, actor_id: int, note: str) -> None:
    """An administrator looked and decided the certificate stands (the note says why)."""
    if not note.strip():
        raise DomainError(_("Say what you checked and why the certificate stands."))
    if not clear_flags(session, cert, actor_id, note.strip()):
        raise DomainError(_("This certificate has nothing waiting for review."))

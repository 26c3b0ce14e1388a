"""Checking a certificate file someone holds: a certificate PDF or its credential (JSON).

The rules, in order (each answer names the certificate's facts from the registry, never from
the file):

1. The upload is within the limits and well formed (``upload_limits``, ``pdf_reading``):
   otherwise it is refused with the reason, before any JSON-LD processing.
2. The credential's signature verifies with the key its proof names (one of ours), within a
   CPU-time budget.
3. The certificate the credential names exists, and the credential is the one stored for it.
4. A PDF is exactly the document issued: its SHA-256 equals the stored one.
5. The certificate's status in the registry is valid (not expired, revoked or superseded).
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from course_app.certificates import services, signing
from course_app.certificates.budget import OverBudget, cpu_budget
from course_app.certificates.did import verification_methods
from course_app.certificates.models import Certificate
from course_app.certificates.services import Issuer
from course_app.certificates.upload_limits import (
    CPU_SECONDS,
    KIB,
    MAX_UPLOAD_BYTES,
    Refused,
    check_shape,
    parse_credential,
)

NOT_SIGNED = "The signature is not valid: this file was changed or was not issued by us."


@dataclass(frozen=True)
class Verdict:
    """What a check found. ``valid`` only when every rule held."""

    valid: bool
    certificate: Certificate | None
    findings: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        return " ".join(self.findings)


def check_upload(session: Session, data: bytes, issuer: Issuer, today: date) -> Verdict:
    """Check an uploaded file; Refused (answer 400) when it is malformed or over a limit."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise Refused(f"The file is too large ({MAX_UPLOAD_BYTES // KIB} KB at most).")
    try:
        with cpu_budget(CPU_SECONDS):
            if data[:5] != b"%PDF-":
                return check_credential(session, parse_credential(data), issuer, today)
            # pypdf on first use: it costs each web worker ~10 MiB.
            from course_app.certificates.pdf_reading import embedded_credential

            document = parse_credential(embedded_credential(data))
            verdict = check_credential(session, document, issuer, today)
    except OverBudget as error:
        raise Refused("Checking this file would cost too much: it is not one of ours.") from error
    return _as_issued_pdf(verdict, hashlib.sha256(data).hexdigest())


def _as_issued_pdf(verdict: Verdict, digest: str) -> Verdict:
    """Rule 4: the PDF's bytes are the issued document's, or the verdict says what differs."""
    cert = verdict.certificate
    if cert is None:
        return verdict
    if digest != cert.pdf_sha256:
        changed = (
            f"This file is not the PDF we issued for {cert.public_id}: its contents were "
            "changed after issue."
        )
        return Verdict(False, cert, [changed, *(f for f in verdict.findings if f == NOT_SIGNED)])
    return Verdict(
        verdict.valid,
        cert,
        [f"This file is the PDF we issued for {cert.public_id}, unchanged.", *verdict.findings],
    )


def check_credential(
    session: Session, document: dict[str, Any], issuer: Issuer, today: date
) -> Verdict:
    """Rules 1–3 and 5 for a parsed credential."""
    methods = verification_methods(issuer.base_url, issuer.keys.public_keys())
    check_shape(document, methods)
    cert = services.find(session, document["id"].rstrip("/").rpartition("/")[2])
    if not signing.verify(document, methods[document["proof"]["verificationMethod"]]):
        return Verdict(False, cert, [NOT_SIGNED])
    if cert is None:
        return Verdict(False, None, ["The signature is valid, but no certificate has this id."])
    if cert.credential != document:
        return Verdict(False, cert, [f"This is not the credential we issued for {cert.public_id}."])
    status = cert.status_on(today)
    return Verdict(status == "valid", cert, [f"The signature is valid. Status: {status}."])


def registry_lines(cert: Certificate | None, today: date) -> list[str]:
    """The registry's facts about the certificate a file names, for the command line."""
    if cert is None:
        return []
    return [
        f"Registry record of {cert.public_id}:",
        f"  Holder: {cert.holder_name}",
        f"  Course: {cert.course_title} (level {cert.level})",
        f"  Issued: {cert.issued_at.date().isoformat()}",
        f"  Valid until: {cert.expires_on.isoformat() if cert.expires_on else 'no expiry'}",
        f"  Status in the registry: {cert.status_on(today)}",
    ]

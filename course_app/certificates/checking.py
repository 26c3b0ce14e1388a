"""Checking a certificate: by id, or a credential file or PDF someone holds (offline)."""

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from course_app.certificates import services, signing
from course_app.certificates.keys import KeyRing
from course_app.certificates.models import Certificate


@dataclass(frozen=True)
class FileCheck:
    signature_valid: bool
    certificate: Certificate | None
    message: str


def credential_from_upload(data: bytes) -> dict | None:
    """The credential inside an uploaded file: a certificate PDF or a credential JSON."""
    if data[:5] == b"%PDF-":
        from course_app.certificates import pdf  # pypdf on first use (~10 MiB per worker)

        return pdf.attached_credential(data)
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def check_credential(session: Session, document: dict, keys: KeyRing) -> FileCheck:
    """Signature against the issuer's current and retired keys, then status by its id."""
    method = str((document.get("proof") or {}).get("verificationMethod", ""))
    key = keys.public_keys().get(method.rpartition("#")[2])
    valid = key is not None and signing.verify(document, key)
    public_id = str(document.get("id", "")).rstrip("/").rpartition("/")[2]
    cert = services.find(session, public_id) if public_id else None
    if not valid:
        return FileCheck(
            False,
            cert,
            "The signature is not valid: this file was changed or was not issued by us.",
        )
    if cert is None:
        return FileCheck(True, None, "The signature is valid, but no certificate has this id.")
    return FileCheck(True, cert, f"The signature is valid. Status: {cert.status_on(date.today())}.")

"""The Open Badges 3.0 ``OpenBadgeCredential`` for a certificate (W3C VC Data Model 2.0)."""

import hashlib
import secrets
from typing import Any
from urllib.parse import quote, urlsplit

from course_app.certificates import status_list
from course_app.certificates.models import Certificate
from course_app.timing import ce_hours, ce_hours_text

#: Open Badges 3.0's current context; credentials issued before this release name 3.0.2.
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"


def issuer_url(base_url: str) -> str:
    """The issuer profile (the issuer of credentials issued before did:web)."""
    return f"{base_url}/issuers/course-app"


def did_for(base_url: str) -> str:
    """did:web of the public address's host (and port), e.g. did:web:ce.example.org."""
    return "did:web:" + quote(urlsplit(base_url).netloc, safe="")


def verify_url(base_url: str, public_id: str) -> str:
    return f"{base_url}/verify/{public_id}"


def credential_for(
    cert: Certificate, email: str, base_url: str, course_slug: str
) -> dict[str, Any]:
    """The unsigned credential: what the certificate states, in OB 3.0 terms."""
    salt = secrets.token_hex(8)
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "hashed": True,
                "identityHash": "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest(),
                "identityType": "emailAddress",
                "salt": salt,
            }
        ],
        "licenseNumber": cert.registration_number,
        "creditsEarned": ce_hours(cert.theory_minutes),
        "achievement": _achievement(cert, base_url, course_slug),
    }
    if cert.cohort_starts_on and cert.cohort_ends_on:
        subject["activityStartDate"] = cert.cohort_starts_on.isoformat()
        subject["activityEndDate"] = cert.cohort_ends_on.isoformat()
    document: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": verify_url(base_url, cert.public_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{cert.course_title}: certificate of competency",
        "issuer": {"id": did_for(base_url), "type": ["Profile"], "name": cert.issuer_name},
        "validFrom": cert.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": subject,
    }
    if cert.status_list_index is not None:
        document["credentialStatus"] = status_list.entry(base_url, cert.status_list_index)
    if cert.expires_on:
        document["validUntil"] = f"{cert.expires_on.isoformat()}T23:59:59Z"
    return document


def _achievement(cert: Certificate, base_url: str, course_slug: str) -> dict[str, Any]:
    skills = "; ".join(cert.competencies) or "none recorded"
    return {
        "id": f"{base_url}/courses/{course_slug}",
        "type": ["Achievement"],
        "name": cert.course_title,
        "achievementType": "Certificate",
        "humanCode": f"DN{cert.level}",
        "creditsAvailable": ce_hours(cert.theory_minutes),
        "description": (
            "Summative evaluation passed (theory and practical). Online theory "
            f"{ce_hours_text(cert.theory_minutes)} h; in-person practical "
            f"{cert.practical_hours:g} h. "
            "Does not by itself authorize dry needling: authorization comes from the "
            "provincial regulator."
        ),
        "criteria": {
            "narrative": "Every module and quiz passed, the final exam passed, the practical "
            f"competencies signed off by an instructor ({skills}), the hours met and the "
            "registration number verified."
        },
    }

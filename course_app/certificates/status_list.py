"""Revocation published as a W3C Bitstring Status List v1.0 (pure encoding, and the signed
``BitstringStatusListCredential`` built from the registry).

Each certificate issued from this release on gets a random index in a list of 131,072 bits
(16 KB, the minimum the specification sets so that one index tells nothing), stored with it
and named in its credential's ``credentialStatus``. Bit ``i`` is the ``i``-th from the left:
set when the certificate is revoked, or superseded by a reissue (its credential states what
was corrected). ``statusPurpose`` is ``revocation``: both are final. Expiry needs no bit: the
credential's ``validUntil`` says it.
"""

import base64
import gzip
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from course_app.certificates.models import Certificate

LIST_LENGTH = 131_072  # bits: 16 KB
PURPOSE = "revocation"
SET_BY = ("revoked", "superseded")
#: How long a verifier may cache the list, in milliseconds (also the HTTP Cache-Control).
TTL_MS = 5 * 60 * 1000


def list_url(base_url: str) -> str:
    return f"{base_url}/status-lists/{PURPOSE}"


def entry(base_url: str, index: int) -> dict[str, Any]:
    """The credential's ``credentialStatus`` for its index."""
    return {
        "id": f"{list_url(base_url)}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": list_url(base_url),
    }


def encode(indices: Iterable[int], length: int = LIST_LENGTH) -> str:
    """Multibase base64url (no padding) of the GZIP of the bitstring, index 0 left-most."""
    bits = bytearray(length // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def is_set(encoded: str, index: int) -> bool:
    raw = encoded[1:] + "=" * (-len(encoded[1:]) % 4)
    bits = gzip.decompress(base64.urlsafe_b64decode(raw))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def allocate(session: Session) -> int:
    """A random index no certificate holds yet (the database's unique index has the last word)."""
    while True:
        index = secrets.randbelow(LIST_LENGTH)
        taken = session.scalar(select(exists().where(Certificate.status_list_index == index)))
        if not taken:
            return index


def set_indices(session: Session) -> list[int]:
    query = select(Certificate.status_list_index).where(
        Certificate.status.in_(SET_BY), Certificate.status_list_index.is_not(None)
    )
    return sorted(session.scalars(query))


def unsigned_list(base_url: str, did: str, indices: Iterable[int], now: datetime) -> dict:
    """The status-list credential before its proof (signed with the issuer's current key)."""
    url = list_url(base_url)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did,
        "validFrom": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode(indices),
            "ttl": TTL_MS,
        },
    }

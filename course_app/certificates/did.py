"""The issuer's keys as a did:web DID document (W3C DID 1.0 / Controlled Identifiers, with
``Multikey`` verification methods), served at ``/.well-known/did.json``.

``did:web:ce.example.org`` names the document at ``https://ce.example.org/.well-known/did.json``
(a port is written ``%3A``). Every key that ever signed a certificate is listed, the current
one and the retired ones, so credentials signed before a rotation keep verifying.
"""

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from course_app.certificates.credential import did_for, issuer_url
from course_app.certificates.signing import public_key_multibase

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"


def verification_methods(base_url: str, keys: dict[str, Ed25519PublicKey]) -> dict[str, Any]:
    """Every method id a credential of ours may name → its public key: the DID's (from this
    release on) and the issuer profile's (certificates issued before it)."""
    prefixes = (did_for(base_url), issuer_url(base_url))
    return {f"{prefix}#{key_id}": key for key_id, key in keys.items() for prefix in prefixes}


def did_document(base_url: str, keys: dict[str, Ed25519PublicKey]) -> dict[str, Any]:
    did = did_for(base_url)
    methods = [
        {
            "id": f"{did}#{key_id}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": public_key_multibase(key),
        }
        for key_id, key in keys.items()
    ]
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }

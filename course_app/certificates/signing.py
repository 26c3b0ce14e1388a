"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (W3C vc-di-eddsa).

Sign: canonicalize the proof options and the document (RDFC-1.0, JSON-LD contexts from local
copies only), hash each with SHA-256, sign proof-hash + document-hash with Ed25519, encode the
signature as multibase base58btc. Verification repeats the steps with the public key. A key no
context defines would be dropped silently by JSON-LD and so escape the signature: expansion
refuses such documents (the "safe mode" Data Integrity requires).
"""

import copy
import hashlib
import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

CONTEXTS = Path(__file__).parent / "contexts"
LOCAL_CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob-v3p0-context-3.0.2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.jsonld",
}
ED25519_PUBLIC_PREFIX = b"\xed\x01"
ED25519_SECRET_PREFIX = b"\x80\x26"
CRYPTOSUITE = "eddsa-rdfc-2022"


class UnsafeDocument(ValueError):
    """The document uses a term no context defines: it would not be covered by a signature."""


@cache
def _context(url: str) -> dict:
    return json.loads((CONTEXTS / LOCAL_CONTEXTS[url]).read_text(encoding="utf-8"))


@cache
def _jsonld():
    """pyld, imported on first use: it costs each web worker ~12 MiB, and only issuing and
    checking credentials need it."""
    from pyld import jsonld

    return jsonld


def _loader(url: str, _options: dict | None = None) -> dict:
    jsonld = _jsonld()
    if url not in LOCAL_CONTEXTS:
        raise jsonld.JsonLdError(f"context not available offline: {url}", "loading document failed")
    return {"contextUrl": None, "documentUrl": url, "document": _context(url)}


def canonicalize(document: dict[str, Any]) -> str:
    """RDFC-1.0 canonical N-Quads, refusing terms that no context defines."""

    def refuse(event, **_kwargs):
        if event.get("code") in {
            "invalid property",
            "invalid type value",
            "relative @type reference",
        }:
            raise UnsafeDocument(f"undefined term in the document: {event.get('details')}")
        raise UnsafeDocument(str(event.get("message")))

    jsonld = _jsonld()
    options = {"documentLoader": _loader, "safe": True}
    try:
        expanded = jsonld.expand(document, {**options, "eventHandler": refuse})
    except jsonld.JsonLdError as error:
        raise UnsafeDocument(str(error)) from error
    return jsonld.normalize(
        expanded, {"algorithm": "URDNA2015", "format": "application/n-quads", **options}
    )


def _hash_data(document: dict, proof_options: dict) -> bytes:
    proof_hash = hashlib.sha256(canonicalize(proof_options).encode()).digest()
    document_hash = hashlib.sha256(canonicalize(document).encode()).digest()
    return proof_hash + document_hash


def sign(
    document: dict[str, Any],
    key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime | None = None,
) -> dict[str, Any]:
    """Return a copy of the document with a DataIntegrityProof (eddsa-rdfc-2022)."""
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": (created or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    options = {**proof, "@context": unsigned["@context"]}
    signature = key.sign(_hash_data(unsigned, options))
    return {
        **copy.deepcopy(unsigned),
        "proof": {**proof, "proofValue": "z" + base58.b58encode(signature).decode()},
    }


def verify(document: dict[str, Any], public_key: Ed25519PublicKey) -> bool:
    """True when the proof is a valid eddsa-rdfc-2022 signature by this key over the document."""
    proof = document.get("proof")
    if not isinstance(proof, dict) or proof.get("cryptosuite") != CRYPTOSUITE:
        return False
    value = proof.get("proofValue", "")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    options["@context"] = unsigned.get("@context")
    try:
        signature = base58.b58decode(value[1:]) if value.startswith("z") else b""
        public_key.verify(signature, _hash_data(unsigned, options))
    except (InvalidSignature, UnsafeDocument, ValueError):
        return False
    return True


def public_key_multibase(key: Ed25519PublicKey) -> str:
    """Multikey encoding: multicodec ed25519-pub, then base58btc with the 'z' prefix."""
    raw = key.public_bytes_raw()
    return "z" + base58.b58encode(ED25519_PUBLIC_PREFIX + raw).decode()


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    decoded = base58.b58decode(value[1:])
    if not value.startswith("z") or decoded[:2] != ED25519_PUBLIC_PREFIX:
        raise ValueError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(decoded[2:])


def private_key_from_multibase(value: str) -> Ed25519PrivateKey:
    decoded = base58.b58decode(value[1:])
    if not value.startswith("z") or decoded[:2] != ED25519_SECRET_PREFIX:
        raise ValueError("not an Ed25519 secret Multikey")
    return Ed25519PrivateKey.from_private_bytes(decoded[2:])

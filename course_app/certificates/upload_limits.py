"""What an uploaded credential may look like before any JSON-LD processing touches it (pure).

Checked in this order, each step cheap and bounded by the one before: the bytes (before
parsing), the parsed JSON's depth, array lengths, string lengths, and numbers of keys and
objects; then the shape of the proof (type, cryptosuite, purpose, a string proofValue, a
verificationMethod that is one of our keys) and the contexts (only the pinned ones). Every
refusal is a :class:`Refused` with a reason a person can read; the page answers 400 with it.
"""

import json
import re
from collections.abc import Collection
from typing import Any

from course_app.exceptions import DomainError

KIB = 1024
#: A file sent to /verify (the PDF's bytes): ours are under 200 KB, even with CJK fonts.
MAX_UPLOAD_BYTES = 1 * KIB * KIB
#: A credential's JSON, as a file or once taken out of a PDF: ours are about 3 KB.
MAX_CREDENTIAL_BYTES = 64 * KIB
MAX_DEPTH = 8  # ours: 5 (credential → subject → identifier list → identity object)
MAX_ARRAY_ITEMS = 16  # ours: 2 (types)
MAX_STRING_CHARS = 4 * KIB  # ours: the criteria narrative, a few hundred characters
MAX_KEYS = 150  # keys of all objects together; ours: about 50
MAX_OBJECTS = 24  # ours: 8
#: CPU time one upload may cost (the budget around parsing and canonicalisation).
CPU_SECONDS = 0.5

VC_V2 = "https://www.w3.org/ns/credentials/v2"
#: The contexts a credential may use: the pinned copies in contexts/, nothing inline.
KNOWN_CONTEXTS = frozenset(
    {
        VC_V2,
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    }
)
PROOF_KEYS = frozenset(
    {"type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "proofValue"}
)
#: "z" and base58btc of a 64-byte Ed25519 signature: 86 to 88 characters after the "z".
PROOF_VALUE = re.compile(r"z[1-9A-HJ-NP-Za-km-z]{80,90}")


class Refused(DomainError):
    """The upload is malformed or over a limit: answered 400 with this reason."""


def parse_credential(data: bytes) -> dict[str, Any]:
    """The credential in these bytes, parsed and measured; Refused says why not."""
    if len(data) > MAX_CREDENTIAL_BYTES:
        raise Refused(f"The credential is larger than {MAX_CREDENTIAL_BYTES // KIB} KB.")
    try:
        document = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except RecursionError as error:
        raise Refused(f"The credential is nested deeper than {MAX_DEPTH} levels.") from error
    except (UnicodeDecodeError, ValueError) as error:
        raise Refused("This file is not a credential: it is not valid JSON.") from error
    if not isinstance(document, dict):
        raise Refused("This file is not a credential: it must be a JSON object.")
    measure(document)
    return document


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def measure(document: Any) -> None:
    """Refuse a document over any of the limits; iterative, so depth cannot overflow."""
    keys = objects = 0
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Refused(f"The credential is nested deeper than {MAX_DEPTH} levels.")
        if isinstance(value, dict):
            objects, keys = objects + 1, keys + len(value)
            _within(objects, MAX_OBJECTS, "objects")
            _within(keys, MAX_KEYS, "keys")
            for key in value:
                _short(key)
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            _within(len(value), MAX_ARRAY_ITEMS, "items in one list")
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            _short(value)


def _within(count: int, limit: int, what: str) -> None:
    if count > limit:
        raise Refused(f"The credential has more than {limit} {what}.")


def _short(text: str) -> None:
    if len(text) > MAX_STRING_CHARS:
        raise Refused(f"The credential has a text longer than {MAX_STRING_CHARS} characters.")


def check_shape(document: dict[str, Any], our_methods: Collection[str]) -> None:
    """The contexts and the proof's shape, before any JSON-LD processing."""
    contexts = document.get("@context")
    if not (isinstance(contexts, list) and contexts and contexts[0] == VC_V2):
        raise Refused(f'The credential\'s "@context" must be a list starting with {VC_V2}.')
    unknown = [c for c in contexts if not (isinstance(c, str) and c in KNOWN_CONTEXTS)]
    if unknown:
        raise Refused(
            "The credential uses a context we do not know: only the pinned VC 2.0 "
            "and Open Badges 3.0 contexts are accepted."
        )
    if not isinstance(document.get("id"), str):
        raise Refused('The credential has no "id".')
    _check_proof(document.get("proof"), our_methods)


def _check_proof(proof: Any, our_methods: Collection[str]) -> None:
    if not isinstance(proof, dict):
        raise Refused('The credential must have one "proof" object.')
    if not set(proof) <= PROOF_KEYS:
        raise Refused("The proof has fields a DataIntegrityProof of ours never has.")
    expected = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "assertionMethod",
    }
    for key, value in expected.items():
        if proof.get(key) != value:
            raise Refused(f'The proof\'s "{key}" must be "{value}".')
    if not isinstance(proof.get("created"), str):
        raise Refused('The proof\'s "created" must be a date and time.')
    value = proof.get("proofValue")
    if not (isinstance(value, str) and PROOF_VALUE.fullmatch(value)):
        raise Refused('The proof\'s "proofValue" is not an Ed25519 signature in base58.')
    method = proof.get("verificationMethod")
    if not (isinstance(method, str) and method in our_methods):
        raise Refused("The proof names a key that is not one of ours: we did not sign this.")

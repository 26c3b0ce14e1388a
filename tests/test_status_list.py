"""Standard, independently checkable credentials: the did:web document with the issuer's
Multikey keys, and revocation through a signed W3C Bitstring Status List."""

import json

import pytest

from course_app.certificates import signing, status_list
from course_app.certificates.signing import public_key_from_multibase
from tests.helpers import login, make_user, post
from tests.issued import BASE, issue_for, public_app

DID = "did:web:ce.example.org"


@pytest.fixture
def ca_app(make_app, db):
    return public_app(make_app, db)


def test_the_bitstring_is_16_kb_gzip_base64url_with_index_0_left_most():
    encoded = status_list.encode([0, 9, 131_071])
    assert encoded.startswith("u") and "=" not in encoded and "+" not in encoded
    assert [status_list.is_set(encoded, i) for i in (0, 1, 8, 9, 131_071)] == [
        True,
        False,
        False,
        True,
        True,
    ]
    import base64
    import gzip

    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(raw) == 16 * 1024 and raw[0] == 0x80 and raw[1] == 0x40


def test_a_credential_names_the_did_its_key_and_its_status_entry(ca_app, db):
    cert = issue_for(ca_app, db, "zoe@example.org", "Zoë Núñez")
    credential = cert.credential
    assert credential["@context"][1].endswith("/context-3.0.3.json")
    assert credential["issuer"]["id"] == DID
    assert credential["proof"]["verificationMethod"] == f"{DID}#{cert.key_id}"
    assert credential["credentialStatus"] == {
        "id": f"{BASE}/status-lists/revocation#{cert.status_list_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(cert.status_list_index),
        "statusListCredential": f"{BASE}/status-lists/revocation",
    }
    other = issue_for(ca_app, db, "mal@example.org", "Mal Other")
    assert other.status_list_index != cert.status_list_index


def test_the_did_document_lists_current_and_retired_keys_as_multikey(ca_app, db):
    cert = issue_for(ca_app, db, "zoe@example.org", "Zoë Núñez")
    ca_app.test_cli_runner().invoke(args=["rotate-signing-key"])
    response = ca_app.test_client().get("/.well-known/did.json")
    assert response.mimetype == "application/did+ld+json"
    document = response.json
    assert document["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    assert document["id"] == DID and len(document["verificationMethod"]) == 2
    method = next(m for m in document["verificationMethod"] if m["id"].endswith(cert.key_id))
    assert method["type"] == "Multikey" and method["controller"] == DID
    assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]
    key = public_key_from_multibase(method["publicKeyMultibase"])
    assert signing.verify(cert.credential, key)  # the old certificate verifies with it


def status_of(client, cert) -> bool:
    document = json.loads(client.get("/status-lists/revocation").data)
    return status_list.is_set(document["credentialSubject"]["encodedList"], cert.status_list_index)


def test_revoking_or_reissuing_sets_the_certificates_bit_in_the_signed_list(ca_app, db):
    cert = issue_for(ca_app, db, "zoe@example.org", "Zoë Núñez")
    other = issue_for(ca_app, db, "mal@example.org", "Mal Other")
    anyone = ca_app.test_client()
    response = anyone.get("/status-lists/revocation")
    document = json.loads(response.data)
    assert (
        response.mimetype == "application/vc" and "max-age=300" in response.cache_control.__str__()
    )
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert (
        document["issuer"] == DID and document["credentialSubject"]["statusPurpose"] == "revocation"
    )
    method = document["proof"]["verificationMethod"]
    key = public_key_from_multibase(method.rpartition("#")[2])
    assert signing.verify(document, key)
    assert not status_of(anyone, cert) and not status_of(anyone, other)
    make_user(db, email="admin@example.org", role="admin", full_name="Ada Admin")
    admin = ca_app.test_client()
    login(admin, "admin@example.org")
    post(admin, f"/admin/certificates/{cert.public_id}/revoke", {"reason": "Obtained by fraud"})
    assert status_of(anyone, cert) and not status_of(anyone, other)
    post(admin, f"/admin/certificates/{other.public_id}/reissue", {"reason": "Name corrected"})
    assert status_of(anyone, other)

"""eddsa-rdfc-2022 against the W3C test vectors, and the certificate id format."""

import copy
import json
from pathlib import Path

import pytest

from course_app.certificates import signing
from course_app.certificates.ids import ALPHABET, new_public_id, normalise

VECTORS = Path(__file__).parent / "data" / "vc-di-eddsa"


def vectors():
    keys = json.loads((VECTORS / "keyPair.json").read_text())
    signed = json.loads((VECTORS / "signedDataInt.json").read_text())
    return keys, signed


def test_the_w3c_test_vector_is_reproduced_byte_for_byte():
    keys, signed = vectors()
    private = signing.private_key_from_multibase(keys["privateKeyMultibase"])
    assert signing.public_key_multibase(private.public_key()) == keys["publicKeyMultibase"]
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    proof = signed["proof"]
    from datetime import datetime

    created = datetime.fromisoformat(proof["created"].replace("Z", "+00:00"))
    ours = signing.sign(unsigned, private, proof["verificationMethod"], created)
    assert ours["proof"] == proof
    options = {k: v for k, v in proof.items() if k != "proofValue"} | {
        "@context": signed["@context"]
    }
    assert signing.canonicalize(options) == (VECTORS / "proofCanonDataInt.txt").read_text()


def test_the_vector_verifies_and_any_change_breaks_it():
    keys, signed = vectors()
    public = signing.public_key_from_multibase(keys["publicKeyMultibase"])
    assert signing.verify(signed, public)
    for change in (
        lambda d: d["credentialSubject"].update(alumniOf="Another School"),
        lambda d: d.update(validFrom="2024-01-01T00:00:00Z"),
        lambda d: d["credentialSubject"].update(extra="an undeclared term"),
        lambda d: d["proof"].update(proofValue=d["proof"]["proofValue"][:-2] + "zz"),
    ):
        tampered = copy.deepcopy(signed)
        change(tampered)
        assert not signing.verify(tampered, public)


def test_contexts_are_never_fetched_from_the_network():
    _keys, signed = vectors()
    document = {**signed, "@context": [*signed["@context"], "https://example.org/unknown-context"]}
    with pytest.raises(signing.UnsafeDocument):
        signing.canonicalize({k: v for k, v in document.items() if k != "proof"})


def test_public_ids_are_random_unambiguous_and_readable():
    ids = {new_public_id(1) for _ in range(200)}
    assert len(ids) == 200
    for public_id in ids:
        prefix, *groups = public_id.split("-")
        assert prefix == "DN1" and [len(g) for g in groups] == [4, 4, 4]
        assert set("".join(groups)) <= set(ALPHABET) and not set("ILOU") & set("".join(groups))
    assert normalise(" dn1-7k3m-9qxp-2hvb ") == "DN1-7K3M-9QXP-2HVB"
    assert normalise("DN1-7K3M-9QXP-2HVO") == "DN1-7K3M-9QXP-2HV0"

"""Hostile uploads for /verify, built from a genuine credential: the audit's malformed files
and the files that used to exhaust the server."""

import copy
import io
import json

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)


def pdf_with_attachment(payload: bytes, name: str = "credential.json") -> bytes:
    """A one-page PDF embedding ``payload``, compressed (as a bomb would be)."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    stream = DecodedStreamObject()
    stream.set_data(payload)
    encoded = stream.flate_encode(level=9)
    encoded[NameObject("/Type")] = NameObject("/EmbeddedFile")
    spec = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): TextStringObject(name),
            NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(encoded)}),
        }
    )
    listed = ArrayObject([TextStringObject(name), writer._add_object(spec)])
    writer.root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/EmbeddedFiles"): DictionaryObject({NameObject("/Names"): listed})}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_bomb() -> bytes:
    """About 20 KB on the wire; its credential.json inflates to 20 MB of JSON."""
    return pdf_with_attachment(b'{"name": [' + b'"x",' * 5_000_000 + b'"x"]}')


def huge_name_json(credential: dict) -> bytes:
    """The audit's 2 MB JSON credential with a 200,000-element name."""
    document = copy.deepcopy(credential)
    document["name"] = ["Zoë"] * 200_000
    data = json.dumps(document).encode()
    return data + b" " * max(0, 2_000_000 - len(data))


def deep_json(depth: int = 20_000) -> bytes:
    return b"[" * depth + b"]" * depth


def many_blank_nodes(credential: dict) -> bytes:
    """Within every limit, shaped like ours, with as many look-alike blank nodes as the limits
    allow: the costliest input canonicalisation can still be asked to take."""
    document = copy.deepcopy(credential)
    twin = {"type": "IdentityObject", "hashed": True, "identityHash": "sha256$0"}
    twin |= {"identityType": "emailAddress", "salt": "0"}
    document["credentialSubject"]["identifier"] = [dict(twin) for _ in range(16)]
    return json.dumps(document).encode()


def malformed(credential: dict) -> dict[str, tuple[bytes, str]]:
    """Label → (file, words the refusal must contain)."""

    def changed(**fields) -> bytes:
        return json.dumps(copy.deepcopy(credential) | fields).encode()

    def proof(**fields) -> bytes:
        return changed(proof=credential["proof"] | fields)

    return {
        "proof as a list": (changed(proof=[credential["proof"]]), '"proof" object'),
        "proof as a string": (changed(proof="z3abc"), '"proof" object'),
        "proof as a number": (changed(proof=12), '"proof" object'),
        "no proof": (changed(proof=None), '"proof" object'),
        "proofValue a number": (proof(proofValue=7), '"proofValue"'),
        "proofValue a list": (proof(proofValue=["z"]), '"proofValue"'),
        "proofValue not base58": (proof(proofValue="z" + "0" * 86), '"proofValue"'),
        "another cryptosuite": (proof(cryptosuite="ecdsa-rdfc-2019"), '"cryptosuite"'),
        "a key that is not ours": (
            proof(verificationMethod="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
            "not one of ours",
        ),
        "verificationMethod an object": (
            proof(verificationMethod={"id": credential["proof"]["verificationMethod"]}),
            "not one of ours",
        ),
        "an unknown context": (
            changed(**{"@context": [*credential["@context"], "https://evil.example/ctx"]}),
            "context we do not know",
        ),
        "an inline context": (
            changed(**{"@context": [credential["@context"][0], {"@vocab": "urn:x:"}]}),
            "context we do not know",
        ),
        "no context": (changed(**{"@context": None}), '"@context"'),
        "deep nesting": (deep_json(), "nested deeper"),
        "moderate nesting": (changed(name=json.loads(deep_json(30))), "nested deeper"),
        "a JSON list": (b"[1, 2, 3]", "JSON object"),
        "not JSON": (b"hello", "not valid JSON"),
        "NaN": (b'{"a": NaN}', "not valid JSON"),
        "huge names": (huge_name_json(credential), "The file is too large"),
        "a credential over 64 KB": (b" " * 70_000 + changed(), "larger than 64 KB"),
        "a long name": (changed(name="x" * 5000), "longer than 4096"),
        "a long list": (changed(name=["x"] * 17), "more than 16 items"),
        "many keys": (changed(**{f"k{i}": 1 for i in range(150)}), "more than 150 keys"),
        "many objects": (changed(name=[{"a": [{}, {}]}] * 9), "more than 24 objects"),
        "a PDF attachment that is a JSON list": (pdf_with_attachment(b"[1]"), "JSON object"),
        "a PDF without a credential": (pdf_with_attachment(b"{}", "other.json"), "No credential"),
        "a PDF bomb": (pdf_bomb(), "larger than 64 KB once decompressed"),
        "a broken PDF": (b"%PDF-1.7\n" + b"\x00garbage" * 1000, "could not be read"),
    }

"""The tool's own RSA key pair: generated once into the instance folder (never committed,
mode 0600) and published as a JWKS so that platforms can check what the tool signs (deep
linking responses, the client assertion of the AGS/NRPS token request)."""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, current_app
from jwcrypto.jwk import JWK

KEY_FILE = "lti_tool_key.pem"
EXTENSION_KEY = "course_app.lti.keys"


@dataclass(frozen=True)
class ToolKeys:
    private_pem: str
    public_pem: str

    @property
    def jwk(self) -> dict:
        key = JWK.from_pem(self.public_pem.encode("ascii"))
        public = json.loads(key.export_public())
        # The thumbprint as key id: the same key always has the same kid.
        return {**public, "kid": key.thumbprint(), "alg": "RS256", "use": "sig"}

    @property
    def kid(self) -> str:
        return self.jwk["kid"]


def load_or_create(instance_path: str) -> ToolKeys:
    """The instance's key pair, generated the first time (O_EXCL: two processes starting at
    once agree on one key)."""
    path = Path(instance_path) / KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        private_pem = path.read_text(encoding="ascii")
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(private_pem)
    private = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    return ToolKeys(private_pem, public_pem)


def tool_keys(app: Flask | None = None) -> ToolKeys:
    """Loaded at the first use, not at start: an app that never speaks LTI makes no key."""
    app = app or current_app
    keys = app.extensions.get(EXTENSION_KEY)
    if keys is None:
        keys = app.extensions[EXTENSION_KEY] = load_or_create(app.instance_path)
    return keys


def jwks() -> dict:
    return {"keys": [tool_keys().jwk]}

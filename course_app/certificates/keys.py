"""The issuer's Ed25519 signing key: generated into ``instance/`` on first use, never committed.

``instance/signing-keys/current.pem`` holds the private key (mode 0600). Rotation
(``flask --app course_app rotate-signing-key``) moves the current public key to
``retired.txt`` and makes a new current key; the issuer profile keeps publishing retired public
keys, so certificates signed before a rotation keep verifying.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from course_app.certificates.signing import public_key_from_multibase, public_key_multibase

KEY_DIR = "signing-keys"


@dataclass(frozen=True)
class KeyRing:
    current: Ed25519PrivateKey
    retired: tuple[Ed25519PublicKey, ...]

    @property
    def current_id(self) -> str:
        return public_key_multibase(self.current.public_key())

    def public_keys(self) -> dict[str, Ed25519PublicKey]:
        """Every key that may have signed a certificate, by its Multikey id."""
        keys = {public_key_multibase(k): k for k in self.retired}
        keys[self.current_id] = self.current.public_key()
        return keys


def _directory(instance_path: str) -> Path:
    path = Path(instance_path) / KEY_DIR
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def load_keys(instance_path: str) -> KeyRing:
    """The key ring, creating the first key if there is none yet."""
    directory = _directory(instance_path)
    current = directory / "current.pem"
    if not current.exists():
        _write_private(current, Ed25519PrivateKey.generate())
    key = serialization.load_pem_private_key(current.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)  # nosec B101 - we wrote it
    return KeyRing(key, _retired(directory))


def _retired(directory: Path) -> tuple[Ed25519PublicKey, ...]:
    path = directory / "retired.txt"
    if not path.exists():
        return ()
    lines = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    return tuple(public_key_from_multibase(line) for line in lines)


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def rotate(instance_path: str) -> tuple[str, str]:
    """Retire the current key (its public half stays published); returns (old id, new id)."""
    ring = load_keys(instance_path)
    directory = _directory(instance_path)
    with (directory / "retired.txt").open("a") as handle:
        handle.write(ring.current_id + "\n")
    new = Ed25519PrivateKey.generate()
    _write_private(directory / "current.pem", new)
    return ring.current_id, public_key_multibase(new.public_key())

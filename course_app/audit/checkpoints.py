"""Signed checkpoints of the audit chain's head, appended to a file outside the database.

The hash chain shows an entry edited or removed from the middle, but not the newest entries
deleted, nor a chain rewritten from the first entry on with fresh hashes. A checkpoint states
"at this time the chain had ``count`` entries, the newest ``entry_id`` with ``entry_hash``",
signed with an Ed25519 key kept in ``instance/`` (``audit-checkpoint-key.pem``, mode 0600) and
appended as one JSON line to ``AUDIT_CHECKPOINT_FILE``. Since every entry's hash covers all
entries before it, a checkpoint pins the whole chain up to it; ``audit-verify`` compares
(:mod:`course_app.audit.checking`).

Ed25519 rather than an HMAC: checking a line needs only the public key, so a copy of the file
shipped to another host or to an auditor can be checked there without handing over the power
to write checkpoints. The key is not the certificate-signing key: rotating either leaves the
other alone.

A ``restore`` line records the head after ``flask restore``: a restore legitimately rolls the
chain back to the backup's, and checkpoints made since are then reported as rolled back rather
than as tampering. Only a correctly signed restore line does that, and it stays in the file.
"""

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from course_app.audit.models import AuditEntry

KEY_FILE = "audit-checkpoint-key.pem"
PUBLIC_KEY_FILE = "audit-checkpoint-key.pub.pem"
DEFAULT_FILE = "audit-checkpoints.jsonl"
KINDS = ("checkpoint", "restore")


@dataclass(frozen=True)
class Head:
    """The newest entry of the chain and how many entries it has (``entry_id`` None: empty)."""

    entry_id: int | None
    entry_hash: str
    count: int


def chain_head(session: Session) -> Head:
    """The head, read in one statement so that the count and the newest entry agree."""
    total = select(func.count()).select_from(AuditEntry).scalar_subquery()
    newest = select(AuditEntry.id, AuditEntry.entry_hash, total).order_by(AuditEntry.id.desc())
    row = session.execute(newest.limit(1)).first()
    return Head(None, "", 0) if row is None else Head(row[0], row[1], row[2])


def checkpoint_file(config: dict[str, Any], instance_path: str) -> Path:
    """``AUDIT_CHECKPOINT_FILE``; empty means ``instance/audit-checkpoints.jsonl``. A relative
    path is taken from the instance folder."""
    return Path(instance_path) / (config.get("AUDIT_CHECKPOINT_FILE") or DEFAULT_FILE)


def key_path(instance_path: str) -> Path:
    return Path(instance_path) / KEY_FILE


def load_or_create_key(instance_path: str) -> Ed25519PrivateKey:
    """The checkpoint signing key, created (mode 0600, O_EXCL: one key even if two runs race)
    the first time a checkpoint is written, with its public half beside it (to copy to
    wherever the checkpoints are checked)."""
    path = key_path(instance_path)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_key(path)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (Path(instance_path) / PUBLIC_KEY_FILE).write_bytes(public)
    return key


def load_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 public key")
    return key


def key_id(public: Ed25519PublicKey) -> str:
    """A short name for a public key, written into every line it signs."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def canonical(payload: dict[str, Any]) -> bytes:
    """The bytes that are signed: the line's fields but ``sig``, in a fixed order."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def make_line(
    key: Ed25519PrivateKey, kind: str, head: Head, at: datetime, **extra: str
) -> dict[str, Any]:
    """A signed record of ``head`` (``kind`` is "checkpoint" or "restore")."""
    payload = {
        "v": 1,
        "kind": kind,
        "at": at.isoformat(),
        "entry_id": head.entry_id,
        "entry_hash": head.entry_hash,
        "count": head.count,
        "key": key_id(key.public_key()),
        **extra,
    }
    signature = key.sign(canonical(payload))
    return {**payload, "sig": base64.b64encode(signature).decode("ascii")}


def append_line(path: Path, line: dict[str, Any]) -> None:
    """Append one line in a single write (O_APPEND: runs at once never interleave) and sync
    it to disk before returning, so a checkpoint reported written survives a crash."""
    data = (json.dumps(line, sort_keys=True, separators=(",", ":")) + "\n").encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(descriptor, data)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_checkpoint(
    session: Session,
    path: Path,
    instance_path: str,
    at: datetime,
    kind: str = "checkpoint",
    **extra: str,
) -> dict[str, Any]:
    """Sign the chain's current head and append it to ``path``; returns the line."""
    line = make_line(load_or_create_key(instance_path), kind, chain_head(session), at, **extra)
    append_line(path, line)
    return line


def signature_valid(line: dict[str, Any], public: Ed25519PublicKey) -> bool:
    """Whether ``line`` (parsed JSON) carries a valid signature of its other fields."""
    payload = {name: value for name, value in line.items() if name != "sig"}
    try:
        public.verify(base64.b64decode(line.get("sig", ""), validate=True), canonical(payload))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True

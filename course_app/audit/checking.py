"""``audit-verify``: the hash chain, then every checkpoint in the file against it.

A checkpoint fails when its signature does not verify (a forged or altered line), when the
entry it names is missing (deleted), when that entry's hash differs (the chain was rewritten),
when a different number of entries now precedes it (entries removed or slipped in before it),
or when the chain is shorter than the checkpoint counted (the newest entries were deleted).
A checkpoint counting more entries than a later, correctly signed restore line is not checked:
the restore rolled the chain back past it, and that is reported as a note.
"""

import json
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from course_app.audit.checkpoints import KINDS, key_id, signature_valid
from course_app.audit.models import AuditEntry
from course_app.audit.services import verify_chain, walk_chain


@dataclass(frozen=True)
class Checkpoint:
    """One line of the checkpoint file, signature already checked."""

    line: int
    kind: str
    at: str
    entry_id: int | None
    entry_hash: str
    count: int
    note: str = ""


@dataclass
class ChainFacts:
    """What the walk over the chain saw: how many entries, and each wanted entry's hash and
    place (1 for the oldest)."""

    wanted: set[int]
    count: int = 0
    found: dict[int, tuple[str, int]] = field(default_factory=dict)

    def watch(self, entries: Iterable[AuditEntry]) -> Iterator[AuditEntry]:
        for entry in entries:
            self.count += 1
            if entry.id in self.wanted:
                self.found[entry.id] = (entry.entry_hash, self.count)
            yield entry


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: list[Checkpoint] = field(default_factory=list)
    count: int = 0


def read_checkpoints(path: Path, public: Ed25519PublicKey) -> tuple[list[Checkpoint], list[str]]:
    """The file's checkpoints whose signature verifies, and a problem for every other line."""
    checkpoints, problems = [], []
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if text.strip():
                parsed = _parse(number, text, public)
                if isinstance(parsed, Checkpoint):
                    checkpoints.append(parsed)
                else:
                    problems.append(f"checkpoint line {number}: {parsed}")
    return checkpoints, problems


def _parse(number: int, text: str, public: Ed25519PublicKey) -> Checkpoint | str:
    """A checkpoint, or what is wrong with the line."""
    try:
        line = json.loads(text)
    except ValueError:
        return "not JSON (the file was edited or damaged)"
    if not isinstance(line, dict):
        return "not a checkpoint record"
    if not isinstance(line.get("sig"), str) or not isinstance(line.get("key"), str):
        return "not signed: the line was forged or damaged"
    if not signature_valid(line, public):
        if line.get("key") != key_id(public):
            return f"signed by another key {line['key']!r}, not {key_id(public)!r}"
        return "the signature does not verify: the line was forged or altered"
    return _checkpoint(number, line) or "a signed line of an unknown format"


def _checkpoint(number: int, line: dict[str, Any]) -> Checkpoint | None:
    entry_id, count = line.get("entry_id"), line.get("count")
    if line.get("kind") not in KINDS or not isinstance(count, int) or count < 0:
        return None
    if not (entry_id is None or isinstance(entry_id, int)):
        return None
    return Checkpoint(
        number, line["kind"], str(line.get("at")), entry_id, str(line.get("entry_hash")), count,
        str(line.get("source", "")),
    )  # fmt: skip


def verify(session: Session, checkpoints: list[Checkpoint]) -> tuple[Report, str | None]:
    """Walk the chain once, checking its links and gathering what the checkpoints name.
    Returns the checkpoint report and the chain's first break, if any."""
    facts = ChainFacts({c.entry_id for c in checkpoints if c.entry_id is not None})
    with walk_chain(session) as entries:
        watched = facts.watch(entries)
        problem = verify_chain(watched)
        deque(watched, maxlen=0)  # past a break, the checkpoints still need the rest
    broken = None if problem is None else f"broken at entry {problem.entry_id}: {problem.message}"
    return compare(checkpoints, facts), broken


def compare(checkpoints: list[Checkpoint], facts: ChainFacts) -> Report:
    report = Report(count=facts.count)
    rolled_back_to: int | None = None  # the smallest count a later restore line left
    for checkpoint in reversed(checkpoints):
        if rolled_back_to is not None and checkpoint.count > rolled_back_to:
            continue
        problem = _compare_one(checkpoint, facts)
        if problem:
            report.problems.append(
                f"checkpoint line {checkpoint.line} ({checkpoint.at}): {problem}"
            )
        report.checked.append(checkpoint)
        if checkpoint.kind == "restore":
            if rolled_back_to is None or checkpoint.count < rolled_back_to:
                rolled_back_to = checkpoint.count
            report.notes.append(_restore_note(checkpoint, checkpoints))
    report.problems.reverse()
    report.notes.reverse()
    return report


def _compare_one(checkpoint: Checkpoint, facts: ChainFacts) -> str | None:
    if facts.count < checkpoint.count:
        return (
            f"the chain has {facts.count} entries, fewer than the {checkpoint.count} counted "
            "then: entries were deleted"
        )
    if checkpoint.entry_id is None:
        return None
    found = facts.found.get(checkpoint.entry_id)
    if found is None:
        return f"entry {checkpoint.entry_id}, the newest then, is missing: it was deleted"
    entry_hash, place = found
    if entry_hash != checkpoint.entry_hash:
        return f"entry {checkpoint.entry_id} differs from the one signed: the chain was rewritten"
    if place != checkpoint.count:
        return (
            f"{place} entries now end at entry {checkpoint.entry_id}, {checkpoint.count} did "
            "then: entries before it were deleted or inserted"
        )
    return None


def _restore_note(restore: Checkpoint, checkpoints: list[Checkpoint]) -> str:
    past = [c for c in checkpoints if c.line < restore.line and c.count > restore.count]
    source = f" from {restore.note}" if restore.note else ""
    return (
        f"checkpoint line {restore.line}: a restore{source} at {restore.at} rolled the chain "
        f"back to {restore.count} entries; {len(past)} earlier checkpoint(s) beyond it not checked"
    )

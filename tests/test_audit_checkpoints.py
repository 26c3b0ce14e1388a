"""Signed checkpoints outside the database: audit-verify notices the newest entries deleted,
a chain rewritten from the start, a truncated table and a forged checkpoint line."""

import json
import stat

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from course_app.audit.checkpoints import Head, canonical, make_line
from course_app.audit.models import AuditEntry
from course_app.audit.services import entry_hash, verify_all
from course_app.db import get_engine
from tests.audit_helpers import add_entries, append_only_guard_off, tamper
from tests.conftest import FIXED_NOW


def checkpoint(runner) -> str:
    result = runner.invoke(args=["audit-checkpoint"])
    assert result.exit_code == 0, result.output
    return result.output


def verify(runner, *args: str):
    return runner.invoke(args=["audit-verify", *args])


def checkpoint_lines(app) -> list[dict]:
    path = app.instance_path + "/audit-checkpoints.jsonl"
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def append_raw(app, line: dict) -> None:
    with open(app.instance_path + "/audit-checkpoints.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")


def test_entries_checkpoint_more_entries_verifies(app, db, runner):
    add_entries(db, 3)
    assert "3 entries, newest 3" in checkpoint(runner)
    add_entries(db, 2, start=4)
    checkpoint(runner)
    add_entries(db, 1, start=6)
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "Audit chain intact: 6 entries." in result.output
    assert "2 checkpoint(s) agree with it" in result.output and "covers 5 entries" in result.output
    first, second = checkpoint_lines(app)
    assert (first["count"], first["entry_id"], second["count"]) == (3, 3, 5)
    assert first["at"].startswith("2027-05-31T09:30")


def test_deleting_the_two_newest_entries_is_detected(app, db, runner):
    add_entries(db, 5)
    checkpoint(runner)
    tamper(db, "DELETE FROM audit_entries WHERE id >= 4")  # with the database owner's rights
    assert verify_all(db) is None  # the chain alone looks intact
    result = verify(runner)
    assert result.exit_code == 1
    assert "the chain has 3 entries, fewer than the 5 counted then" in result.output
    add_entries(db, 2, start=6)  # new entries to make up the count do not hide it
    result = verify(runner)
    assert result.exit_code == 1 and "entry 5" in result.output, result.output


def test_a_consistently_rewritten_chain_is_detected(app, db, runner):
    add_entries(db, 4)
    checkpoint(runner)
    with append_only_guard_off(db):
        previous = ""
        for entry in db.scalars(select(AuditEntry).order_by(AuditEntry.id)):
            entry.reason, entry.prev_hash = "nothing happened", previous
            entry.entry_hash = previous = entry_hash(entry)
        db.commit()
    assert verify_all(db) is None  # every link is consistent again
    result = verify(runner)
    assert result.exit_code == 1
    assert "entry 4 differs from the one signed: the chain was rewritten" in result.output


def test_a_truncated_table_is_detected(app, db, runner):
    add_entries(db, 2)
    checkpoint(runner)
    tamper(db, "DELETE FROM audit_entries")  # TRUNCATE on PostgreSQL does the same
    result = verify(runner)
    assert result.exit_code == 1 and "the chain has 0 entries" in result.output


def test_a_forged_checkpoint_line_is_reported(app, db, runner):
    add_entries(db, 2)
    checkpoint(runner)
    forged = {**checkpoint_lines(app)[-1], "count": 1, "entry_id": 1}  # signature kept
    append_raw(app, forged)
    stranger = make_line(Ed25519PrivateKey.generate(), "checkpoint", Head(1, "x", 1), FIXED_NOW)
    append_raw(app, stranger)
    append_raw(app, {"v": 1, "kind": "checkpoint", "count": 0, "entry_id": None})
    with open(app.instance_path + "/audit-checkpoints.jsonl", "a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    result = verify(runner)
    assert result.exit_code == 1
    assert "checkpoint line 2: the signature does not verify" in result.output
    assert f"checkpoint line 3: signed by another key '{stranger['key']}'" in result.output
    assert "checkpoint line 4: not signed" in result.output
    assert "checkpoint line 5: not JSON" in result.output
    assert "4 problem(s)" in result.output


def test_the_signature_covers_every_field(app, db, runner):
    add_entries(db, 1)
    checkpoint(runner)
    line = checkpoint_lines(app)[0]
    payload = {name: value for name, value in line.items() if name != "sig"}
    assert set(payload) == {"v", "kind", "at", "entry_id", "entry_hash", "count", "key"}
    assert canonical(payload) == json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def test_a_copy_kept_elsewhere_still_shows_what_the_local_file_hides(app, db, runner, tmp_path):
    add_entries(db, 3)
    checkpoint(runner)
    copy = tmp_path / "offsite.jsonl"
    copy.write_bytes((tmp_path / "instance" / "audit-checkpoints.jsonl").read_bytes())
    tamper(db, "DELETE FROM audit_entries WHERE id = 3")
    (tmp_path / "instance" / "audit-checkpoints.jsonl").unlink()  # the attacker's cleanup
    result = verify(runner)
    assert result.exit_code == 1 and "checkpoints were written (their key exists)" in result.output
    result = verify(runner, "--checkpoints", str(copy))
    assert result.exit_code == 1 and "fewer than the 3 counted" in result.output


def test_the_pinned_public_key_exposes_a_rewrite_with_a_new_key(app, db, runner, tmp_path):
    """Even with the whole machine, an attacker cannot make the copy kept elsewhere, checked
    with the public key kept with it, agree with a rewritten chain."""
    instance = tmp_path / "instance"
    add_entries(db, 3)
    checkpoint(runner)
    offsite = tmp_path / "offsite"
    offsite.mkdir()
    for name in ("audit-checkpoints.jsonl", "audit-checkpoint-key.pub.pem"):
        (offsite / name).write_bytes((instance / name).read_bytes())
    tamper(db, "DELETE FROM audit_entries WHERE id = 3")
    for name in ("audit-checkpoints.jsonl", "audit-checkpoint-key.pem"):
        (instance / name).unlink()
    checkpoint(runner)  # a new key, a new file: the machine alone now agrees
    assert verify(runner).exit_code == 0
    result = verify(
        runner,
        "--checkpoints", str(offsite / "audit-checkpoints.jsonl"),
        "--public-key", str(offsite / "audit-checkpoint-key.pub.pem"),
    )  # fmt: skip
    assert result.exit_code == 1 and "fewer than the 3 counted" in result.output
    result = verify(runner, "--checkpoints", str(offsite / "audit-checkpoints.jsonl"))
    assert result.exit_code == 1 and "signed by another key" in result.output


def test_without_checkpoints_verify_says_how_to_start(app, db, runner):
    add_entries(db, 1)
    result = verify(runner)
    assert result.exit_code == 0 and "No checkpoints in" in result.output


def test_key_and_file_are_private_to_the_owner(app, db, runner, tmp_path):
    checkpoint(runner)  # an empty chain can be checkpointed too
    for name in ("audit-checkpoint-key.pem", "audit-checkpoints.jsonl"):
        assert stat.S_IMODE((tmp_path / "instance" / name).stat().st_mode) == 0o600
    assert checkpoint_lines(app)[0]["entry_id"] is None
    assert verify(runner).exit_code == 0


def test_audit_checkpoint_file_setting(make_app, db, tmp_path):
    target = tmp_path / "elsewhere" / "trail.jsonl"
    app = make_app(AUDIT_CHECKPOINT_FILE=str(target))
    add_entries(db, 2)
    assert str(target) in checkpoint(app.test_cli_runner())
    assert json.loads(target.read_text())["count"] == 2
    assert app.test_cli_runner().invoke(args=["audit-verify"]).exit_code == 0


def test_a_restore_rolls_the_chain_back_openly(app, db, runner, tmp_path):
    add_entries(db, 3)
    checkpoint(runner)
    assert runner.invoke(args=["backup", str(tmp_path / "backup.db")]).exit_code == 0
    add_entries(db, 2, start=4)
    checkpoint(runner)
    db.close()
    get_engine(app).dispose()
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "backup.db")])
    assert "Recorded the restored audit trail's head" in result.output
    assert checkpoint_lines(app)[-1]["kind"] == "restore"
    add_entries(db, 1, start=9)
    checkpoint(runner)
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert (
        "Note: checkpoint line 3: a restore from backup.db at 2027-05-31T09:30" in result.output
        and "rolled the chain back to 3 entries; 1 earlier checkpoint(s) beyond it not checked"
        in result.output
    )

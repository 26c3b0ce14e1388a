"""Our credentials checked by an implementation nobody here wrote: Digital Bazaar's
``@digitalbazaar/vc`` with ``eddsa-rdfc-2022`` Data Integrity and the Bitstring Status List
(``tests/js/verify-credential.mjs``, packages from ``npm ci``). Its document loader serves only
our pinned contexts, the app's DID document and its status-list credential, never the network.

Locally the test is skipped without node or the packages; in CI (CI=true) it fails. It runs on
the real clock: the Node process checks validFrom against its own clock.
"""

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from course_app.certificates.signing import CONTEXTS, LOCAL_CONTEXTS
from course_app.config import REPO_ROOT
from tests.helpers import login, make_user, post
from tests.issued import BASE, issue_for, public_app

SCRIPT = REPO_ROOT / "tests" / "js" / "verify-credential.mjs"
PACKAGES = ("vc", "data-integrity", "eddsa-rdfc-2022-cryptosuite", "vc-bitstring-status-list")


def node() -> str:
    path = shutil.which("node")
    missing = [p for p in PACKAGES if not (REPO_ROOT / "node_modules/@digitalbazaar" / p).exists()]
    if path is None or missing:
        message = f"node or npm packages missing ({', '.join(missing) or 'node'}): run npm ci"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    return path


@pytest.fixture
def ca_app(make_app, db):
    return public_app(make_app, db)


def served(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200
    return json.loads(response.data)


def documents(client) -> dict:
    """Every URL the verifier may load: the pinned contexts, the DID document, the list."""
    known = {
        url: json.loads((CONTEXTS / name).read_text(encoding="utf-8"))
        for url, name in LOCAL_CONTEXTS.items()
    }
    known["did:web:ce.example.org"] = served(client, "/.well-known/did.json")
    known[f"{BASE}/status-lists/revocation"] = served(client, "/status-lists/revocation")
    return known


def verify(tmp_path: Path, known: dict, credentials: dict[str, dict]) -> dict[str, dict]:
    (tmp_path / "documents.json").write_text(json.dumps(known))
    files = []
    for name, credential in credentials.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(credential))
        files.append(str(tmp_path / f"{name}.json"))
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    command = [node(), str(SCRIPT), str(tmp_path / "documents.json"), now, *files]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=120, cwd=REPO_ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(line["file"] != "contexts" for line in lines), lines
    return {Path(line["file"]).stem: line for line in lines}


@pytest.mark.real_clock
def test_digital_bazaars_verifier_accepts_ours_rejects_a_tampered_one_and_reads_revocation(
    ca_app, db, tmp_path
):
    node()
    good = issue_for(ca_app, db, "zoe@example.org", "Zoë Núñez")
    revoked = issue_for(ca_app, db, "mal@example.org", "Mal Other")
    make_user(db, email="admin@example.org", role="admin", full_name="Ada Admin")
    admin = ca_app.test_client()
    login(admin, "admin@example.org")
    post(admin, f"/admin/certificates/{revoked.public_id}/revoke", {"reason": "Fraud"})
    tampered = json.loads(json.dumps(good.credential))
    tampered["credentialSubject"]["creditsEarned"] = 72
    results = verify(
        tmp_path,
        documents(ca_app.test_client()),
        {"good": good.credential, "tampered": tampered, "revoked": revoked.credential},
    )
    assert results["good"] == {**results["good"], "verified": True, "revoked": False}
    assert results["tampered"]["verified"] is False
    assert results["revoked"]["revoked"] is True

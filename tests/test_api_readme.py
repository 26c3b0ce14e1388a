"""The README's curl script, run as written against the app on a real server, with tokens
made on the tokens page by a learner and by the instructor of the learner's course."""

import json
import re
import shutil
import subprocess
import textwrap
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.api_support import create_token
from tests.helpers import login, make_user, post

README = Path(__file__).parent.parent / "README.md"
PLACEHOLDER_ID = "/users/42/"


def readme_script() -> str:
    """The sh block of the README's JSON API paragraph."""
    text = README.read_text()
    section = text[text.index("- **A JSON API**") :]
    return textwrap.dedent(re.search(r"```sh\n(.*?)```", section, re.S).group(1))


def documents(output: str) -> list:
    """The JSON documents curl printed one after another."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while at < len(output):
        value, at = decoder.raw_decode(output, at)
        found.append(value)
        while at < len(output) and output[at].isspace():
            at += 1
    return found


@pytest.fixture
def live(real_app):
    server = make_server("127.0.0.1", 0, real_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.skipif(shutil.which("curl") is None, reason="the script needs curl")
def test_the_readme_script_pulls_a_learners_standing(real_app, db, teacher, live):
    learner = make_user(db, email="reader@example.org", full_name="Rea Reader")
    browser = real_app.test_client()
    login(browser, learner.email)
    post(browser, "/courses/dry-needling-level-1/enrol")
    mine = create_token(browser, ["read:self"])
    staff = create_token(teacher, ["read:gradebook"])
    script = readme_script()
    assert PLACEHOLDER_ID in script and script.count("'cat_…'") == 2
    script = re.sub(r"^SITE=.*$", f"SITE={live}", script, flags=re.M)
    script = script.replace("TOKEN='cat_…'", f"TOKEN='{mine}'", 1)
    script = script.replace("STAFF_TOKEN='cat_…'", f"STAFF_TOKEN='{staff}'")
    script = script.replace(PLACEHOLDER_ID, f"/users/{learner.id}/")
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    own, book, theirs = documents(result.stdout)
    assert [item["course"] for item in own["items"]] == ["dry-needling-level-1"]
    assert book["course"] == "dry-needling-level-1" and book["items"] == []  # nobody eligible
    assert theirs["learner"]["id"] == learner.id and theirs["items"] == own["items"]

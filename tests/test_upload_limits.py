"""Issue 17, faults 2 and 4: no upload can exhaust the server, and none answers 500.

Every malformed file is refused with 400 and a reason before any JSON-LD processing; a
hypothesis fuzz over the credential's structure finds no other answer; and the worst inputs
cost well under a second of CPU and 100 MiB (measured with getrusage and tracemalloc, never
wall-clock time, so a slow machine does not make the test flaky)."""

import contextlib
import copy
import html
import json
import resource
import tracemalloc
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course_app.certificates import checking
from course_app.certificates.issuer import current_issuer
from course_app.certificates.upload_limits import Refused
from tests.helpers import text_of
from tests.issued import issue_for, public_app, upload
from tests.uploads import huge_name_json, malformed, many_blank_nodes, pdf_bomb

FUZZ = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def ca_app(make_app, db):
    return public_app(make_app, db)


@pytest.fixture
def credential(ca_app, db) -> dict:
    return issue_for(ca_app, db, "zoe@example.org", "Zoë Núñez").credential


def check(ca_app, db, data: bytes):
    with ca_app.app_context():
        return checking.check_upload(db, data, current_issuer(), date.today())


def test_every_malformed_upload_is_refused_with_its_reason(ca_app, credential):
    client = ca_app.test_client()
    for label, (data, reason) in malformed(credential).items():
        response = upload(client, data, "upload.pdf" if data[:4] == b"%PDF" else "c.json")
        assert response.status_code == 400, label
        assert reason in html.unescape(text_of(response)), label


def test_the_genuine_credential_still_passes(ca_app, db, credential):
    assert check(ca_app, db, json.dumps(credential).encode()).valid


def paths(value, prefix=()):
    """Every place in a JSON document: the fuzz replaces one of them."""
    yield prefix
    if isinstance(value, dict | list):
        children = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in children:
            yield from paths(child, (*prefix, key))


def replaced(document, path, new):
    if not path:
        return new
    copied = copy.deepcopy(document)
    parent = copied
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = new
    return copied


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=25,
)


@FUZZ
@given(data=st.data())
def test_no_change_to_the_credential_gives_anything_but_a_verdict_or_a_refusal(
    ca_app, db, credential, data
):
    path = data.draw(st.sampled_from(list(paths(credential))))
    document = replaced(credential, path, data.draw(JSON))
    try:
        verdict = check(ca_app, db, json.dumps(document).encode())
    except Refused as refused:
        assert refused.message
    else:
        assert verdict.valid is (document == credential)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_THREAD)
    return usage.ru_utime + usage.ru_stime


def cost(ca_app, db, data: bytes) -> tuple[float, int]:
    """CPU seconds of one check, then its peak of Python memory (a second run, traced)."""
    started = cpu_seconds()
    with contextlib.suppress(Refused):
        check(ca_app, db, data)
    spent = cpu_seconds() - started
    tracemalloc.start()
    with contextlib.suppress(Refused):
        check(ca_app, db, data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return spent, peak


def test_no_upload_costs_more_than_a_second_of_cpu_or_100_mib(ca_app, db, credential):
    worst = {
        "a 20 KB PDF inflating to 20 MB": pdf_bomb(),
        "2 MB of JSON with a 200,000-element name": huge_name_json(credential),
        "50,000 levels of nesting": b"[" * 50_000 + b"]" * 50_000,
        "look-alike blank nodes within every limit": many_blank_nodes(credential),
        "1 MB of a broken PDF": b"%PDF-1.7\n" + b"1 0 obj << /Length 9 >> stream\n" * 32_000,
        "6 MB of a broken PDF": b"%PDF-1.7\n" + b"1 0 obj << /Length 9 >> stream\n" * 190_000,
    }
    for label, data in worst.items():
        seconds, peak = cost(ca_app, db, data)
        assert seconds < 1.0, f"{label}: {seconds:.2f} s of CPU"
        assert peak < 100 * 1024 * 1024, f"{label}: {peak / 2**20:.0f} MiB"

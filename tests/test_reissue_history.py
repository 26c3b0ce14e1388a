"""A reissue needs a reason (required, audited, shown publicly), and the public verification
page shows a certificate's whole history: what it replaces and what replaced it, with dates
and reasons, and a revocation's reason."""

import html
import re

import pytest
from sqlalchemy import select

from course_app.audit.models import AuditEntry
from course_app.certificates.models import Certificate
from tests.helpers import login, long_date, make_user, post, text_of
from tests.issued import issue_for, public_app


@pytest.fixture
def ca_app(make_app, db):
    return public_app(make_app, db)


@pytest.fixture
def admin(ca_app, db):
    make_user(db, email="admin@example.org", role="admin", full_name="Ada Admin")
    browser = ca_app.test_client()
    login(browser, "admin@example.org")
    return browser


def page(client, public_id: str) -> str:
    """The page's text as a reader sees it (tags dropped)."""
    return html.unescape(re.sub(r"<[^>]+>", "", text_of(client.get(f"/verify/{public_id}"))))


def test_a_reissue_without_a_reason_is_refused(ca_app, db, admin):
    cert = issue_for(ca_app, db, "zoe@example.org", "Zoë Núñez")
    form = admin.get(f"/admin/certificates/{cert.public_id}").get_data(as_text=True)
    assert 'name="reason"' in form.split("Reissue</h2>")[1]
    refused = post(admin, f"/admin/certificates/{cert.public_id}/reissue", {"reason": "  "})
    assert refused.status_code == 303
    assert "Give the reason" in text_of(admin.get(f"/admin/certificates/{cert.public_id}"))
    db.expire_all()
    assert db.scalar(select(Certificate.status).where(Certificate.id == cert.id)) == "valid"


def test_the_public_page_shows_the_whole_history_with_dates_and_reasons(ca_app, db, admin):
    first = issue_for(ca_app, db, "zoe@example.org", "Zoë Núñez")
    reason = "Holder's name corrected after a marriage"
    assert post(admin, f"/admin/certificates/{first.public_id}/reissue", {"reason": reason})
    db.expire_all()
    second = db.scalar(select(Certificate).where(Certificate.status == "valid"))
    post(admin, f"/admin/certificates/{second.public_id}/reissue", {"reason": "Hours corrected"})
    db.expire_all()
    third = db.scalar(select(Certificate).where(Certificate.status == "valid"))
    post(admin, f"/admin/certificates/{third.public_id}/revoke", {"reason": "Obtained by fraud"})
    anyone = ca_app.test_client()
    day = long_date(second.issued_at)
    for public_id in (first.public_id, second.public_id, third.public_id):
        history = page(anyone, public_id).split("History")[1]
        assert f"{first.public_id} issued {long_date(first.issued_at)}" in history
        assert f"replaced by {second.public_id} on {day}: {reason}" in history
        assert f"replaced by {third.public_id}" in history and "Hours corrected" in history
        assert f"{third.public_id} issued" in history and "revoked" in history
        assert "Obtained by fraud" in history
    data = anyone.get(f"/verify/{second.public_id}.json").json
    assert data["replaces"] == {"id": first.public_id, "reason": reason}
    assert data["superseded_by"] == third.public_id
    assert [step["id"] for step in data["history"]] == [
        first.public_id,
        second.public_id,
        third.public_id,
    ]
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.reissued"))
    assert entry.reason == reason

"""Personal access tokens made as their owner makes them: through the account page's form."""

import re

from flask.testing import FlaskClient

from tests.helpers import post

_NEW_TOKEN = re.compile(r'<code id="new-token">([^<]+)</code>')
PROBLEM = "application/problem+json"


def create_token(browser: FlaskClient, scopes: list[str], days: int = 30, name: str = "script"):
    """Create a token on /account/tokens; the secret, read from the page shown once."""
    response = post(browser, "/account/tokens", {"name": name, "scopes": scopes, "days": days})
    assert response.status_code == 201, response.get_data(as_text=True)
    match = _NEW_TOKEN.search(response.get_data(as_text=True))
    assert match, "the new token is shown"
    return match.group(1)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response, status: int) -> dict:
    """An RFC 9457 problem details answer with this status."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["status"] == status
    assert {"type", "title", "detail"} <= set(body)
    return body

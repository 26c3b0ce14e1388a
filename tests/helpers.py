"""Small helpers for driving the app through HTTP as a browser would (CSRF included)."""

import re

from argon2 import PasswordHasher
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from course_app.auth.models import Role, User
from tests.conftest import FAST_HASH

PASSWORD = "a long enough passphrase"
#: The same parameters as the test config, so logging in does not rehash.
_HASHER = PasswordHasher(
    time_cost=FAST_HASH["PASSWORD_HASH_TIME_COST"],
    memory_cost=FAST_HASH["PASSWORD_HASH_MEMORY_KIB"],
    parallelism=1,
)
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def csrf_token(client: FlaskClient, page: str = "/") -> str:
    """The CSRF token a browser would have, read from a page's meta tag."""
    html = client.get(page).get_data(as_text=True)
    match = _CSRF_META.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1)


def post(client: FlaskClient, url: str, data: dict | None = None, **kwargs):
    """POST a form with a valid CSRF token, as a browser submitting the page would."""
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client)}, **kwargs)


def make_user(
    session: Session,
    email: str = "learner@example.org",
    role: str = Role.LEARNER,
    password: str = PASSWORD,
    **fields,
) -> User:
    defaults = {}
    if role == Role.LEARNER:
        defaults = {
            "registration_number": "PT12345",
            "jurisdiction": "ON",
            "regulator": "College of Physiotherapists of Ontario",
            "register_class": "full",
        }
    user = User(
        email=email,
        full_name=fields.pop("full_name", "Pat Learner"),
        role=role,
        password_hash=_HASHER.hash(password),
        **{**defaults, **fields},
    )
    session.add(user)
    session.commit()
    return user


def login(client: FlaskClient, email: str, password: str = PASSWORD, **kwargs):
    return post(client, "/auth/login", {"email": email, "password": password}, **kwargs)


def text_of(response) -> str:
    return response.get_data(as_text=True)

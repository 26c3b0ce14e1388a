"""Password hashing with argon2id; parameters come from the app config (see README)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["PASSWORD_HASH_TIME_COST"],
        memory_cost=config["PASSWORD_HASH_MEMORY_KIB"],
        parallelism=config["PASSWORD_HASH_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than the configured ones."""
    return _hasher().check_needs_rehash(password_hash)


def burn_time_like_a_check() -> None:
    """Spend what a real check costs, so a wrong e-mail is not faster than a wrong password."""
    verify_password(_dummy_hash(), "not the password")


def _dummy_hash() -> str:
    key = "course_app.dummy_password_hash"
    if key not in current_app.extensions:
        current_app.extensions[key] = hash_password("dummy password for timing")
    return current_app.extensions[key]

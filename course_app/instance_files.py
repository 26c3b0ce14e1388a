"""Files kept in the instance folder: the generated secret key."""

import os
import secrets
from pathlib import Path

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret


def load_or_create_secret_key(instance_path: str) -> str:
    """Return the instance's secret key, creating it (mode 0600) the first time.

    Creation uses O_EXCL so that two processes starting at once agree on one key.
    """
    path = Path(instance_path) / SECRET_KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key

"""Files kept in the instance folder: the generated secret key, and owner-only modes."""

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


def secure_instance_folder(instance_path: str) -> None:
    """Make the instance folder and everything in it private to its owner: 0700 folders,
    0600 files (the SQLite database holds password hashes and live reset links; the secret
    and signing keys sign sessions and certificates). Run at every start, since whatever
    created the folder (a checkout, ``cp``, a container layer) may have used a loose umask."""
    root = Path(instance_path)
    root.chmod(0o700)
    for folder, folders, files in os.walk(root):
        for name in folders:
            path = Path(folder) / name
            if not path.is_symlink():
                path.chmod(0o700)
        for name in files:
            path = Path(folder) / name
            if not path.is_symlink():
                path.chmod(0o600)


def private_file(path: str | Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist, and make it 0600 if it
    does: for files other programs then write into (SQLite, pg_dump), whatever the umask."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(descriptor)
    os.chmod(path, 0o600)

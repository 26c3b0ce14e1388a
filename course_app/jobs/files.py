"""Files that jobs produce (exports), kept in ``instance/exports`` (0700; files 0600) and
served only through the job's page, to whoever may see the job."""

import os
from collections.abc import Iterable
from pathlib import Path

from flask import current_app


def export_path(job_id: int) -> Path:
    return Path(current_app.instance_path, "exports", f"job-{job_id}.csv")


def write_export(job_id: int, text: str | Iterable[str]) -> None:
    """Write (or rewrite, when the job runs again) the job's file, complete or not at all:
    the text, or its pieces as they come (a large export is never held whole)."""
    path = export_path(job_id)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
        handle.writelines([text] if isinstance(text, str) else text)
    partial.replace(path)

"""Quality gates for pages seen in a real browser: axe-core and the Nu HTML Checker.

Browser tests need Debian's Chromium (/usr/bin/chromium) and `npm ci` (axe-core, vnu-jar).
Locally they are skipped when those are missing; in CI (CI=true) a missing tool is an error.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("COURSE_APP_CHROMIUM", "/usr/bin/chromium"))
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def require_tools() -> None:
    missing = [str(path) for path in (CHROMIUM, AXE, VNU) if not path.exists()]
    if shutil.which("java") is None:
        missing.append("java")
    if not missing:
        return
    message = f"browser-test tools missing: {', '.join(missing)} (see docs/testing.md)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page with the WCAG 2.x A/AA rules; return the violations."""
    page.add_script_tag(path=str(AXE))
    options = json.dumps({"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    result = page.evaluate(f"axe.run(document, {options})")
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


def html_errors(files: list[Path]) -> list[str]:
    """Nu HTML Checker errors (one line each) for the saved server responses."""
    if not files:
        return []
    command = ["java", "-jar", str(VNU), "--errors-only", "--format", "gnu", *map(str, files)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    return [line for line in result.stderr.splitlines() if line.strip()]

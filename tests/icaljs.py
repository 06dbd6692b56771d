"""Run Mozilla's ical.js (through node) over iCalendar texts, for cross-parser tests.

Skips with a reason when node or node_modules/ical.js is missing, unless
KINFOLK_REQUIRE_ALL=1 (CI), where a missing parser is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess  # nosec B404: runs our own script with node, no shell
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "js" / "parse_ics.mjs"


def require_icaljs() -> str:
    node = shutil.which("node")
    problem = None
    if node is None:
        problem = "node is not installed"
    elif not (ROOT / "node_modules" / "ical.js").is_dir():
        problem = "node_modules/ical.js is missing (run `npm install`)"
    if problem:
        if os.environ.get("KINFOLK_REQUIRE_ALL") == "1":
            pytest.fail(f"ical.js cross-check required (KINFOLK_REQUIRE_ALL=1) but {problem}")
        pytest.skip(f"ical.js cross-check skipped: {problem}")
    assert node is not None
    return node


def parse_with_icaljs(texts: list[str]) -> list[dict[str, Any]]:
    node = require_icaljs()
    result = subprocess.run(  # noqa: S603  # nosec B603: fixed argv
        [node, str(SCRIPT)], input=json.dumps(texts), capture_output=True, text=True, cwd=ROOT, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    parsed: list[dict[str, Any]] = json.loads(result.stdout)
    return parsed

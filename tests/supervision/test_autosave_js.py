"""The minutes page's autosave bookkeeping (frontend/js/autosave.mjs), tested in node by tests/js/autosave.test.mjs."""

from __future__ import annotations

import shutil
import subprocess  # nosec B404: runs our own test file with node, no shell

from tests.conftest import skip_or_fail
from tests.icaljs import ROOT


def test_the_autosave_loses_no_typing_in_node() -> None:
    node = shutil.which("node")
    if node is None:
        skip_or_fail("node is not installed")
    assert node is not None
    result = subprocess.run(  # noqa: S603  # nosec B603: fixed argv
        [node, "--test", str(ROOT / "tests" / "js" / "autosave.test.mjs")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# pass 6" in result.stdout

"""The layout of docs/architecture.md holds: one way dependencies, no cycles, no oversized modules.

`make lint` runs import-linter on the tree; these tests show each contract failing
when a copy of the tree is given the breach it forbids, so a contract that silently
stopped checking (a renamed app, a typo in pyproject.toml) fails here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "core", "outbox", "accounts", "families", "diary", "volunteers", "fgc", "supervision")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
MAX_MODULE_LINES = 500


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    # The copy comes first on the path, ahead of the editable install of the real tree.
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(  # noqa: S603  (our own linter on our own files)
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "pyproject.toml"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the project's packages and pyproject.toml, for planting a breach in."""
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def plant(tree: Path, module: str, line: str) -> None:
    path = tree / module
    path.write_text(path.read_text() + f"\n{line}\n")


def test_the_project_keeps_its_import_contracts(tree: Path) -> None:
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # A lower layer reaching up: core must know no domain.
        ("core/audit.py", "from families.models import Family  # noqa", "Apps depend one way"),
        # The outbox sits below accounts: it may not know roles.
        ("outbox/services.py", "from accounts.models import Role  # noqa", "Apps depend one way"),
        # Two feature apps importing each other, even one way.
        ("fgc/models/__init__.py", "import volunteers.models  # noqa", "Apps depend one way"),
        ("supervision/selectors.py", "import fgc.models  # noqa", "Apps depend one way"),
        # A cycle between two modules of one app.
        ("supervision/services/papers.py", "import supervision.services.scheduling  # noqa", "No import cycles"),
        ("families/models.py", "import families.permissions  # noqa", "No import cycles"),
    ],
)
def test_make_lint_fails_on_an_import_against_the_layout(tree: Path, module: str, line: str, broken: str) -> None:
    plant(tree, module, line)
    result = lint_imports(tree)
    assert result.returncode != 0
    assert f"{broken}" in result.stdout
    assert "BROKEN" in result.stdout


def test_no_hand_written_module_is_over_500_lines() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "*.py"],  # noqa: S607  (git from PATH, as a developer runs it)
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert tracked, "git listed no Python files"
    long = {
        name: lines
        for name in tracked
        if "/migrations/" not in name and (lines := len((ROOT / name).read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_each_app_has_the_same_shape() -> None:
    """The files docs/architecture.md promises in every domain app."""
    for app in ("core", "outbox", "accounts", "families", "diary", "supervision"):
        for part in ("apps.py", "urls.py", "views", "permissions.py", "migrations"):
            found = (ROOT / app / part).exists() or (ROOT / app / f"{part}.py").exists()
            if app == "core" and part == "permissions.py":
                continue  # core has no records of its own to guard, only the audit trail
            assert found, f"{app} has no {part}"

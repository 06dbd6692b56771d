"""`manage.py demo` builds the demo borough and can run again without duplicating it."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.demo import USERS
from accounts.models import Role, Team, User
from families.models import CareLeaver, Family


@pytest.mark.usefixtures("clamd")  # uploads a paper, which is scanned
def test_the_demo_command_is_idempotent_and_prints_a_login_for_every_role(db) -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    counts = (User.objects.count(), Family.objects.count(), CareLeaver.objects.count(), Team.objects.count())
    call_command("demo", stdout=StringIO())
    assert (User.objects.count(), Family.objects.count(), CareLeaver.objects.count(), Team.objects.count()) == counts
    printed = out.getvalue()
    for spec in USERS:
        assert spec.email in printed
    roles_held = {name for user in User.objects.all() for name in user.role_names}
    assert roles_held == {role.value for role in Role}
    assert Family.objects.filter(children__isnull=False).distinct().count() == Family.objects.count()


def test_the_printed_demo_logins_name_each_persons_teams(db) -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    lines = out.getvalue().splitlines()
    for user in User.objects.filter(email__in=[spec.email for spec in USERS]).prefetch_related("teams"):
        [line] = [line for line in lines if f" {user.email} " in line]
        for team in user.teams.all():
            assert team.name in line, f"{user.email}'s line does not name {team.name}: {line}"
        for team in user.managed_teams.all():
            assert f"manages {team.name}" in line or f"{team.name} (manager)" in line, line
        if not user.teams.exists() and not user.managed_teams.exists():
            assert line.rstrip().endswith("no team"), line


def test_the_readme_lists_the_demo_logins_as_the_demo_builds_them() -> None:
    from accounts.demo import DEMO_PASSWORD, demo_login_rows

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("### Demo logins", 1)[1].split("\n#", 1)[0]
    assert f"`{DEMO_PASSWORD}`" in section
    rows = [
        tuple(cell.strip() for cell in line.strip().strip("|").split("|"))
        for line in section.splitlines()
        if line.startswith("| ") and not line.startswith(("| email", "| ---"))
    ]
    assert rows == [row.as_table_cells() for row in demo_login_rows()]

"""`manage.py demo` builds the demo borough and can run again without duplicating it."""

from __future__ import annotations

from io import StringIO

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

"""The pages that belong to a role answer 404 to everyone else, an inactive holder of the role included."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import Client

from accounts.models import User
from accounts.permissions import is_active_user, require_role_perm

ROLE_PERMS = ["accounts.manage_users", "accounts.view_audit_log", "outbox.view_outbox"]


@pytest.mark.parametrize("perm", ROLE_PERMS)
def test_only_an_active_administrator_holds_the_administrators_permissions(
    perm: str, ada: User, alice: User, mo: User, gina: User, vic: User
) -> None:
    require_role_perm(ada, perm)
    for user in (alice, mo, gina, vic):
        with pytest.raises(Http404):
            require_role_perm(user, perm)
    with pytest.raises(Http404):
        require_role_perm(AnonymousUser(), perm)
    ada.is_active = False
    ada.save()
    with pytest.raises(Http404):
        require_role_perm(ada, perm)


def test_an_active_user_is_a_signed_in_account_that_is_not_switched_off(alice: User) -> None:
    assert is_active_user(alice)
    assert not is_active_user(None)
    assert not is_active_user(AnonymousUser())
    alice.is_active = False
    assert not is_active_user(alice)


def test_the_user_pages_answer_404_rather_than_403_to_other_roles(
    mo: User, ada: User, client_for: Callable[[User], Client]
) -> None:
    assert client_for(ada).get("/manage/users/").status_code == 200
    assert client_for(mo).get("/manage/users/").status_code == 404
    assert client_for(mo).get("/manage/audit/").status_code == 404

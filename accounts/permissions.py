"""Who may use the pages that belong to a role, and the role permissions of lower layers.

Roles are Django groups (accounts.models.Role). The apps below accounts (core's
audit log, the outbox) know no roles: they ask for a permission by name, and
this module is the one place that says which role holds it.
"""

from __future__ import annotations

from typing import Any

import rules
from django.http import Http404

from accounts.models import Role


def is_active_user(user: Any) -> bool:
    """A signed-in, active account: the first condition of every permission."""
    return bool(user is not None and user.is_authenticated and user.is_active)


has_administrator_role = rules.is_group_member(Role.ADMINISTRATOR.value)

rules.add_perm("accounts.manage_users", has_administrator_role)
rules.add_perm("accounts.view_audit_log", has_administrator_role)
rules.add_perm("outbox.view_outbox", has_administrator_role)


def require_role_perm(user: Any, perm: str) -> None:
    """For pages that belong to a role (user admin, audit log): 404 to everyone else.

    404 rather than 403 so the existence of administrative pages is not
    advertised to other roles.
    """
    if not is_active_user(user) or not user.has_perm(perm):
        raise Http404

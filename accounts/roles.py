"""The role groups and the administrator's model permissions, kept in step with `Role`.

Migration 0002 creates them on a new database; `sync_role_groups()` repairs them
anywhere else (the demo command, and tests whose database flush removed them).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from accounts.models import Role

# Model permissions the Django admin needs for the administrator's work: people,
# teams and reference data, and reading (not changing) the audit trail. Case
# records are reached only through need-to-know rules, never a model permission.
ADMINISTRATOR_PERMISSIONS = [
    ("accounts", "user", ["add", "change", "view"]),
    ("accounts", "team", ["add", "change", "delete", "view"]),
    ("families", "locality", ["add", "change", "delete", "view"]),
    ("accounts", "invitation", ["view", "change"]),
    ("core", "auditevent", ["view"]),
]


def sync_role_groups() -> None:
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    admin_group = Group.objects.get(name=Role.ADMINISTRATOR.value)
    codenames = [
        (app_label, f"{action}_{model}")
        for app_label, model, actions in ADMINISTRATOR_PERMISSIONS
        for action in actions
    ]
    for app_label, codename in codenames:
        admin_group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))

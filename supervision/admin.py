"""Group Case Supervision has no Django admin pages, on purpose.

Agendas, papers and minutes are case content: they are reached only through the
GCS pages, whose permission helpers (supervision/permissions.py) limit them to a
group's members and their managers and audit every view. Administrators, who
hold the Django admin, see no case content by default (docs/security.md).
"""

"""Core models, one module per sub-domain; import them from here."""

from core.models.audit import AuditEvent
from core.models.families import CareLeaver, Child, Family, LevelOfNeed, Locality
from core.models.users import Invitation, Role, Team, User

__all__ = [
    "AuditEvent",
    "CareLeaver",
    "Child",
    "Family",
    "Invitation",
    "LevelOfNeed",
    "Locality",
    "Role",
    "Team",
    "User",
]

"""Core models, one module per sub-domain; import them from here."""

from core.models.audit import AuditEvent
from core.models.families import CareLeaver, Child, Family, LevelOfNeed, Locality
from core.models.meetings import (
    AttendeeResponse,
    CalendarFeed,
    Meeting,
    MeetingAttendee,
    MeetingKind,
    MeetingStatus,
)
from core.models.outbox import KeptEmail, OutboxMessage, OutboxStatus
from core.models.reminders import LatePolicy, Reminder, ReminderStatus
from core.models.users import Invitation, Role, Team, User

__all__ = [
    "AttendeeResponse",
    "AuditEvent",
    "CalendarFeed",
    "CareLeaver",
    "Child",
    "Family",
    "Invitation",
    "KeptEmail",
    "LatePolicy",
    "LevelOfNeed",
    "Locality",
    "Meeting",
    "MeetingAttendee",
    "MeetingKind",
    "MeetingStatus",
    "OutboxMessage",
    "OutboxStatus",
    "Reminder",
    "ReminderStatus",
    "Role",
    "Team",
    "User",
]

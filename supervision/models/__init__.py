"""Group Case Supervision models, one module per sub-domain; import them from here."""

from supervision.models.groups import ADULT_SPECIALISMS, Discipline, GroupMember, SupervisionGroup, Weekday
from supervision.models.minutes import (
    Action,
    ActionReview,
    ActionStatus,
    MinutesEntry,
    MinutesSection,
    MinutesVersion,
)
from supervision.models.sessions import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    MinutesStatus,
    Paper,
    SessionGuest,
    SessionStatus,
    SupervisionSession,
)

__all__ = [
    "ADULT_SPECIALISMS",
    "Action",
    "ActionReview",
    "ActionStatus",
    "AgendaItem",
    "Attendance",
    "AttendanceStatus",
    "Discipline",
    "GroupMember",
    "MinutesEntry",
    "MinutesSection",
    "MinutesStatus",
    "MinutesVersion",
    "Paper",
    "SessionGuest",
    "SessionStatus",
    "SupervisionGroup",
    "SupervisionSession",
    "Weekday",
]

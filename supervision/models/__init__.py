"""Group Case Supervision models, one module per sub-domain; import them from here."""

from supervision.models.groups import ADULT_SPECIALISMS, Discipline, GroupMember, SupervisionGroup, Weekday
from supervision.models.minutes import (
    Action,
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
    SessionStatus,
    SupervisionSession,
)

__all__ = [
    "ADULT_SPECIALISMS",
    "Action",
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
    "SessionStatus",
    "SupervisionGroup",
    "SupervisionSession",
    "Weekday",
]

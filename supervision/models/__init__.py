"""Group Case Supervision models, one module per sub-domain; import them from here."""

from supervision.models.groups import (
    ADULT_SPECIALISMS,
    CalendarWork,
    Discipline,
    GroupMember,
    MembershipChange,
    SupervisionGroup,
    Weekday,
)
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
    "CalendarWork",
    "Discipline",
    "GroupMember",
    "MembershipChange",
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

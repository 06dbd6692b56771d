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
    "CalendarWork",
    "Discipline",
    "GroupMember",
    "MembershipChange",
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

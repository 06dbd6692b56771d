"""The volunteer scheme's records, one module per area.

profile: volunteers, the roles they apply for (the pipeline), dates away, declarations.
requests: practitioners' requests for a volunteer.
matches: a volunteer matched to a request, through its whole lifecycle.
"""

from volunteers.models.events import Event, EventBooking, EventKind
from volunteers.models.expenses import Expense, ExpenseKind, ExpenseStatus
from volunteers.models.lifecycle import CheckIn, CheckInSide, Contact, ContactKind, ContactOutcome, Review
from volunteers.models.matches import LIVE_MATCH_STATES, EndingReason, Match, MatchState
from volunteers.models.profile import (
    Absence,
    AgeBand,
    Declaration,
    Gender,
    LivedExperience,
    RoleApplication,
    Stage,
    Volunteer,
    VolunteerRole,
)
from volunteers.models.requests import RequestStatus, VolunteerRequest

__all__ = [
    "LIVE_MATCH_STATES",
    "Absence",
    "AgeBand",
    "CheckIn",
    "CheckInSide",
    "Contact",
    "ContactKind",
    "ContactOutcome",
    "Declaration",
    "EndingReason",
    "Event",
    "EventBooking",
    "EventKind",
    "Expense",
    "ExpenseKind",
    "ExpenseStatus",
    "Gender",
    "LivedExperience",
    "Match",
    "MatchState",
    "RequestStatus",
    "Review",
    "RoleApplication",
    "Stage",
    "Volunteer",
    "VolunteerRequest",
    "VolunteerRole",
]

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
from volunteers.models.recruitment import (
    DEFAULT_REQUIREMENTS,
    CheckRecord,
    ConversationKind,
    DbsCheck,
    DbsDecision,
    DbsLevel,
    DbsOutcome,
    Reference,
    ReferenceStatus,
    Requirement,
    RequirementKind,
    Suitability,
    SupervisionConversation,
)
from volunteers.models.requests import RequestStatus, VolunteerRequest

__all__ = [
    "DEFAULT_REQUIREMENTS",
    "LIVE_MATCH_STATES",
    "Absence",
    "AgeBand",
    "CheckIn",
    "CheckInSide",
    "CheckRecord",
    "Contact",
    "ContactKind",
    "ContactOutcome",
    "ConversationKind",
    "DbsCheck",
    "DbsDecision",
    "DbsLevel",
    "DbsOutcome",
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
    "Reference",
    "ReferenceStatus",
    "RequestStatus",
    "Requirement",
    "RequirementKind",
    "Review",
    "RoleApplication",
    "Stage",
    "Suitability",
    "SupervisionConversation",
    "Volunteer",
    "VolunteerRequest",
    "VolunteerRole",
]

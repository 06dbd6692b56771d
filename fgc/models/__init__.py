"""Family Group Conferences, one module per area.

referral: the referral, triage and allocation.
network: the family network, preparation visits, the child's voice.
preparation: the no-new-news check of the referrer's report; the child's sessions with their ambassador.
conference: venues, conferences and reviews, stages, attendance, the family plan.
support: Family Network Support Packages, budgets and approvals.
outcomes: each child's outcome at 6 and 12 months.
"""

from fgc.models.conference import (
    Conference,
    ConferenceAttendance,
    ConferenceKind,
    ConferenceStatus,
    FamilyPlan,
    PlanItem,
    ReferrerDecision,
    Stage,
    Venue,
)
from fgc.models.network import ChildVoice, InvitationStatus, NetworkMember, Participation, PreparationVisit
from fgc.models.outcomes import Living, Outcome
from fgc.models.preparation import NoNewNewsCheck, PreparationSession, SessionStatus
from fgc.models.referral import CoordinatorProfile, KeyDateKind, Referral, ReferralReason, ReferralStatus, Urgency
from fgc.models.support import ApprovalStep, Budget, PackageStatus, Purpose, Recurrence, SupportPackage

__all__ = [
    "ApprovalStep",
    "Budget",
    "ChildVoice",
    "Conference",
    "ConferenceAttendance",
    "ConferenceKind",
    "ConferenceStatus",
    "CoordinatorProfile",
    "FamilyPlan",
    "InvitationStatus",
    "KeyDateKind",
    "Living",
    "NetworkMember",
    "NoNewNewsCheck",
    "Outcome",
    "PackageStatus",
    "Participation",
    "PlanItem",
    "PreparationSession",
    "PreparationVisit",
    "Purpose",
    "Recurrence",
    "Referral",
    "ReferralReason",
    "ReferralStatus",
    "ReferrerDecision",
    "SessionStatus",
    "Stage",
    "SupportPackage",
    "Urgency",
    "Venue",
]

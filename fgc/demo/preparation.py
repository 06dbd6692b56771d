"""A family network in preparation: people in every invitation state, visits, a child's views shared, a check made."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from fgc.models import InvitationStatus, NetworkMember, Participation, Referral, ReferralStatus
from fgc.services import preparation as services
from fgc.services.preparation import MemberDetails

NETWORK = [
    MemberDetails(
        name="Margaret Hughes",
        relationship="Maternal grandmother",
        invitation_status=InvitationStatus.ATTENDING,
        phone="07700 900101",
        address="12 Elm Road\nKinfolk Borough",
        access_needs="Wheelchair user: ground floor room",
    ),
    MemberDetails(
        name="Tomasz Nowak",
        relationship="Paternal uncle",
        invitation_status=InvitationStatus.CONTACTED,
        phone="07700 900102",
        interpreter_language="Polish",
    ),
    MemberDetails(
        name="Jade Carter",
        relationship="Family friend (neighbour)",
        invitation_status=InvitationStatus.TO_CONTACT,
        email="jade.carter@example.com",
        childcare_needed=True,
    ),
    MemberDetails(
        name="Sunita Patel",
        relationship="Godmother",
        invitation_status=InvitationStatus.CONTACTED,
        email="sunita.patel@example.com",
    ),
    MemberDetails(
        name="Lee Hughes",
        relationship="Maternal uncle",
        invitation_status=InvitationStatus.DECLINED,
        phone="07700 900104",
    ),
    MemberDetails(
        name="Ryan Price",
        relationship="Mother's former partner",
        invitation_status=InvitationStatus.NOT_INVITED,
        safety_note="A non-molestation order protects the mother: do not invite or share the date or venue.",
    ),
]


@transaction.atomic
def build() -> list[str]:
    """The coordinator's preparing referral gets its network; nothing to print."""
    if NetworkMember.objects.exists():
        return []
    referral = (
        Referral.objects.filter(status=ReferralStatus.PREPARING, coordinator__isnull=False)
        .select_related("coordinator")
        .order_by("pk")
        .first()
    )
    if referral is None or referral.coordinator is None:
        return []
    nia = referral.coordinator
    members = [services.add_network_member(referral=referral, by=nia, details=d) for d in NETWORK]
    today = timezone.localdate()
    services.log_visit(
        referral=referral, by=nia, visited_on=today, member=members[0], notes="Keen to host the conference."
    )
    # Tomasz, contacted, becomes visited; every invitation state is then on show.
    services.log_visit(
        referral=referral, by=nia, visited_on=today, member=members[1], notes="With an interpreter; wants to help."
    )
    children = list(referral.children.order_by("date_of_birth"))
    if children:
        eldest = children[-1]
        services.log_visit(referral=referral, by=nia, visited_on=today, child=eldest, notes="Met at school.")
        voice = services.record_child_voice(
            referral=referral,
            child=eldest,
            by=nia,
            participation=Participation.PART,
            views="I want to live with mum but I like staying at nan's at the weekend. "
            "I don't want to be there when they talk about dad.",
        )
        services.share_child_voice(voice=voice, by=nia)
        # No ambassador request here: the volunteer scheme's own demo owns its requests and matches
        # (an extra open FGC request upsets its matching board when the demo runs twice).
    services.record_no_new_news(
        referral=referral, by=nia, note="Read the referrer's report with mum; nothing in it was new to her."
    )
    return []

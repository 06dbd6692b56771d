"""The matching demo: open requests, a board with proposals, one accepted; idempotent."""

from __future__ import annotations

import pytest

from families.demo import build_demo_borough
from volunteers.demo import matching, recruitment
from volunteers.matching.board import build_board
from volunteers.models import Match, MatchState, VolunteerRequest


@pytest.mark.django_db
def test_the_demo_has_open_requests_a_board_with_proposals_and_one_accepted_and_can_run_twice() -> None:
    build_demo_borough()
    recruitment.build()  # the approved volunteers the board weighs, through the recruitment services
    assert matching.build()
    assert VolunteerRequest.objects.count() == len(matching.REQUESTS)
    match = Match.objects.get()
    assert match.state == MatchState.PROPOSED and match.reasons and match.approval_note
    board = build_board()
    assert len(board.requests) == len(matching.REQUESTS) - 1
    assert any(p.volunteer_id for p in board.proposals())
    assert matching.build() == []
    assert VolunteerRequest.objects.count() == len(matching.REQUESTS) and Match.objects.count() == 1

"""One request's ranked list: every volunteer the hard rules allow, best first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db.models import Q

from volunteers.matching.eligibility import eligible_volunteers
from volunteers.matching.scoring import Candidates, Line, Scores, score
from volunteers.models import Match, VolunteerRequest


@dataclass(frozen=True)
class Candidate:
    volunteer_id: int
    name: str
    score: int
    lines: list[Line]


def worked_with(request: VolunteerRequest) -> Q:
    """Matches that started with the same family or young person (continuity)."""
    if request.family_id is not None:
        return Q(request__family_id=request.family_id)
    return Q(request__care_leaver_id=request.care_leaver_id)


def worked_before_mask(request: VolunteerRequest, cands: Candidates) -> np.ndarray:
    ids = Match.objects.filter(worked_with(request), started_on__isnull=False).values_list("volunteer_id", flat=True)
    return np.isin(cands.ids, np.fromiter(set(ids), dtype=np.int64))


@dataclass
class Ranking:
    scores: Scores
    order: np.ndarray  # candidate indices, best first (ties: the longest-standing volunteer first)

    def __len__(self) -> int:
        return len(self.order)

    def candidate(self, i: int) -> Candidate:
        cands = self.scores.cands
        return Candidate(int(cands.ids[i]), cands.name(i), int(self.scores.total[i]), self.scores.lines(i))

    def top(self, n: int) -> list[Candidate]:
        return [self.candidate(int(i)) for i in self.order[:n]]

    def index_of(self, volunteer_id: int) -> int | None:
        where = np.flatnonzero(self.scores.cands.ids == volunteer_id)
        return int(where[0]) if where.size else None

    def position_of(self, volunteer_id: int) -> int | None:
        """1 for the top of the list."""
        i = self.index_of(volunteer_id)
        return None if i is None else int(np.flatnonzero(self.order == i)[0]) + 1


def rank(request: VolunteerRequest, *, today: dt.date | None = None) -> Ranking:
    """Two queries, whatever the number of volunteers: the eligible ones, and who worked with the family."""
    cands = Candidates.of(eligible_volunteers(request, today=today))
    scores = score(request, cands, worked_before=worked_before_mask(request, cands))
    order = np.lexsort((cands.ids, -scores.total))
    return Ranking(scores=scores, order=order)

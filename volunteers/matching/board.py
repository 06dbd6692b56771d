"""The matching board: every request awaiting a match, and the best assignment of them all.

A fixed number of queries whatever the size (requests, volunteers, their approvals,
declarations, absences and past matches): the request-independent hard rules in the
database (`eligibility.board_volunteers`), the rest as numpy masks over the rows fetched,
by the same definitions as `eligibility.eligible_volunteers`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone

from volunteers.matching import assignment
from volunteers.matching.eligibility import board_volunteers, born_on_or_before, min_age, requests_awaiting_match
from volunteers.matching.scoring import Candidates, score
from volunteers.models import Absence, Declaration, Match, RoleApplication, Stage, VolunteerRequest


@dataclass(frozen=True)
class Proposal:
    request: VolunteerRequest
    volunteer_id: int | None
    volunteer_name: str
    score: int
    best_score: int  # the request's top score, were it alone
    eligible: int  # how many volunteers the hard rules allow


@dataclass
class Board:
    requests: list[VolunteerRequest]
    cands: Candidates
    scores: np.ndarray  # requests x volunteers, -1 where a hard rule forbids
    optimal: np.ndarray
    greedy: np.ndarray

    @property
    def optimal_total(self) -> int:
        return assignment.total(self.scores, self.optimal)

    @property
    def greedy_total(self) -> int:
        return assignment.total(self.scores, self.greedy)

    def proposals(self) -> list[Proposal]:
        out = []
        for r, request in enumerate(self.requests):
            v = int(self.optimal[r])
            row = self.scores[r]
            out.append(
                Proposal(
                    request=request,
                    volunteer_id=int(self.cands.ids[v]) if v >= 0 else None,
                    volunteer_name=self.cands.name(v) if v >= 0 else "",
                    score=int(row[v]) if v >= 0 else 0,
                    best_score=int(row.max()) if row.size else -1,
                    eligible=int((row >= 0).sum()),
                )
            )
        return out


def board_requests() -> QuerySet[VolunteerRequest]:
    """Oldest first: the order a first-come-first-served coordinator would take them in."""
    return (
        requests_awaiting_match()
        .select_related("family__locality", "care_leaver__locality")
        .order_by("created_at", "pk")
    )


def _positions(cands: Candidates, pairs: list[tuple[int, int | None]]) -> dict[int, list[int]]:
    """key -> candidate indices, from (volunteer_id, key) pairs."""
    where = {int(v): i for i, v in enumerate(cands.ids)}
    out: dict[int, list[int]] = defaultdict(list)
    for volunteer_id, key in pairs:
        if key is not None and volunteer_id in where:
            out[key].append(where[volunteer_id])
    return out


def _mask(n: int, *groups: list[int]) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    for group in groups:
        mask[group] = True
    return mask


def eligibility_matrix(requests: list[VolunteerRequest], cands: Candidates) -> np.ndarray:
    """requests x volunteers: True where every hard rule allows the pair."""
    # Rows for volunteers who are not candidates are skipped below: cheaper than naming thousands of ids.
    n, ids = len(cands), cands.ids.tolist()
    approvals = RoleApplication.objects.filter(
        role__in={r.role for r in requests}, stage=Stage.APPROVED, volunteer__left_on__isnull=True
    ).values_list("volunteer_id", "role", "approved_until")
    until: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(n, dtype=np.int64))
    where = {v: i for i, v in enumerate(ids)}
    for volunteer_id, role, approved_until in approvals:
        if volunteer_id not in where:
            continue
        until[role][where[volunteer_id]] = approved_until.toordinal() if approved_until else 0
    declared = list(
        Declaration.objects.filter(volunteer__left_on__isnull=True).values_list(
            "volunteer_id", "family_id", "care_leaver_id", "care_leaver__family_id"
        )
    )
    by_family = _positions(cands, [(d[0], d[1]) for d in declared])
    by_leaver = _positions(cands, [(d[0], d[2]) for d in declared])
    by_leavers_family = _positions(cands, [(d[0], d[3]) for d in declared])
    days = {r.wanted_from for r in requests}
    absences = (
        list(
            Absence.objects.filter(ends_on__gte=min(days), starts_on__lte=max(days)).values_list(
                "volunteer_id", "starts_on", "ends_on"
            )
        )
        if days
        else []
    )
    away = {day: _mask(n, [where[v] for v, s, e in absences if s <= day <= e and v in where]) for day in days}
    matrix = np.zeros((len(requests), n), dtype=bool)
    for r, request in enumerate(requests):
        ok = until[request.role] >= request.expected_end.toordinal()
        ok &= (cands.born > 0) & (
            cands.born <= born_on_or_before(request.wanted_from, min_age(request.role)).toordinal()
        )
        if request.family_id is not None:
            conflict = _mask(n, by_family[request.family_id], by_leavers_family[request.family_id])
        else:
            leaver_family = request.care_leaver.family_id if request.care_leaver else None
            conflict = _mask(n, by_leaver[request.care_leaver_id or 0], by_family[leaver_family or 0])
        matrix[r] = ok & ~conflict & ~away[request.wanted_from]
    return matrix


def continuity_matrix(requests: list[VolunteerRequest], cands: Candidates) -> list[np.ndarray]:
    started = list(
        Match.objects.filter(volunteer__left_on__isnull=True, started_on__isnull=False).values_list(
            "volunteer_id", "request__family_id", "request__care_leaver_id"
        )
    )
    by_family = _positions(cands, [(m[0], m[1]) for m in started])
    by_leaver = _positions(cands, [(m[0], m[2]) for m in started])
    n = len(cands)
    return [
        _mask(n, by_family[r.family_id]) if r.family_id is not None else _mask(n, by_leaver[r.care_leaver_id or 0])
        for r in requests
    ]


def build_board(*, today: dt.date | None = None, requests: list[VolunteerRequest] | None = None) -> Board:
    today = today or timezone.localdate()
    requests = list(board_requests()) if requests is None else requests
    roles = {r.role for r in requests}
    cands = Candidates.of(board_volunteers(roles, today=today)) if roles else Candidates([])
    scores = np.full((len(requests), len(cands)), -1, dtype=np.int64)
    if requests and len(cands):
        allowed = eligibility_matrix(requests, cands)
        worked = continuity_matrix(requests, cands)
        for r, request in enumerate(requests):
            scores[r] = np.where(allowed[r], score(request, cands, worked_before=worked[r]).total, -1)
    return Board(
        requests=requests,
        cands=cands,
        scores=scores,
        optimal=assignment.optimal(scores, cands.remaining),
        greedy=assignment.greedy(scores, cands.remaining),
    )

"""Assigning many requests to volunteers with capacities, from a matrix of scores.

`scores[r, v]` is request r's score for volunteer v, or -1 where a hard rule forbids
the pair; `remaining[v]` is how many more matches volunteer v can take.

The optimal assignment is a rectangular linear assignment problem once each volunteer's
column is repeated as many times as they have room (a capacitated assignment is exactly
that: a copy per place). `scipy.optimize.linear_sum_assignment` (shortest augmenting
paths, exact) solves it. A min-cost flow would avoid the copies, but needs a graph
library and integer capacities on every edge; with capacities of 1 to 10 and copies
capped at the number of requests a volunteer could take, the matrix stays small and
the solver is a single C call. One zero-cost "leave unmatched" column per request means
a request with no eligible volunteer never takes a place another request could use.
Eligible pairs always score at least `scoring.ELIGIBLE_POINTS` (> 0), so maximising the
total never leaves a request unmatched to gain points elsewhere, and the greedy
assignment, being a feasible one, can never total more.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

UNMATCHED = -1


def optimal(scores: np.ndarray, remaining: np.ndarray) -> np.ndarray:
    """For each request, the index of its volunteer in the best assignment, or UNMATCHED."""
    n_requests, _ = scores.shape
    assigned = np.full(n_requests, UNMATCHED, dtype=np.int64)
    eligible = scores >= 0
    copies = np.minimum(np.maximum(remaining, 0), eligible.sum(axis=0))
    columns = np.repeat(np.arange(scores.shape[1]), copies)
    if n_requests == 0 or columns.size == 0:
        return assigned
    cost = np.zeros((n_requests, columns.size + n_requests))
    cost[:, : columns.size] = -np.maximum(scores[:, columns], 0)
    rows, cols = linear_sum_assignment(cost)
    for r, c in zip(rows, cols, strict=True):
        if c < columns.size and eligible[r, columns[c]]:
            assigned[r] = columns[c]
    return assigned


def greedy(scores: np.ndarray, remaining: np.ndarray) -> np.ndarray:
    """First come, first served: each request in turn takes its best volunteer still with room."""
    room = np.maximum(remaining, 0).copy()
    assigned = np.full(scores.shape[0], UNMATCHED, dtype=np.int64)
    for r in range(scores.shape[0]):
        row = np.where((scores[r] >= 0) & (room > 0), scores[r], -1)
        if row.size and (v := int(np.argmax(row))) >= 0 and row[v] >= 0:
            assigned[r] = v
            room[v] -= 1
    return assigned


def total(scores: np.ndarray, assigned: np.ndarray) -> int:
    rows = np.flatnonzero(assigned != UNMATCHED)
    return int(scores[rows, assigned[rows]].sum())

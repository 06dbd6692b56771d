"""The optimal assignment, on random score matrices: feasible, never below greedy, truly optimal."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from volunteers.matching import assignment
from volunteers.matching.assignment import UNMATCHED


@st.composite
def problems(draw: st.DrawFn, max_requests: int = 8, max_volunteers: int = 8) -> tuple[np.ndarray, np.ndarray]:
    r = draw(st.integers(0, max_requests))
    v = draw(st.integers(1, max_volunteers))
    # -1: a hard rule forbids the pair; eligible pairs score at least 10 (scoring.ELIGIBLE_POINTS).
    scores = draw(arrays(np.int64, (r, v), elements=st.one_of(st.just(-1), st.integers(10, 110))))
    remaining = draw(arrays(np.int64, (v,), elements=st.integers(0, 3)))
    return scores, remaining


def feasible(scores: np.ndarray, remaining: np.ndarray, assigned: np.ndarray) -> bool:
    used = np.bincount(assigned[assigned != UNMATCHED], minlength=scores.shape[1])
    pairs_ok = all(scores[r, v] >= 0 for r, v in enumerate(assigned) if v != UNMATCHED)
    return pairs_ok and bool((used <= remaining).all())


def brute_force_best(scores: np.ndarray, remaining: np.ndarray) -> int:
    n_requests, n_volunteers = scores.shape
    best = 0
    for choice in itertools.product(range(-1, n_volunteers), repeat=n_requests):
        assigned = np.array(choice, dtype=np.int64)
        if feasible(scores, remaining, assigned):
            best = max(best, assignment.total(scores, assigned))
    return best


@settings(max_examples=300, deadline=None)
@given(problems())
def test_the_optimal_assignment_breaks_no_rule_and_never_totals_less_than_greedy(
    problem: tuple[np.ndarray, np.ndarray],
) -> None:
    scores, remaining = problem
    optimal = assignment.optimal(scores, remaining)
    greedy = assignment.greedy(scores, remaining)
    assert feasible(scores, remaining, optimal)
    assert feasible(scores, remaining, greedy)
    assert assignment.total(scores, optimal) >= assignment.total(scores, greedy)


@settings(max_examples=150, deadline=None)
@given(problems(max_requests=4, max_volunteers=3))
def test_the_optimal_assignment_is_as_good_as_trying_every_assignment(problem: tuple[np.ndarray, np.ndarray]) -> None:
    scores, remaining = problem
    assert assignment.total(scores, assignment.optimal(scores, remaining)) == brute_force_best(scores, remaining)


def test_the_board_beats_first_come_first_served_when_the_first_request_takes_the_only_fit_for_the_second() -> None:
    # Request 0 likes both volunteers almost equally; request 1 can only have volunteer 0.
    scores = np.array([[60, 55], [50, -1]])
    remaining = np.array([1, 1])
    assert assignment.greedy(scores, remaining).tolist() == [0, UNMATCHED]
    assert assignment.optimal(scores, remaining).tolist() == [1, 0]
    assert assignment.total(scores, assignment.optimal(scores, remaining)) == 105


def test_a_volunteer_with_room_for_two_takes_two_requests() -> None:
    scores = np.array([[40], [30], [20]])
    assert sorted(assignment.optimal(scores, np.array([2])).tolist()) == [UNMATCHED, 0, 0]

"""Matching volunteers to requests.

eligibility: the hard rules, in the database. scoring: points that explain themselves,
for every candidate at once. ranking: one request's ranked list. assignment: the optimal
(and, for comparison, the greedy) assignment of many requests with capacities. board: the
matching board, all open requests at once.
"""

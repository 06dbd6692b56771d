"""Writes in Family Group Conferences, one module per area."""

"""Volunteers models."""

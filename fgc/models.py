"""Family Group Conferences models."""

"""Group Case Supervision models."""

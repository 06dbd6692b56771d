"""Benchmarks (docs/performance.md) and the mutation runner (docs/testing.md)."""

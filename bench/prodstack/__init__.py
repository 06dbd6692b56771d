"""The production stack, run: `make prodstack` (docs/deploy.md, "The production-stack check")."""

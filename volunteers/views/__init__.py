"""The volunteer scheme's pages, one module per area."""

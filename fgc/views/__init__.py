"""Family Group Conference pages, one module per area."""

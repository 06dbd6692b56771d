"""FGC demo data, one module per area, each built through the services."""

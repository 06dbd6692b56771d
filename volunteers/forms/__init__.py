"""The volunteer scheme's forms, one module per area: they parse and validate, services act."""

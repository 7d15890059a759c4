"""The Reports API v2 dialect: bare report objects, ``{"error": {...}}`` errors, token-only auth."""

"""Business rules. No FastAPI imports and no wire names here."""

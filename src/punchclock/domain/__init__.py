"""Business rules. No FastAPI imports and no wire names here."""

# Registers the flush listener that keeps every time entry's resolved rate current.
from punchclock.domain import rates as rates

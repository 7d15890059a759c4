"""Report computation over time entries (no HTTP): one filter builder, SQL aggregates, result dataclasses."""

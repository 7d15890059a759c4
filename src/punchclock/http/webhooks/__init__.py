"""Webhooks API v1 (v9 contract 70-): subscription management; errors as JSON strings."""

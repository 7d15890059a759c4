"""Reports API v3 (v9 contract 60-): JSON bodies in, the shared report builder, JSON strings as errors."""

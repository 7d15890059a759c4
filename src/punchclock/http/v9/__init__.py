"""API v9 (v9 contract ``/work/shared/spec/v9``): parsing and rendering over the same domain services as v8."""

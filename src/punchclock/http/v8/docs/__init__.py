"""The published v8 contract (``/openapi.json``): parameters, request bodies and 200 answers.

The v8 handlers read their bodies through ``deps.Body`` and return ready ``Response`` objects, so
FastAPI can infer neither. The routes attach what this package describes through decorator
arguments only (``responses=``, ``openapi_extra=``, annotated parameters), leaving handler logic alone:

* ``objects``: the resources as the server renders them (null fields omitted, so mostly optional);
* ``answers``: the envelopes around them (``{"data": …}``, mass answers, ``GET /me``);
* ``bodies``: the request bodies, derived from the input models of ``http/v8/schemas``;
* ``params``: path and query parameter annotations;
* ``ops``: the glue that turns those into decorator arguments.

Component names carry a ``V8`` prefix so that they never collide with the Reports dialect's.
"""

"""Webhooks (v9 contract 70-): the event outbox written with each change, and its signed delivery.

- ``changes``: what a transaction changed, collected per session (ORM flushes and explicit records);
- ``outbox``: at commit, one event per change and one delivery per matching, permitted subscription;
- ``dispatcher``: the delivery loop inside every ``punchclock serve`` worker (database leases);
- ``sender``, ``addresses``, ``envelope``: one signed POST to a vetted public address;
- ``subscriptions``: the management rules behind ``/webhooks/api/v1`` and ``punchclock webhooks``.
"""

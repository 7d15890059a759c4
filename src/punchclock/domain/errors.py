"""Domain errors: a stable ``code`` plus context; each HTTP dialect owns wording and status.

    DomainError
    ├── NotFound          the thing does not exist or the actor may not know it exists
    ├── Invalid           a create/update failed validation (v8 answers 404, as documented)
    ├── Malformed         the request itself is unreadable: bad JSON, bad query value, bad id list
    ├── Unauthenticated   no or wrong credentials
    ├── Forbidden         authenticated, visible, but not allowed
    ├── PaymentRequired   the feature needs a premium workspace
    ├── Conflict          the thing is not in a state that allows it (v9: stopping a stopped entry)
    └── RateLimited       too many requests; ``retry_after`` in whole seconds
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    def __init__(self, code: str, **ctx: Any) -> None:
        super().__init__(code)
        self.code = code
        self.ctx = ctx


class NotFound(DomainError):
    pass


class Invalid(DomainError):
    """Validation failure; ``Invalid.many`` carries several codes at once."""

    def __init__(self, code: str, **ctx: Any) -> None:
        super().__init__(code, **ctx)
        self.codes: list[tuple[str, dict[str, Any]]] = [(code, ctx)]

    @classmethod
    def many(cls, codes: list[tuple[str, dict[str, Any]]]) -> Invalid:
        err = cls(codes[0][0], **codes[0][1])
        err.codes = list(codes)
        return err


class Malformed(DomainError):
    pass


class Unauthenticated(DomainError):
    pass


class Forbidden(DomainError):
    pass


class PaymentRequired(DomainError):
    pass


class Conflict(DomainError):
    pass


class RateLimited(DomainError):
    def __init__(self, retry_after: int) -> None:
        super().__init__("rate_limited", retry_after=retry_after)
        self.retry_after = retry_after

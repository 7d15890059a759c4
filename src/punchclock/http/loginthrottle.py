"""Throttling of failed logins: password guessing gets 429 long before it gets anywhere.

Two leaky buckets (GCRA, `http/ratelimit.py`) count failures only, each ``failures / window`` drained
with a capacity of ``failures``: after that many failures in a burst the next attempt waits
``window / failures`` seconds (90 s with the defaults, 10 failures per 900 s), and so on steadily.

* (account, client IP), ``PUNCHCLOCK_LOGIN_FAILURES`` (10): stops guessing one account's password.
  The account is the user name as sent (e-mail, lower-cased), so an unknown or disabled e-mail is
  throttled exactly like a known one: nothing tells whether the account exists. Only that pair is
  blocked, so nobody can lock the rightful user out from another address.
* client IP over all accounts, ``PUNCHCLOCK_LOGIN_IP_FAILURES`` (100): stops trying one password
  on many accounts. It is higher because a NAT puts many honest users behind one address.

A password attempt is checked *before* the password: while blocked, even the right password gets
429 (else guessing would go on, 429 just meaning "wrong"), and no argon2 runs. API tokens and
session cookies carry 128 random bits, beyond guessing: they are never checked beforehand, so a
valid one works from a blocked address, but each failed one is charged to its IP's bucket and is
answered 429 once that bucket is full. A failed token falls back to a password check (00- §5.2)
and is charged as such. Successes charge nothing, and failures never touch the caller's request
buckets (00- §9).

Not covered: a botnet spreading guesses on one account over many addresses gets 10 per address per
window. An account-wide limit would stop it but would let anyone lock any account (we chose not to).

Buckets live in the limiter's storage: Redis when configured (shared by all workers, per-process
buckets while Redis is down), else memory. ``PUNCHCLOCK_LOGIN_THROTTLE=false`` switches this off; it
does not follow ``PUNCHCLOCK_RATE_LIMIT``, which private deployments turn off for their own clients.
"""

from __future__ import annotations

from dataclasses import dataclass

from punchclock.config import Settings
from punchclock.domain.errors import RateLimited
from punchclock.http.ratelimit import Limiter, MemoryLimiter, NoLimiter, Rate, RedisLimiter


@dataclass(frozen=True, slots=True)
class LoginThrottle:
    limiter: Limiter
    per_account: Rate
    per_ip: Rate

    @classmethod
    def from_settings(cls, settings: Settings, request_limiter: Limiter) -> LoginThrottle:
        window = settings.login_window_seconds
        return cls(
            limiter=_storage(settings, request_limiter),
            per_account=Rate(settings.login_failures / window, settings.login_failures),
            per_ip=Rate(settings.login_ip_failures / window, settings.login_ip_failures),
        )

    def check(self, ip: str, account: str) -> None:
        """Before a password is verified: 429 while this (account, IP) or this IP is blocked."""
        _raise_if(max(self.limiter.peek(key, rate) for key, rate in self._buckets(ip, account)))

    def failed(self, ip: str, account: str | None) -> None:
        """Charge one failure (``account`` None: token, cookie, malformed header); 429 when it was one too many."""
        _raise_if(max(self.limiter.hit(key, rate) for key, rate in self._buckets(ip, account)))

    def _buckets(self, ip: str, account: str | None) -> list[tuple[str, Rate]]:
        buckets = [(f"login:ip:{ip}", self.per_ip)]
        if account is not None:
            buckets.append((f"login:a:{account}:{ip}", self.per_account))
        return buckets


def account_key(name: str) -> str:
    """The account part of a bucket key, normalised as the e-mail lookup is."""
    return name.strip().lower()


def _storage(settings: Settings, request_limiter: Limiter) -> Limiter:
    if not settings.login_throttle:
        return NoLimiter()
    if not isinstance(request_limiter, NoLimiter):
        return request_limiter  # the request buckets' storage, Redis fallback included
    return RedisLimiter(settings.redis_url) if settings.redis_url else MemoryLimiter()


def _raise_if(wait: int) -> None:
    if wait:
        raise RateLimited(wait)

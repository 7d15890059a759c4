"""When a failed delivery is tried again (70- §8.3, V-41): ten attempts over about 27 hours, then ``failed``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

#: Seconds to wait after failed attempt n (n = 1…9); the 10th failure is final.
SCHEDULE = (30, 120, 600, 1800, 3600, 7200, 14400, 28800, 43200)
MAX_ATTEMPTS = len(SCHEDULE) + 1
JITTER = 0.10


def delay_after(attempts: int, *, scale: float, rand: Callable[[], float]) -> timedelta | None:
    """The wait after ``attempts`` failed attempts, ±10 % (``rand()`` in [0, 1); 0.5 = none); ``None``: give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    factor = 1 + JITTER * (2 * rand() - 1)
    return timedelta(seconds=SCHEDULE[attempts - 1] * factor * scale)

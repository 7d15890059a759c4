"""CSRF tokens: an HMAC of the cookie secret the browser holds (the session, or before sign-in a pre-session).

Both cookies are ``HttpOnly`` and ``SameSite=Lax``: a page on another site can neither read them nor
learn the token, and every state change (every non-GET web request) must carry it, as the form field
``csrf`` or, from the page's scripts, the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

import hashlib
import hmac

from punchclock.domain.security import same

FIELD = "csrf"
HEADER = "x-csrf-token"


def token_for(secret: str) -> str:
    return hmac.new(secret.encode(), b"punchclock web csrf", hashlib.sha256).hexdigest()


def valid(secret: str | None, sent: str | None) -> bool:
    if not secret or not sent:
        return False
    return same(token_for(secret), sent)

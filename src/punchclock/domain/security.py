"""Secrets: argon2id password hashes, random tokens, constant-time comparison."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
# A fixed hash to verify against when the e-mail is unknown, so that timing does not tell
# whether an account exists.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_api_token() -> str:
    """32 lowercase hex characters (128 random bits), the v8 token format."""
    return secrets.token_hex(16)


def new_session_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What is stored for a session cookie: its SHA-256, so a database leak yields no live session."""
    return hashlib.sha256(secret.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())

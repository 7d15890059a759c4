"""The production password hasher and token formats (conftest swaps in a cheap hasher for speed)."""

from __future__ import annotations

import importlib
import re

from argon2 import Type, extract_parameters

import punchclock.domain.security as security_module


def test_production_hasher_is_argon2id_with_recommended_parameters() -> None:
    fresh = importlib.reload(security_module)
    try:
        params = extract_parameters(fresh.hash_password("pw"))
        assert params.type is Type.ID
        assert (params.time_cost, params.memory_cost, params.parallelism) == (3, 65536, 4)
        assert fresh.verify_password(fresh.hash_password("pw"), "pw") is True
        assert fresh.verify_password(fresh.hash_password("pw"), "other") is False
        assert fresh.verify_password(None, "pw") is False
    finally:
        # Put the fast test hasher back for the rest of the session.
        from argon2 import PasswordHasher
        fresh._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        fresh._DUMMY_HASH = fresh._hasher.hash("dummy")


def test_tokens_are_random_hex_and_sessions_are_digested() -> None:
    a, b = security_module.new_api_token(), security_module.new_api_token()
    assert re.fullmatch(r"[0-9a-f]{32}", a) and a != b
    assert security_module.digest("x") == "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
    assert security_module.same("abc", "abc") and not security_module.same("abc", "abd")

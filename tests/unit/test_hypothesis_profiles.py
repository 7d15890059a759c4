"""The Hypothesis profiles of tests/conftest.py: "ci" never shrinks and is chosen automatically in CI."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, settings

from tests.conftest import hypothesis_profile


@pytest.mark.parametrize(("env", "profile"), [
    ({}, "dev"),
    ({"CI": "true"}, "ci"),
    ({"CI": "1"}, "ci"),
    ({"CI": "false"}, "dev"),
    ({"CI": ""}, "dev"),
    ({"PUNCHCLOCK_TEST_REQUIRE_PG": "1"}, "ci"),
    ({"PUNCHCLOCK_TEST_REQUIRE_PG": "0"}, "dev"),
    ({"CI": "true", "HYPOTHESIS_PROFILE": "dev"}, "dev"),
    ({"HYPOTHESIS_PROFILE": "ci"}, "ci"),
])
def test_profile_choice(env: dict[str, str], profile: str) -> None:
    assert hypothesis_profile(env) == profile


def test_ci_profile_generates_but_never_shrinks() -> None:
    ci = settings.get_profile("ci")
    assert tuple(ci.phases) == (Phase.explicit, Phase.reuse, Phase.generate, Phase.target)
    assert (ci.deadline, ci.print_blob, ci.database) == (None, True, None)
    assert list(ci.suppress_health_check) == [HealthCheck.too_slow]


def test_the_running_profile_follows_the_environment() -> None:
    """Under `.ci/run` (PUNCHCLOCK_TEST_REQUIRE_PG=1) the suite runs with the ci profile, shrink phase off."""
    expected = hypothesis_profile(os.environ)
    assert settings.default == settings.get_profile(expected)  # type: ignore[comparison-overlap]
    assert (Phase.shrink in settings.default.phases) is (expected != "ci")

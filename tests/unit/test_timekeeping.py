"""Pure start/stop/duration rules (40-time-entries §3.2, §3.4, §5, §7.1)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from punchclock.domain import timekeeping as tk
from punchclock.domain.errors import Invalid
from punchclock.domain.timekeeping import Times


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


START = t("2023-10-02T07:00:00")


class TestEpochAndWireDuration:
    def test_epoch_of_documented_example(self) -> None:
        assert tk.epoch(START) == 1696230000

    def test_running_entry_shows_negative_epoch_of_start(self) -> None:
        assert tk.wire_duration(START, None, 0) == -1696230000

    def test_stopped_entry_shows_stored_seconds(self) -> None:
        assert tk.wire_duration(START, t("2023-10-02T08:30:00"), 5400) == 5400


class TestOnCreate:
    def test_duration_gives_stop(self) -> None:
        assert tk.on_create(START, None, 5400) == Times(START, t("2023-10-02T08:30:00"), 5400)

    def test_zero_duration_is_stopped_at_start(self) -> None:
        assert tk.on_create(START, None, 0) == Times(START, START, 0)

    def test_stop_wins_over_sent_duration(self) -> None:
        assert tk.on_create(START, t("2023-10-02T08:30:00"), 1240) == Times(START, t("2023-10-02T08:30:00"), 5400)

    @pytest.mark.parametrize("duration", [-1, -1696230000, -5])
    def test_any_negative_duration_means_running(self, duration: int) -> None:
        times = tk.on_create(START, None, duration)
        assert times == Times(START, None, 0)
        assert times.running

    def test_neither_stop_nor_duration(self) -> None:
        with pytest.raises(Invalid) as exc:
            tk.on_create(START, None, None)
        assert exc.value.code == "duration_blank"

    def test_stop_before_start(self) -> None:
        with pytest.raises(Invalid) as exc:
            tk.on_create(START, t("2023-10-02T06:59:59"), None)
        assert exc.value.code == "stop_before_start"

    @pytest.mark.parametrize("start", ["1969-12-31T23:59:59", "2101-01-01T00:00:00"])
    def test_start_year_out_of_range(self, start: str) -> None:
        with pytest.raises(Invalid) as exc:
            tk.on_create(t(start), None, 60)
        assert exc.value.code == "start_year"

    @pytest.mark.parametrize("start", ["1970-01-01T00:00:00", "2100-12-31T23:59:59"])
    def test_start_year_bounds_are_inclusive(self, start: str) -> None:
        assert tk.on_create(t(start), None, 60).duration == 60

    def test_duration_longer_than_the_column_holds(self) -> None:
        assert tk.on_create(START, None, tk.MAX_DURATION).duration == 2147483647
        with pytest.raises(Invalid) as exc:
            tk.on_create(START, None, tk.MAX_DURATION + 1)
        assert exc.value.code == "duration_too_long"
        with pytest.raises(Invalid) as exc:
            tk.on_create(t("1970-01-01T00:00:00"), t("2100-01-01T00:00:00"), None)
        assert exc.value.code == "duration_too_long"

    def test_huge_duration_does_not_overflow(self) -> None:
        with pytest.raises(Invalid):
            tk.on_create(START, None, 10**30)


class TestOnUpdate:
    STOPPED = Times(START, t("2023-10-02T08:30:00"), 5400)
    RUNNING = Times(START, None, 0)

    def test_nothing_sent_changes_nothing(self) -> None:
        assert tk.on_update(self.STOPPED, None, None, None) == self.STOPPED
        assert tk.on_update(self.RUNNING, None, None, None) == self.RUNNING

    def test_only_start_moves_a_stopped_entry_keeping_its_duration(self) -> None:
        new = t("2023-10-03T10:00:00")
        assert tk.on_update(self.STOPPED, new, None, None) == Times(new, t("2023-10-03T11:30:00"), 5400)

    def test_only_start_keeps_a_running_entry_running(self) -> None:
        new = t("2023-10-02T06:00:00")
        assert tk.on_update(self.RUNNING, new, None, None) == Times(new, None, 0)

    def test_stop_wins_and_uses_the_new_start(self) -> None:
        result = tk.on_update(self.STOPPED, t("2023-10-02T08:00:00"), t("2023-10-02T09:00:00"), 10)
        assert result == Times(t("2023-10-02T08:00:00"), t("2023-10-02T09:00:00"), 3600)

    def test_stop_before_new_start(self) -> None:
        with pytest.raises(Invalid) as exc:
            tk.on_update(self.STOPPED, t("2023-10-02T10:00:00"), t("2023-10-02T09:00:00"), None)
        assert exc.value.code == "stop_before_start"

    def test_duration_stops_a_running_entry(self) -> None:
        assert tk.on_update(self.RUNNING, None, None, 2700) == Times(START, t("2023-10-02T07:45:00"), 2700)

    def test_negative_duration_makes_a_stopped_entry_run(self) -> None:
        assert tk.on_update(self.STOPPED, None, None, -1) == Times(START, None, 0)

    def test_new_start_year_is_checked_but_the_stored_one_is_not(self) -> None:
        with pytest.raises(Invalid) as exc:
            tk.on_update(self.STOPPED, t("2101-01-01T00:00:00"), None, None)
        assert exc.value.code == "start_year"
        old = Times(t("1969-01-01T00:00:00"), t("1969-01-01T01:00:00"), 3600)
        assert tk.on_update(old, None, None, 60).duration == 60


class TestStopRules:
    def test_stop_now(self) -> None:
        assert tk.stop_now(START, t("2023-10-02T07:20:00")) == Times(START, t("2023-10-02T07:20:00"), 1200)

    def test_stop_now_of_an_entry_started_in_the_future_stops_at_its_start(self) -> None:
        assert tk.stop_now(START, t("2023-10-01T00:00:00")) == Times(START, START, 0)

    def test_auto_stop_at_the_new_start_when_it_is_later(self) -> None:
        now = t("2023-10-05T00:00:00")
        result = tk.auto_stop(START, t("2023-10-02T09:00:00"), now)
        assert result == Times(START, t("2023-10-02T09:00:00"), 7200)

    def test_auto_stop_at_now_when_the_new_start_is_not_later(self) -> None:
        now = t("2023-10-02T07:30:00")
        assert tk.auto_stop(START, START, now) == Times(START, now, 1800)
        assert tk.auto_stop(START, t("2023-10-01T00:00:00"), now) == Times(START, now, 1800)

    def test_auto_stop_never_before_the_old_start(self) -> None:
        assert tk.auto_stop(START, t("2023-10-01T00:00:00"), t("2023-10-01T00:00:00")) == Times(START, START, 0)

    def test_auto_stop_is_capped_to_the_column(self) -> None:
        old = t("1970-01-01T00:00:00")
        result = tk.auto_stop(old, t("2100-01-01T00:00:00"), t("2100-01-01T00:00:00"))
        assert result.duration == 2147483647
        assert result.stop == t("2038-01-19T03:14:07")

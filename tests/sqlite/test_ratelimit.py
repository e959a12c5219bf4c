"""The fixed one-minute window of credential_admin/ratelimit.py, on a frozen clock (tests/conftest.py `clock`)."""
from datetime import UTC, datetime

import pytest

from credential_admin import ratelimit

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


def test_a_window_is_the_calendar_minute(clock):
    clock.move_to(datetime(2026, 3, 4, 12, 0, 0, tzinfo=UTC))
    assert [ratelimit.allow("claim", "7", 2) for _ in range(3)] == [True, True, False]
    clock.move_to(datetime(2026, 3, 4, 12, 0, 59, 999000, tzinfo=UTC))
    assert ratelimit.allow("claim", "7", 2) is False
    clock.move_to(datetime(2026, 3, 4, 12, 1, 0, tzinfo=UTC))
    assert [ratelimit.allow("claim", "7", 2) for _ in range(3)] == [True, True, False]


def test_scopes_and_people_are_counted_apart(clock):
    assert ratelimit.allow("claim", "7", 1) and not ratelimit.allow("claim", "7", 1)
    assert ratelimit.allow("claim", "8", 1) and ratelimit.allow("pdf", "7", 1)


def test_a_counter_that_expired_between_add_and_incr_starts_again(clock, monkeypatch):
    from django.core.cache import cache

    assert ratelimit.allow("claim", "7", 1)
    monkeypatch.setattr(cache, "incr", lambda key: (_ for _ in ()).throw(ValueError(key)))
    assert ratelimit.allow("claim", "7", 1) is True

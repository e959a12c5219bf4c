"""Validity periods: when a credential stops being valid (DESIGN.md "Credential lifecycle").

A configuration sets either a number of months after the issue date or a fixed last day; the credential is valid
through the end of its last day (UTC). Expiry is computed from `Credential.expires_at`, never stored as a status.
"""
from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time
from typing import Any


def add_months(day: date, months: int) -> date:
    """`day` moved `months` calendar months on; the 31st of a shorter month becomes its last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_day(config, issued_on: date) -> date | None:
    """The last valid day under the configuration's period, or None when it sets none."""
    if config.valid_until is not None:
        return config.valid_until
    if config.validity_months:
        return add_months(issued_on, int(config.validity_months))
    return None


def end_of(day: date) -> datetime:
    """The last second of `day`, in UTC."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def expires_at(config, issued_on: date) -> datetime | None:
    day = last_day(config, issued_on)
    return end_of(day) if day is not None else None


def period(config) -> dict[str, Any]:
    """The configuration's period as recorded in a credential's snapshot, to tell later whether it changed."""
    if config.valid_until is not None:
        return {"until": config.valid_until.isoformat()}
    return {"months": int(config.validity_months)} if config.validity_months else {}

"""Dates as a certificate prints them: in its language's format (Django's locale formats), cached, since a batch
of certificates shares its issue date and its end of validity."""
from __future__ import annotations

import datetime
from functools import lru_cache

from django.utils import dateformat, formats, translation


def issued_on_text(facts) -> str:
    return date_text(facts.issued_on)


def expires_on_text(facts) -> str:
    """The end of validity, or "" for a credential that does not expire."""
    return date_text(facts.expires_on) if facts.expires_on else ""


def date_text(day: datetime.date) -> str:
    return _date_text(day, translation.get_language(), formats.get_format("DATE_FORMAT", use_l10n=True))


@lru_cache(maxsize=256)
def _date_text(day: datetime.date, _language: str, date_format: str) -> str:
    return dateformat.format(day, date_format)

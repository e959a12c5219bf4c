"""Settings and feature switches, always read lazily (never at import time) so the platform can override them.

Every setting is a Django setting named ``CREDENTIAL_XBLOCK_<NAME>``; `FEATURES` are on/off switches an admin
flips in ``CREDENTIAL_XBLOCK_FEATURES``.
"""
from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed

FEATURE_DEFAULTS: dict[str, bool] = {
    "VERIFICATION_PAGE": True,
    "REISSUE": True,
    "AUTO_ISSUE": False,
    "EMAIL_ON_ISSUE": True,
    "PUBLIC_NAME_DISPLAY": True,
    "OPEN_BADGES_EXPORT": True,
    "SHOW_REVOCATION_REASON": False,
}

DEFAULTS: dict[str, Any] = {
    # Dotted path of the learner data backend (see credential_xblock.records.LearnerDataBackend).
    "CREDENTIAL_XBLOCK_BACKEND": "credential_admin.backends.openedx.OpenEdxBackend",
    "CREDENTIAL_XBLOCK_FEATURES": {},
    # Learners per query batch for bulk evaluation and issuing.
    "CREDENTIAL_XBLOCK_BATCH_SIZE": 500,
    # Django storage alias for certificate files.
    "CREDENTIAL_XBLOCK_STORAGE": "default",
    # Signing keys: {key_id: base64 raw Ed25519 private key}, or a path to a JSON file with the same mapping.
    "CREDENTIAL_XBLOCK_SIGNING_KEYS": {},
    "CREDENTIAL_XBLOCK_SIGNING_KEYS_FILE": "",
    "CREDENTIAL_XBLOCK_ACTIVE_KEY_ID": "",
    # Base URL printed on certificates (verify links, QR codes); defaults to the LMS root URL.
    "CREDENTIAL_XBLOCK_BASE_URL": "",
    # Extra TrueType fonts for the PDF fallback chain, tried after the bundled ones.
    "CREDENTIAL_XBLOCK_FONTS": [],
    "CREDENTIAL_XBLOCK_ISSUER_NAME": "",
    # Per-organisation issuer profiles for Open Badges: {org: {"name": ..., "url": ...}}.
    "CREDENTIAL_XBLOCK_ORGANISATION_ISSUERS": {},
    # Generate a signing key file at SIGNING_KEYS_FILE when none exists (the demo's first run).
    "CREDENTIAL_XBLOCK_GENERATE_SIGNING_KEY": False,
    # Dotted path of a Celery app to load before queuing (the standalone worker's); the LMS uses its own.
    "CREDENTIAL_XBLOCK_CELERY_APP": "",
    # Automatic issuing: seconds an evaluation waits, so that every event of a learner in that window counts once;
    # the Django cache alias that holds the debounce keys (shared by all LMS processes).
    "CREDENTIAL_XBLOCK_AUTO_ISSUE_DELAY": 30,
    "CREDENTIAL_XBLOCK_CACHE": "default",
    # Claims a learner may make per minute.
    "CREDENTIAL_XBLOCK_CLAIMS_PER_MINUTE": 5,
    # Lifetime of presigned download URLs, in seconds.
    "CREDENTIAL_XBLOCK_DOWNLOAD_URL_TTL": 300,
    # Backoff of issuing retries after storage errors: seconds base and cap, and the number of attempts.
    "CREDENTIAL_XBLOCK_RETRY": {"base": 5, "max": 600, "attempts": 12},
    # The verification page: largest PDF accepted for a check, and rate limits per client.
    "CREDENTIAL_XBLOCK_VERIFY_MAX_UPLOAD_BYTES": 10 * 1024 * 1024,
    "CREDENTIAL_XBLOCK_VERIFY_LOOKUPS_PER_MINUTE": 60,
    "CREDENTIAL_XBLOCK_VERIFY_PDF_CHECKS_PER_MINUTE": 10,
    # Seconds a CDN or browser may hold the public JSON, Open Badges and status list documents (Cache-Control
    # max-age), and that the server keeps a rendered response (its key changes at once on revoke or reissue).
    "CREDENTIAL_XBLOCK_VERIFY_CACHE_SECONDS": 60,
    "CREDENTIAL_XBLOCK_VERIFY_CACHE_ENTRIES": 2000,  # responses kept per process (a page is ~10 KB)
    # Colours of generated badge images per course key or organisation: {"Org": ["#1d4e89", "#f2a541"]}
    # (background, ring); a course without any gets a palette pair picked from its key.
    "CREDENTIAL_XBLOCK_BADGE_COLOURS": {},
}


def get(name: str) -> Any:
    """The value of setting ``CREDENTIAL_XBLOCK_<name>``, or its default.

    Read from Django's settings on first use, then remembered until a setting changes (tests): an unset setting
    costs an AttributeError inside LazySettings, and the verification page alone reads a dozen per request."""
    try:
        return _READ[name]
    except KeyError:
        from django.conf import settings

        full_name = f"CREDENTIAL_XBLOCK_{name}"
        value = _READ[name] = getattr(settings, full_name, DEFAULTS.get(full_name))
        return value


_READ: dict[str, Any] = {}


def _forget(**_signal: Any) -> None:
    _READ.clear()


setting_changed.connect(_forget)


def base_url() -> str:
    """The site's configured root: BASE_URL, else the LMS root (never a request's Host header, which would end up
    inside signed documents and printed links)."""
    from django.conf import settings

    return (get("BASE_URL") or getattr(settings, "LMS_ROOT_URL", "") or "").rstrip("/")


def issuer_name() -> str:
    """Who issues credentials here: ISSUER_NAME, else the LMS's PLATFORM_NAME, else the site's host name."""
    from urllib.parse import urlsplit

    from django.conf import settings

    return str(get("ISSUER_NAME") or getattr(settings, "PLATFORM_NAME", "") or urlsplit(base_url()).netloc)


def feature(name: str) -> bool:
    """Whether the feature switch `name` (a key of FEATURE_DEFAULTS) is on."""
    if name not in FEATURE_DEFAULTS:
        raise KeyError(f"Unknown credential-xblock feature {name!r}")
    return bool((get("FEATURES") or {}).get(name, FEATURE_DEFAULTS[name]))

"""Tracking events, named in the platform's ``edx.credential.*`` style, through its tracker (``eventtracking``).

Inside the LMS the default tracker is registered at start-up and routes events to the tracking logs and
analytics; where none is registered (the demo, a management command run without one) events are dropped
quietly. Emitting never raises: tracking must not fail what it describes.
"""
from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

ISSUED, REISSUED, REVOKED, REINSTATED = ("edx.credential.issued", "edx.credential.reissued",
                                         "edx.credential.revoked", "edx.credential.reinstated")
VERIFICATION_VIEWED = "edx.credential.verification.viewed"


def emit(name: str, data: dict[str, Any]) -> bool:
    """Send one event to the platform's default tracker; False when there is none or it failed."""
    try:
        from eventtracking import tracker

        tracker.get_tracker()
    except (ImportError, KeyError):
        return False  # no tracker registered here
    try:
        tracker.emit(name, data)
    except Exception:
        log.exception("credential-xblock: tracking event %s was not emitted", name)
        return False
    return True


def credential_data(credential) -> dict[str, Any]:
    """What an event says about a credential: ids only (no name: tracking logs are kept for years)."""
    config = credential.config
    return {"credential_id": credential.verification_id, "user_id": credential.user_id,
            "course_id": config.course_key, "usage_key": config.usage_key, "level": config.level,
            "status": credential.status}

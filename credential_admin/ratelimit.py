"""A fixed-window rate limit on Django's cache (shared by every worker): per client address on public forms,
per learner for claims."""
from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The peer address (the LMS's proxy setup decides whether REMOTE_ADDR is the real client)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def allow(scope: str, who: str, limit: int, window_s: int = 60) -> bool:
    """Count one hit of `scope` by `who`; False once `limit` hits fell in the current window."""
    key = f"credential_admin:rl:{scope}:{who}:{int(time.time()) // window_s}"
    if cache.add(key, 1, timeout=window_s + 1):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_s + 1)
        return True

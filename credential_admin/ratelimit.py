"""A fixed-window rate limit on Django's default cache: per client address on public forms, per learner for claims.

The limits hold only as far as the cache is shared: with several worker processes (gunicorn, uWSGI) a per-process
cache (LocMemCache, Django's fallback) multiplies every limit by the number of workers. The LMS's default cache
(Memcached or Redis) is shared; the standalone settings use Redis when CREDENTIAL_REDIS_URL is set, else a file
cache in the data folder, which the processes of one host share (its increments are not atomic: under a burst a
few more requests than the limit can pass; Redis and Memcached count exactly).
"""
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

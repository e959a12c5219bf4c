"""Caching of public verification responses, so a shared link followed by thousands costs one indexed query each.

Every response is kept under a version: a hash of everything it depends on (the row's status, `modified`, revocation
and reissue fields, its successor, the reader's language, the host, the feature switches that change what is shown).
A revoke, a reissue or a name-display switch changes the version, so the next request misses the cache and sees
the change at once; nothing is ever invalidated by hand. The same version is the ETag: a client or CDN holding it
gets 304. JSON, Open Badges and status list documents are public for ``VERIFY_CACHE_SECONDS`` (default 60 s); the
HTML page carries a CSRF token for its PDF-check form, so it is private to the browser and cached server-side with
the token put in per request.
"""
from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from credential_admin import conf

FORMAT = 1  # bump when what a cached response holds changes shape
SHOWN_FEATURES = ("PUBLIC_NAME_DISPLAY", "SHOW_REVOCATION_REASON", "OPEN_BADGES_EXPORT")
CSRF_PLACEHOLDER = "csrf-placeholder-b1f0d9a7"  # rendered in place of the token, replaced per request


def seconds() -> int:
    return int(conf.get("VERIFY_CACHE_SECONDS"))


class Responses:
    """The responses this process made, least recently used dropped beyond VERIFY_CACHE_ENTRIES and each kept at
    most VERIFY_CACHE_SECONDS. In-process on purpose: a version never changes meaning, so no process can serve a
    stale one, and a hit costs no network round trip (a shared cache would cost one per request)."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] < time.monotonic():
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + seconds(), value)
            self._items.move_to_end(key)
            while len(self._items) > int(conf.get("VERIFY_CACHE_ENTRIES")):
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


RESPONSES = Responses()


def digest(parts: Iterable[Any]) -> str:
    return hashlib.sha256(repr((FORMAT, *parts)).encode("utf-8")).hexdigest()[:32]


def version(request: HttpRequest, credential) -> str:
    """What every public response of `credential` depends on, hashed (see the module docstring)."""
    return digest((
        credential.verification_id, credential.status, credential.modified, credential.revoked_at,
        credential.revocation_reason, credential.reissued_at, credential.expires_at, credential.is_expired(),
        credential.next_verification_id, credential.next_status, credential.key_id, get_language(),
        conf.base_url() or request.get_host(), tuple(conf.feature(name) for name in SHOWN_FEATURES),
    ))


def _matches(request: HttpRequest, etag: str) -> bool:
    sent = request.headers.get("If-None-Match", "")
    return any(tag.strip().removeprefix("W/") in (f'"{etag}"', "*") for tag in sent.split(","))


def _headers(response: HttpResponse, etag: str, public: bool) -> HttpResponse:
    response["ETag"] = f'"{etag}"'
    response["Cache-Control"] = f"public, max-age={seconds()}" if public else "private, no-cache"
    response["Vary"] = "Accept-Language"
    return response


def cached(request: HttpRequest, kind: str, key: str, build: Callable[[], HttpResponse],
           public: bool = True, client: str = "") -> HttpResponse:
    """The response of `build` for version `key`: 304 when the client holds it, from the cache when another
    request made it, else built and kept. Only 200 responses are kept. `client` goes into the ETag only."""
    etag = digest((kind, key, client))
    if _matches(request, etag):
        return _headers(HttpResponseNotModified(), etag, public)
    cache_key = digest((kind, key))
    held = RESPONSES.get(cache_key)
    if held is None:
        response = build()
        if response.status_code != 200:
            return response
        kept = ("Access-Control-Allow-Origin", "Content-Disposition")
        held = (response.content, response["Content-Type"], {name: response[name] for name in kept if name in response})
        RESPONSES.put(cache_key, held)
    content, content_type, extra = held
    response = HttpResponse(content, content_type=content_type)
    for name, value in extra.items():
        response[name] = value
    return _headers(response, etag, public)


def cached_page(request: HttpRequest, key: str, build: Callable[[str], HttpResponse]) -> HttpResponse:
    """The HTML page for version `key`, rendered once with a placeholder CSRF token that is replaced by this
    request's. Its ETag includes the browser's CSRF cookie, so a 304 never keeps a page whose token is stale."""
    cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    token = get_token(request)  # also makes the middleware set the cookie on a first visit
    response = cached(request, "page", key, lambda: build(CSRF_PLACEHOLDER), public=False, client=cookie)
    if response.status_code == 200:
        response.content = response.content.replace(CSRF_PLACEHOLDER.encode(), token.encode())
    return response

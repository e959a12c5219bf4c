"""Caching of public verification responses, so a shared link followed by thousands costs one indexed query each.

Every response is kept under a version: a hash of everything it depends on (the row's status, `modified`, revocation
and reissue fields, its successor, the reader's language, the host, the feature switches that change what is shown).
A revoke, a reissue or a name-display switch changes the version, so the next request misses the cache and sees
the change at once; nothing is ever invalidated by hand. The same version is the ETag: a client or CDN holding it
gets 304. The page, its JSON, Open Badges and status list documents are all public for ``VERIFY_CACHE_SECONDS``
(default 60 s): the page is the same for every reader (its PDF-check form carries no CSRF token, see views.page).

A miss renders no template either (see `Skeletons`): the page is rendered once per *shape* with a sentinel for every
printed per-credential value, and each credential's page is that skeleton filled with its own escaped values.
"""
from __future__ import annotations

import hashlib
import html
import itertools
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.translation import get_language

from credential_admin import conf

log = logging.getLogger(__name__)
FORMAT = 1  # bump when what a cached response holds changes shape
SHOWN_FEATURES = ("PUBLIC_NAME_DISPLAY", "SHOW_REVOCATION_REASON", "OPEN_BADGES_EXPORT")


def seconds() -> int:
    return int(conf.get("VERIFY_CACHE_SECONDS"))


class Responses:
    """The responses this process made, least recently used dropped beyond VERIFY_CACHE_ENTRIES and each kept at
    most VERIFY_CACHE_SECONDS. In-process on purpose: a version never changes meaning, so no process can serve a
    stale one, and a hit costs no network round trip (a shared cache would cost one per request)."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._about: OrderedDict[tuple[str, str], None] = OrderedDict()  # (kind, credential) of kept responses
        self._lock = threading.Lock()

    def knows(self, kind: str, about: str) -> bool:
        """Whether a response of this kind about this credential was kept lately (it may have expired or changed
        since)."""
        return (kind, about) in self._about

    def get(self, key: str) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] < time.monotonic():
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key: str, value: Any, about: tuple[str, str] | None = None) -> None:
        limit = int(conf.get("VERIFY_CACHE_ENTRIES"))
        with self._lock:
            self._items[key] = (time.monotonic() + seconds(), value)
            self._items.move_to_end(key)
            while len(self._items) > limit:
                self._items.popitem(last=False)
            if about:
                self._about[about] = None
                self._about.move_to_end(about)
                while len(self._about) > limit:
                    self._about.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._about.clear()


RESPONSES = Responses()


def digest(parts: Iterable[Any]) -> str:
    return hashlib.sha256(repr((FORMAT, *parts)).encode("utf-8")).hexdigest()[:32]


def version(request: HttpRequest, state: tuple) -> str:
    """What every public response of a credential depends on, hashed (see the module docstring): its
    `records.State` (with the status it shows, expired or not) and the reader's side."""
    return digest((*state, state.public_status, get_language(), conf.base_url() or request.get_host(),
                   tuple(conf.feature(name) for name in SHOWN_FEATURES)))


def _matches(request: HttpRequest, etag: str) -> bool:
    sent = request.META.get("HTTP_IF_NONE_MATCH", "")  # request.headers would build every header's entry first
    return any(tag.strip().removeprefix("W/") in (f'"{etag}"', "*") for tag in sent.split(","))


def _headers(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = f'"{etag}"'
    response["Cache-Control"] = f"public, max-age={seconds()}"
    response["Vary"] = "Accept-Language"
    return response


def cached(request: HttpRequest, kind: str, key: str, build: Callable[[], HttpResponse],
           about: str = "") -> HttpResponse:
    """The response of `build` for version `key`: 304 when the client holds it, from the cache when another
    request made it, else built and kept (as a response `about` that credential). Only 200 responses are kept."""
    response = kept(request, kind, key)
    if response is not None:
        return response
    response = build()
    if response.status_code != 200:
        return response
    etag = digest((kind, key))
    copied = ("Access-Control-Allow-Origin", "Content-Disposition")
    held = (response.content, response["Content-Type"], {name: response[name] for name in copied if name in response})
    RESPONSES.put(etag, held, (kind, about) if about else None)
    return _headers(_response(held), etag)


def kept(request: HttpRequest, kind: str, key: str) -> HttpResponse | None:
    """304 when the client holds version `key`, the kept response when this process has it, else None."""
    etag = digest((kind, key))
    if _matches(request, etag):
        return _headers(HttpResponseNotModified(), etag)
    held = RESPONSES.get(etag)
    return None if held is None else _headers(_response(held), etag)


def _response(held: tuple[bytes, str, dict[str, str]]) -> HttpResponse:
    content, content_type, extra = held
    response = HttpResponse(content, content_type=content_type)
    for name, value in extra.items():
        response[name] = value
    return response


class Printed(str):
    """A per-credential value that a skeleton template prints as it is (``{{ value }}``: no filter, and no test but
    whether it is empty). Every other context value is part of the page's shape."""


SENTINEL = re.compile("\ue000([0-9]+)\ue001")  # private-use characters: in no template, unchanged by escaping


class Skeletons:
    """Templates rendered once per shape with a sentinel in place of each Printed value, cut at the sentinels, so
    that a page costs a join of its escaped values instead of a render (the render was most of a cache miss).

    The shape is everything else in the context (what is present, statuses, counts, which Printed values are empty),
    the language and the script prefix. The first page of a shape is also rendered directly and must equal its
    filled skeleton; a template that transforms a Printed value fails that and is always rendered directly."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, tuple[tuple[str, ...], tuple[int, ...]] | None] = OrderedDict()
        self._lock = threading.Lock()

    def render(self, request: HttpRequest, template: str, context: dict[str, Any]) -> str:
        values: list[str] = []
        key = repr((template, get_language(), get_script_prefix(), _shape(context, values)))
        with self._lock:
            known = key in self._items
            skeleton = self._items.get(key)
            if known:
                self._items.move_to_end(key)
        if skeleton is not None:
            return _fill(skeleton, values)
        page = render_to_string(template, context, request)
        if not known:
            blank = _blank(context, itertools.count())
            self._keep(key, _cut(render_to_string(template, blank, request)), page, values)
        return page

    def _keep(self, key: str, skeleton: tuple[tuple[str, ...], tuple[int, ...]], page: str, values: list[str]) -> None:
        if _fill(skeleton, values) != page:
            log.warning("Verification page template prints a value it transforms: rendered for every request")
            skeleton = None
        with self._lock:
            self._items[key] = skeleton
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self, **_signal: Any) -> None:
        with self._lock:
            self._items.clear()


SKELETONS = Skeletons(256)
setting_changed.connect(SKELETONS.clear)  # templates, languages, formats: what a skeleton was rendered with


def _shape(value: Any, values: list[str]) -> Any:
    """What a context value decides in the page: Printed strings count only as empty (0) or not (1), and are
    appended to `values` in the order `_blank` numbers them; anything else counts as itself."""
    if isinstance(value, Printed):
        if value:
            values.append(value)
        return 1 if value else 0
    if isinstance(value, dict):
        return ("d", *((name, _shape(item, values)) for name, item in value.items()))
    if isinstance(value, list):
        return ("l", *(_shape(item, values) for item in value))
    return ("v", type(value).__qualname__, value)


def _blank(value: Any, numbers: Iterator[int]) -> Any:
    """The context value with each non-empty Printed string replaced by the next numbered sentinel."""
    if isinstance(value, Printed):
        return Printed(f"\ue000{next(numbers)}\ue001") if value else value
    if isinstance(value, dict):
        return {name: _blank(item, numbers) for name, item in value.items()}
    if isinstance(value, list):
        return [_blank(item, numbers) for item in value]
    return value


def _cut(page: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    parts = SENTINEL.split(page)
    return tuple(parts[0::2]), tuple(int(number) for number in parts[1::2])


def _fill(skeleton: tuple[tuple[str, ...], tuple[int, ...]], values: list[str]) -> str:
    texts, slots = skeleton
    out = [texts[0]]
    for slot, text in zip(slots, texts[1:], strict=True):
        out.append(html.escape(values[slot]))  # what django.utils.html.escape does, without its lazy check
        out.append(text)
    return "".join(out)

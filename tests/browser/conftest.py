"""Shared fixtures of the browser suite: Django's live server and headless Chromium through Playwright.

Use them in any tests/browser module (every test here is marked ``browser`` automatically):

- ``chromium``: a Playwright Chromium browser (one per test, so that modules starting their own
  ``sync_playwright()`` can run in the same session), Debian's ``/usr/bin/chromium`` (or $CHROMIUM), launched
  with --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync.
- ``page``: a fresh browser context and page (1200x900, locale en-US) for one test, closed afterwards;
  ``browser_page(chromium, locale=..., width=...)`` opens the same in another language (a context manager).
  ``page.errors`` lists uncaught JavaScript errors, console errors and HTTP responses >= 400 (but /favicon.ico)
  seen so far. The test FAILS at teardown on any of them, except those starting with a prefix the test put in
  ``page.expected_errors`` (e.g. "HTTP 404: " for a page it sends to an unknown id).
- ``live_server``: pytest-django's live server (transactional database shared with the test, static files served).
- ``login_as(page, username)``: log the page's context in as that Django user (a session cookie made with the
  test client, no password needed), returning the User.
- ``artifact_path(name)``: where to save a screenshot: $CREDENTIAL_ARTIFACTS_DIR if set, else a per-session
  temporary folder; returns a str path.

Playwright's sync API runs an event loop in the test thread, so Django's async-safety check is switched off here
(DJANGO_ALLOW_ASYNC_UNSAFE) for the ORM calls the tests and fixtures make in that thread. On SQLite the test
database is one in-memory connection shared with the server thread, so the live server answers one request at a
time (a page firing two XHRs at once would otherwise use that connection from two threads and fail).
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import sync_playwright


class _OneRequestAtATime(ThreadedWSGIServer):
    """The live server's threaded server, with the Django application called under a lock."""

    lock = threading.Lock()

    def set_app(self, application):
        def serial(environ, start_response):
            with self.lock:
                response = application(environ, start_response)
                try:
                    return list(response)
                finally:
                    if hasattr(response, "close"):
                        response.close()
        super().set_app(serial)


def _serve_one_request_at_a_time() -> None:
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        LiveServerThread.server_class = _OneRequestAtATime


_serve_one_request_at_a_time()
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def chromium():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def browser_page(chromium, locale: str = "en-US", width: int = 1200):
    """A page in a fresh context (the browser's language `locale`) that fails on any error seen (see `page`)."""
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale=locale)
    new_page = context.new_page()
    new_page.errors, new_page.expected_errors = [], []
    new_page.on("pageerror", lambda error: new_page.errors.append(f"pageerror: {error}"))
    new_page.on("console", lambda message: _console_error(new_page, message))
    new_page.on("response", lambda response: _http_error(new_page, response))
    yield new_page
    context.close()
    unexpected = [error for error in new_page.errors if not error.startswith(tuple(new_page.expected_errors))]
    assert not unexpected, f"errors in the browser: {unexpected}"


@pytest.fixture
def page(chromium, live_server):
    with browser_page(chromium) as new_page:
        yield new_page


def _console_error(page, message) -> None:
    # Failed loads are reported with their URL by _http_error.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        page.errors.append(f"console: {message.text}")


def _http_error(page, response) -> None:
    # Browsers ask for /favicon.ico on their own; anything else failing is the page's fault.
    if response.status >= 400 and not response.url.endswith("/favicon.ico"):
        page.errors.append(f"HTTP {response.status}: {response.url}")


@pytest.fixture
def login_as(live_server, client):
    from django.conf import settings
    from django.contrib.auth import get_user_model

    def login(page, username: str):
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                                   "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                                   "url": live_server.url}])
        return user
    return login


@pytest.fixture(scope="session")
def artifacts_dir(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("CREDENTIAL_ARTIFACTS_DIR") or tmp_path_factory.mktemp("artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def artifact_path(artifacts_dir):
    return lambda name: str(artifacts_dir / name)

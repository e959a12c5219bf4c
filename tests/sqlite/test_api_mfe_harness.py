"""The demo's page for the MFE widgets and its stand-ins for the LMS endpoints frontend-platform's client calls."""
from __future__ import annotations

import pytest
from django.test import Client

HARNESS = "/mfe-harness/course/course-v1:Demo+CX101+2026/progress/"


def test_csrf_token_endpoint_gives_the_token_the_cookie_matches(client):
    response = client.get("/csrf/api/v1/token")
    token = response.json()["csrfToken"]
    assert response.status_code == 200 and len(token) == 64
    assert client.cookies["csrftoken"].value


def test_login_refresh_says_there_is_no_jwt_here():
    response = Client(enforce_csrf_checks=True).post("/login_refresh")
    assert response.status_code == 401  # frontend-platform then carries on with the session cookie


@pytest.mark.parametrize("built", [True, False])
def test_harness_page_mounts_the_build_or_says_how_to_make_it(client, monkeypatch, settings, built):
    settings.CREDENTIAL_XBLOCK_BASE_URL = "http://127.0.0.1:8163"
    monkeypatch.setattr("credential_admin.demo.mfe_harness.finders.find", lambda path: "/x" if built else None)
    response = client.get(HARNESS, {"lang": "ar"})
    page = response.content.decode()
    if built:
        assert response.status_code == 200
        assert 'data-lms-base-url="http://127.0.0.1:8163"' in page and 'data-locale="ar"' in page
        assert '<script src="/static/credential-mfe-plugin/dist/harness/index.js">' in page
        assert 'href="/static/credential-mfe-plugin/dist/harness/harness.css"' in page
    else:
        assert response.status_code == 503
        assert "The MFE widgets are not built" in page and "<script" not in page

"""The demo's stand-ins for what the MFE widgets expect of the LMS, and a page that mounts them (demo only).

- ``mfe-harness/course/<course key>/progress/``: both widgets from the npm package's build
  (static/credential-mfe-plugin, ``npm run build``), mounted in frontend-plugin-framework slots against the live
  API; ``?lang=ar`` picks the locale. The course is in the address as on the Learning MFE's Progress tab.
- ``login_refresh``: the LMS's JWT cookie refresh (openedx-platform, openedx/core/djangoapps/user_authn/views/
  login.py ``login_refresh``). The demo issues no JWT: it answers 401 as the LMS does to a visitor without one, and
  frontend-platform's client then goes on with the session cookie.
- ``csrf/api/v1/token``: edx-drf-extensions' ``csrf.api.v1.views.CsrfTokenView`` (``{"csrfToken": …}``), which
  frontend-platform's client asks before unsafe requests.
"""
from __future__ import annotations

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from credential_admin import conf

BUNDLE = "credential-mfe-plugin/dist/harness/"


@require_GET
def harness(request: HttpRequest, course_key: str) -> HttpResponse:
    built = finders.find(f"{BUNDLE}index.js") is not None
    locale = request.GET.get("lang", "en")[:10]
    return render(request, "credential_admin/demo/mfe_harness.html", {
        "built": built, "bundle": BUNDLE, "locale": locale, "lms_base_url": conf.base_url(),
        "site_name": conf.issuer_name(), "course_key": course_key,
    }, status=200 if built else 503)


@csrf_exempt  # asked before any CSRF token exists, and it changes nothing
@require_POST
def login_refresh(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": _("This demo issues no JWT; use the session.")}, status=401)


@require_GET
def csrf_token(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"csrfToken": get_token(request)})


urlpatterns = [
    path("mfe-harness/course/<str:course_key>/progress/", harness, name="mfe_harness"),
    path("login_refresh", login_refresh, name="login_refresh"),
    path("csrf/api/v1/token", csrf_token, name="csrf_token"),
]


"""Public verification views: the page and its short-code form, the PDF check, JSON, and Open Badges documents.

Nothing here returns 500 on bad input: unknown or malformed ids and codes give the "not found" page (404), bad
uploads a clear message (400), too many uploads 429. Only `records` queries the database for credentials.
"""
from __future__ import annotations

import json
import logging
from datetime import date, datetime, tzinfo
from functools import lru_cache, wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import filesizeformat
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.timezone import get_current_timezone, template_localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from credential_admin import conf, ratelimit, tracking
from credential_admin.badges import images

from . import badgecheck, cache, export, pdfcheck, records
from .linkedin import add_to_profile_url

JSON_LD = "application/ld+json"
log = logging.getLogger(__name__)


def max_upload_bytes() -> int:
    return int(conf.get("VERIFY_MAX_UPLOAD_BYTES"))


def per_minute(name: str) -> int:
    """A rate limit from settings (``CREDENTIAL_XBLOCK_VERIFY_<name>_PER_MINUTE``)."""
    return int(conf.get(f"VERIFY_{name}_PER_MINUTE"))


def signing_available(view):
    """503 instead of a crash when no signing key is configured (a server problem, not the caller's)."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ImproperlyConfigured:
            log.exception("Cannot sign Open Badges documents")
            return JsonResponse({"error": _("Signed documents are unavailable right now.")}, status=503)
    return wrapper


def feature_required(name: str):
    """404 while feature switch `name` is off: the endpoint does not exist for the public."""
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not conf.feature(name):
                raise Http404
            return view(request, *args, **kwargs)
        return wrapper
    return decorator


def not_found(request: HttpRequest, code: str = "") -> HttpResponse:
    return render(request, "credential_admin/verify/not_found.html", {"code": code[:64]}, status=404)


def page_url(verification_id: str) -> str:
    return id_url("credential_admin:verify:page", verification_id)


def id_url(name: str, verification_id: str) -> str:
    """`reverse(name, args=[verification_id])`, resolved once per URL name (reverse() was a tenth of a cache miss):
    a verification id has only characters that a path keeps as they are."""
    if not records.well_formed(verification_id):
        return reverse(name, args=[verification_id])
    head, tail = _around_id(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return head + verification_id + tail


ID_MARK = "0" * 16


@lru_cache(maxsize=32)
def _around_id(name: str, _prefix: str, urlconf: str) -> tuple[str, str]:
    head, _mark, tail = reverse(name, args=[ID_MARK], urlconf=urlconf).partition(ID_MARK)
    return head, tail


@require_GET
@feature_required("VERIFICATION_PAGE")
def lookup(request: HttpRequest) -> HttpResponse:
    """The short-code form; a known code redirects to its page, an unknown one is a 404 with the form again."""
    typed = request.GET.get("code", "")
    if not typed.strip():
        return render(request, "credential_admin/verify/lookup.html", {})
    if not ratelimit.allow("lookup", ratelimit.client_address(request), per_minute("LOOKUPS")):
        return render(request, "credential_admin/verify/lookup.html",
                      {"error": _("Too many attempts. Please wait a minute and try again.")}, status=429)
    credential = records.find_by_code(typed)
    if credential is None:
        return not_found(request, typed)
    return HttpResponseRedirect(page_url(credential.verification_id))


# The PDF check changes nothing: it compares an upload with the record and answers (rate limited), and a cross-site
# POST cannot read that answer. CSRF protects state-changing requests only, so the form carries no token and the page
# is the same for every reader: browsers and CDNs may keep it like the JSON documents (cache.py).
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@feature_required("VERIFICATION_PAGE")
def page(request: HttpRequest, verification_id: str) -> HttpResponse:
    """The public page; a POST carries a PDF to check against this credential."""
    found = _kept(request, "page", verification_id) if request.method != "POST" else None
    if found is not None:
        _viewed(request, found[0])
        return found[1]
    credential = records.find(verification_id)
    if credential is None:
        return not_found(request)
    state = records.state_of(credential)
    _viewed(request, state)
    if request.method != "POST":  # made once per version of the credential, without rendering (see cache.py)
        return cache.cached(request, "page", cache.version(request, state), lambda: HttpResponse(
            cache.SKELETONS.render(request, PAGE_TEMPLATE, _page_context(request, credential))), verification_id)
    context = _page_context(request, credential)
    context["check"], status_code = _check_upload(request, credential)
    return render(request, PAGE_TEMPLATE, context, status=status_code)


PAGE_TEMPLATE = "credential_admin/verify/page.html"


def _kept(request: HttpRequest, kind: str, verification_id: str) -> tuple[records.State, HttpResponse] | None:
    """The credential's state and the response of this `kind` this process kept for its current version (or a
    304), read with the light state query; None when there is none. Only for credentials this process kept a
    response about lately: a first visit goes straight to the full lookup, one query."""
    if not cache.RESPONSES.knows(kind, verification_id):
        return None
    state = records.find_state(verification_id)
    response = None if state is None else cache.kept(request, kind, cache.version(request, state))
    return None if response is None else (state, response)


def _viewed(request: HttpRequest, state: records.State) -> None:
    tracking.emit(tracking.VERIFICATION_VIEWED, {"credential_id": state.verification_id,
                                                 "status": state.public_status, "course_id": state.course_key,
                                                 "pdf_check": request.method == "POST"})


def _page_context(request: HttpRequest, credential) -> dict[str, Any]:
    return page_context(request, records.facts_of(credential), credential.config_id)


def page_context(request: HttpRequest, facts: records.PublicFacts, config_id: int) -> dict[str, Any]:
    """What the page prints, each per-credential value ready to print as a `cache.Printed` string (dates formatted,
    lists joined here, not in the template); the other values decide which parts the page has."""
    badge = facts.badge
    context: dict[str, Any] = {
        "status": facts.status, "withdrawn": facts.withdrawn, "signature_valid": facts.signature_valid,
        "title": _printed(facts.title), "level_label": _printed(facts.level_label),
        "name": _printed(facts.name or ""), "issuer": _printed(facts.issuer),
        "verification_code": _printed(facts.code), "key_id": _printed(facts.key_id),
        "issued_on": _date(facts.issued_on), "issued_iso": _date(facts.issued_on, "Y-m-d"),
        "reissued_on": _date(facts.reissued_at), "revoked_on": _date(facts.revoked_at),
        "expires_on": _date(facts.expires_at and facts.expires_at.date()),
        "expires_iso": _date(facts.expires_at and facts.expires_at.date(), "Y-m-d"),
        "revocation_reason": _printed(facts.revocation_reason or ""),
        "rules": [_printed(line) for line in facts.rules],
        "courses": [{"title": _printed(course["title"]), "has_rules": bool(course["rules"]),
                     "rules": _printed("; ".join(course["rules"]))} for course in facts.courses],
        "max_upload": _max_upload(max_upload_bytes(), get_language()),
        "badge": {part: _printed(value) for part, value in badge.items()} if badge else None,
    }
    if badge:
        image_url = _badge_image_path(config_id)
        context["badge_image_url"] = _printed(image_url)
        context["badge_image_absolute"] = _printed(_absolute(request, image_url))
    context.update({name: _printed(value) for name, value in _links(request, facts).items()})
    return context


def _badge_image_path(config_id: int) -> str:
    return reverse("credential_admin:verify:badge_image", args=[config_id])


@lru_cache(maxsize=64)
def _max_upload(size: int, _language: str) -> cache.Printed:
    return cache.Printed(filesizeformat(size))


def _printed(value: Any) -> Any:
    """A string as a value the page prints; anything else stays as it is (and so is part of the page's shape)."""
    return cache.Printed(value) if isinstance(value, str) else value


def _date(value: date | datetime | None, style: str = "DATE_FORMAT") -> cache.Printed:
    """`value|date:style` as the template would print it (datetimes in the current time zone), or ""."""
    return cache.Printed("") if value is None else _formatted(value, style, get_language(), get_current_timezone())


@lru_cache(maxsize=1024)
def _formatted(value: date | datetime, style: str, _language: str, _zone: tzinfo) -> cache.Printed:
    """Dates repeat (a batch is issued on one day): each is formatted once per language and time zone."""
    return cache.Printed(date_filter(template_localtime(value), style))


@receiver(setting_changed)
def _forget_dates(**_signal: Any) -> None:
    """Date and number formats come from settings and locales (tests change them)."""
    _formatted.cache_clear()
    _max_upload.cache_clear()


def _absolute(request: HttpRequest, path: str) -> str:
    root = conf.base_url()
    return root + path if root else request.build_absolute_uri(path)


def _check_upload(request: HttpRequest, credential) -> tuple[pdfcheck.PdfCheck, int]:
    """Read and check the upload, refusing too many tries and what is too big before Django parses it."""
    if not ratelimit.allow("pdf", ratelimit.client_address(request), per_minute("PDF_CHECKS")):
        return pdfcheck.PdfCheck(pdfcheck.INVALID, [_("Too many checks from your address. Please wait a minute and "
                                                      "try again.")]), 429
    limit = max_upload_bytes()
    too_big = pdfcheck.PdfCheck(pdfcheck.INVALID, [_("The file is larger than %(size)s: it cannot be a certificate "
                                                     "from this site.") % {"size": filesizeformat(limit)}])
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit + 64 * 1024:
        return too_big, 413
    upload = request.FILES.get("pdf")
    if upload is None:
        return pdfcheck.PdfCheck(pdfcheck.INVALID, [_("Choose a PDF file to check.")]), 400
    if upload.size > limit:
        return too_big, 413
    data = upload.read(limit + 1)
    checker = badgecheck.check if credential.config_level == "badge" else pdfcheck.check
    result = checker(credential, data)
    return result, 400 if result.outcome == pdfcheck.INVALID else 200


def _links(request: HttpRequest, facts: records.PublicFacts) -> dict[str, Any]:
    """Absolute links for sharing: the page itself, Open Graph, LinkedIn "Add to profile", exports."""
    absolute = _absolute(request, page_url(facts.verification_id))
    links: dict[str, Any] = {"absolute_url": absolute,
                             "json_url": id_url("credential_admin:verify:json", facts.verification_id)}
    current = facts.status == "issued" and facts.signature_valid
    if current and conf.feature("OPEN_BADGES_EXPORT"):
        links["ob3_url"] = id_url("credential_admin:verify:ob3", facts.verification_id)
    if current:
        badge = facts.badge
        links["linkedin_url"] = add_to_profile_url(badge["name"] if badge else f"{facts.title} ({facts.level_label})",
                                                   facts.issuer, facts.issued_on, absolute, facts.code)
    if facts.superseded_by:
        links["current_url"] = page_url(facts.superseded_by)
    return links


@require_GET
@feature_required("VERIFICATION_PAGE")
def facts_json(request: HttpRequest, verification_id: str) -> JsonResponse:
    """The page's facts as JSON, with the same privacy filtering."""
    found = _kept(request, "json", verification_id)
    if found is not None:
        return found[1]
    credential = records.find(verification_id)
    if credential is None:
        return JsonResponse({"error": _("No credential with this verification id.")}, status=404)
    return cache.cached(request, "json", cache.version(request, records.state_of(credential)), lambda: JsonResponse(
        _json_facts(request, credential), json_dumps_params={"ensure_ascii": False}), verification_id)


def _json_facts(request: HttpRequest, credential) -> dict[str, Any]:
    """`public_json`, and for a badge what its page shows of it: name, description, criteria and image."""
    facts = records.facts_of(credential)
    data = public_json(facts)
    if badge := facts.badge:
        data["badge"] = {**badge, "image": _absolute(request, _badge_image_path(credential.config_id))}
    return data


def public_json(facts: records.PublicFacts) -> dict[str, Any]:
    """Every public field; the signed payload only when it may be shown (it carries the printed name)."""
    data: dict[str, Any] = {
        "verification_id": facts.verification_id,
        "code": facts.code,
        "status": facts.status,
        "name": facts.name,
        "title": facts.title,
        "level": facts.level,
        "issued_on": facts.issued_on.isoformat() if facts.issued_on else None,
        "reissued_at": facts.reissued_at.isoformat() if facts.reissued_at else None,
        "rules_met": facts.rules,
        "issuer": facts.issuer,
        "course": facts.course_key,
        "signature": {"valid": facts.signature_valid, "algorithm": "Ed25519", "key_id": facts.key_id},
        "superseded_by": page_url(facts.superseded_by) if facts.superseded_by else None,
        "revoked_at": facts.revoked_at.isoformat() if facts.revoked_at else None,
        "revocation_reason": facts.revocation_reason,
        "expires_at": facts.expires_at.isoformat() if facts.expires_at else None,
        **({"courses": facts.courses} if facts.courses else {}),  # a Learning Path credential's courses
    }
    if facts.name is not None and facts.payload:
        data["signature"]["payload"] = json.dumps(facts.payload, ensure_ascii=False)
    return data


@require_GET
@feature_required("OPEN_BADGES_EXPORT")
@signing_available
def ob3(request: HttpRequest, verification_id: str) -> HttpResponse:
    """The signed OpenBadgeCredential of a current (issued) credential."""
    download = bool(request.GET.get("download"))
    kind = "ob3-download" if download else "ob3"
    found = _kept(request, kind, verification_id)  # kept only while issued: a revoke changes the version
    if found is not None:
        return found[1]
    credential = records.find(verification_id)
    if credential is None or credential.status != "issued":
        return JsonResponse({"error": _("No current credential with this verification id.")}, status=404)
    return cache.cached(request, kind, cache.version(request, records.state_of(credential)),
                        lambda: _signed_ob3(credential, download), verification_id)


def _signed_ob3(credential, download: bool) -> HttpResponse:
    facts = records.facts_of(credential)
    if not facts.signature_valid:
        return JsonResponse({"error": _("This credential's record fails its signature check.")}, status=409)
    document = export.signed_badge(credential, facts)
    response = _json_ld(document)
    if download:
        response["Content-Disposition"] = f'attachment; filename="credential-{facts.code}.json"'
    return response


def _json_ld(document: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(json.dumps(document, ensure_ascii=False, indent=2), content_type=JSON_LD)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@signing_available
def status_list(request: HttpRequest, number: int) -> HttpResponse:
    """A signed BitstringStatusListCredential (revocation), signed again only when its revoked bits change."""
    revoked = export.revoked_in_list(number)
    if revoked is None:
        raise Http404
    version = cache.digest((number, revoked, conf.base_url() or request.get_host()))
    return cache.cached(request, "status", version,
                        lambda: _json_ld(export.signed_status_list(number, timezone.now(), revoked)))


@require_GET
@cache_control(public=True, max_age=3600)
def badge_image(request: HttpRequest, config_id: int) -> HttpResponse:
    """A badge's image as its achievement publishes it (the uploaded image, or the generated default)."""
    from credential_admin.badges.artefact import config_image
    from credential_admin.models import CredentialConfig

    config = CredentialConfig.objects.filter(pk=config_id, level=CredentialConfig.Level.BADGE).first()
    if config is None:
        raise Http404
    try:
        image = config_image(config)
    except images.ImageError:  # an image changed in the database behind the checks: not served
        raise Http404 from None
    response = HttpResponse(image.data, content_type=image.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@cache_control(public=True, max_age=3600)
def issuer(request: HttpRequest, org: str = "") -> HttpResponse:
    """The issuer Profile of the platform, or of an organisation configured in ORGANISATION_ISSUERS."""
    document = export.issuer_profile(org)
    if document is None:
        raise Http404
    return _json_ld(document)


@require_GET
@cache_control(public=True, max_age=3600)
def key(request: HttpRequest, key_id: str, org: str = "") -> HttpResponse:
    """The Multikey document of a signing key: current and retired keys alike, so old proofs keep verifying."""
    document = export.key_document(key_id, org)
    if document is None:
        raise Http404
    return _json_ld(document)

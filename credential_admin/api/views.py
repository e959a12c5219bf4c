"""The learner API (Django REST Framework), as the platform's own APIs are: the MFEs' JWT cookie (edx-drf-extensions,
where the platform provides it) or the session; JSON only; errors as ``{"detail": …}``.

- ``GET  api/v1/credentials/``: the learner's credentials, newest first, paginated, with their links;
- ``GET  api/v1/progress/<course key>/``: the learner's checklist for each credential of a course (what the block
  shows), and their Learning Path progress;
- ``POST api/v1/progress/<course key>/claim/``: claim one of them.

Anonymous callers get 401. ``?username=`` names another learner: global staff may name anyone (404 for an unknown
learner), course staff the learners of their courses; anyone else gets 403, whether the learner exists or not.
"""
from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from credential_admin import compat, conf
from credential_admin.api import schema, serializers
from credential_admin.api.progress import config_progress, course_progress
from credential_admin.backends import get_backend
from credential_admin.issuing.api import ClaimRefused, claim
from credential_admin.models import Credential, CredentialConfig
from credential_admin.verification.records import PUBLIC_STATUSES, level_label

SCHEMA_RENDERERS = [OpenApiJsonRenderer, OpenApiYamlRenderer]
SCHEMA_SETTINGS = {
    "TITLE": "Credential XBlock learner API",
    "DESCRIPTION": "A learner's credentials, progress toward them, and claims (the MFE widgets read this).",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",  # nullable objects as oneOf [object, null], which validators read one way only
}


def authentication_classes() -> list[type]:
    """The platform's JWT cookie authentication first, where present, then the session."""
    jwt = compat.jwt_cookie_authentication()
    return [jwt, schema.SessionAuthentication] if jwt else [schema.SessionAuthentication]


class CredentialsPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def _absolute(path: str | None) -> str | None:
    return f"{conf.base_url()}{path}" if path else None


def _reverse(name: str, verification_id: str) -> str | None:
    try:
        return reverse(name, args=[verification_id])
    except NoReverseMatch:  # the download view belongs to the issuing app; absent in a stripped-down URLconf
        return None


def serialize(credential: Credential) -> dict[str, Any]:
    """One credential as the dashboard shows it, with the links that apply to its status."""
    public = credential.status in PUBLIC_STATUSES
    current = credential.status == Credential.Status.ISSUED
    snapshot = credential.snapshot or {}
    return {
        "verification_id": credential.verification_id,
        "code": credential.formatted_code,
        "status": credential.status,
        "title": snapshot.get("title") or credential.config.display_name,
        "display_name": credential.config.display_name,
        "level": credential.config.level,
        "level_label": level_label(credential.config.level),
        "course_key": credential.config.course_key,
        "issued_on": credential.issued_on.isoformat() if credential.issued_on else None,
        "reissued_at": credential.reissued_at.isoformat() if credential.reissued_at else None,
        "revoked_at": credential.revoked_at.isoformat() if credential.revoked_at else None,
        "download_url": _absolute(_reverse("credential_admin:credential_download", credential.verification_id))
        if current and credential.storage_key else None,
        "verify_url": _absolute(_reverse("credential_admin:verify:page", credential.verification_id))
        if public and conf.feature("VERIFICATION_PAGE") else None,
        "open_badge_url": _absolute(_reverse("credential_admin:verify:ob3", credential.verification_id))
        if current and conf.feature("OPEN_BADGES_EXPORT") else None,
        "badge": _badge(credential),
    }


def _badge(credential: Credential) -> dict[str, Any] | None:
    """A badge's name and description as issued, and its image (the achievement's, public); None otherwise."""
    badge = (credential.snapshot or {}).get("badge")
    if credential.config.level != CredentialConfig.Level.BADGE or not badge:
        return None
    return {"name": badge.get("name", ""), "description": badge.get("description", ""),
            "image_url": _absolute(reverse("credential_admin:verify:badge_image", args=[credential.config_id]))}


def _is_global_staff(user) -> bool:
    return bool(user.is_staff or user.is_superuser)


def _named_learner(request: Request) -> tuple[bool, Any]:
    """Whether ``?username=`` names someone other than the caller, and that user (None when unknown)."""
    username = request.query_params.get("username", "").strip()
    if not username or username == request.user.get_username():
        return False, None
    User = get_user_model()
    return True, User.objects.filter(**{User.USERNAME_FIELD: username[:150]}).first()


def _not_found() -> exceptions.NotFound:
    return exceptions.NotFound(_("No such learner."))


def _refused() -> exceptions.PermissionDenied:
    return exceptions.PermissionDenied(_("Only staff may see another learner's credentials."))


def _course_key(value: str) -> str:
    try:
        return str(CourseKey.from_string(value))
    except InvalidKeyError:
        raise exceptions.ParseError(_('"{key}" is not a course key.').format(key=value[:100])) from None


def documented(**kwargs):
    """`extend_schema` on drf-spectacular's own AutoSchema, whatever the site's DEFAULT_SCHEMA_CLASS is."""
    def decorate(method):
        method.schema = AutoSchema
        return extend_schema(**kwargs)(method)
    return decorate


USERNAME = OpenApiParameter("username", str, description="Another learner (staff only).")
ERRORS = {
    401: OpenApiResponse(serializers.ErrorSerializer, description="Not signed in."),
    403: OpenApiResponse(serializers.ErrorSerializer, description="Another learner, and the caller is not staff."),
    404: OpenApiResponse(serializers.ErrorSerializer, description="Unknown learner (staff), or no such page."),
}


class LearnerAPIView(APIView):
    """What every view of the API shares: authentication, JSON, the description's generator."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    schema = AutoSchema()

    def get_authenticators(self):
        return [cls() for cls in authentication_classes()]


class CredentialListView(LearnerAPIView):
    """The learner's credentials, newest first. Course staff naming a learner see only the credentials of the
    courses they staff (the download rule); global staff see all."""

    @documented(operation_id="credentials_list", parameters=[USERNAME, OpenApiParameter("page", int),
                                                                 OpenApiParameter("page_size", int)],
                   responses={200: serializers.CredentialPageSerializer, **ERRORS})
    def get(self, request: Request) -> Response:
        named, learner = _named_learner(request)
        rows = Credential.objects.filter(user=learner if named else request.user).select_related("config")
        rows = rows.order_by("-created", "-id")
        if named and _is_global_staff(request.user):
            if learner is None:
                raise _not_found()
        elif named:
            backend = get_backend()
            staffed = [key for key in rows.values_list("config__course_key", flat=True).distinct()
                       if backend.is_course_staff(request.user, key)]
            if learner is None or not staffed:
                raise _refused()
            rows = rows.filter(config__course_key__in=staffed)
        learner = learner if named else request.user
        paginator = CredentialsPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        response = paginator.get_paginated_response([serialize(row) for row in page])
        response.data = {"username": learner.get_username(), **response.data}
        return response


def _progress_subject(request: Request, course_key: str):
    """The learner whose progress is asked for: the caller, or a learner named by the course's staff."""
    named, learner = _named_learner(request)
    if not named:
        return request.user
    if not (_is_global_staff(request.user) or get_backend().is_course_staff(request.user, course_key)):
        raise _refused()
    if learner is None:
        raise _not_found()
    return learner


class CourseProgressView(LearnerAPIView):
    """The learner's checklist for each credential of the course, as the Credential block shows it; empty lists
    when the course has none."""

    @documented(operation_id="progress_retrieve", parameters=[USERNAME],
                   responses={200: serializers.CourseProgressSerializer,
                              400: OpenApiResponse(serializers.ErrorSerializer, description="Not a course key."),
                              **ERRORS})
    def get(self, request: Request, course_key: str) -> Response:
        key = _course_key(course_key)
        return Response(course_progress(_progress_subject(request, key), key))


class ClaimView(LearnerAPIView):
    """Claim one credential of the course for the signed-in learner; idempotent once issued."""

    @documented(operation_id="progress_claim", request=serializers.ClaimSerializer,
                   responses={200: serializers.ConfigProgressSerializer,
                              400: OpenApiResponse(serializers.ErrorSerializer, description="Bad request body."),
                              401: ERRORS[401],
                              404: OpenApiResponse(serializers.ErrorSerializer,
                                                   description="No such credential in this course."),
                              409: OpenApiResponse(serializers.ErrorSerializer,
                                                   description="Not claimable (yet): the reason, in words.")})
    def post(self, request: Request, course_key: str) -> Response:
        key = _course_key(course_key)
        body = serializers.ClaimSerializer(data=request.data if isinstance(request.data, dict) else {})
        if not body.is_valid():
            raise exceptions.ParseError(_('Send {"usage_key": "<the Credential block>"} as JSON.'))
        config = CredentialConfig.objects.filter(course_key=key, usage_key=body.validated_data["usage_key"],
                                                 is_published=True).first()
        if config is None:
            raise exceptions.NotFound(_("This course has no such credential."))
        try:
            claim(request.user, key, config.usage_key)
        except ClaimRefused as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        records = get_backend().records(key, [request.user.pk])
        return Response(config_progress(config, request.user, records[0] if records else None))

"""The learner credential API: the current learner's credentials; staff may name a learner with ``?username=``.

Anonymous callers get 401, a learner asking about someone else 403, staff asking about an unknown learner 404.
"""
from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from credential_admin import conf
from credential_admin.issuing.views import is_course_staff
from credential_admin.models import Credential
from credential_admin.verification.records import PUBLIC_STATUSES, level_label


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


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
    }


@require_GET
def credentials(request: HttpRequest) -> JsonResponse:
    """``{"username": …, "results": [...]}``, newest first. Course staff asking about a learner see only the
    credentials of the courses they staff (the same rule as downloads); global staff see all."""
    if not request.user.is_authenticated:
        return _error(_("Authentication required."), 401)
    username = request.GET.get("username", "").strip()
    me = request.user
    if not username or username == me.get_username():
        return _listing(me, Credential.objects.filter(user=me))
    global_staff = me.is_staff or me.is_superuser
    user = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username[:150]}).first()
    if user is None:
        return _error(_("No such learner."), 404) if global_staff else _refused()
    rows = Credential.objects.filter(user=user)
    if not global_staff:
        rows = [row for row in rows.select_related("config") if is_course_staff(me, row.config.course_key)]
        if not rows:
            return _refused()
    return _listing(user, rows)


def _refused() -> JsonResponse:
    return _error(_("Only staff may see another learner's credentials."), 403)


def _listing(user, rows) -> JsonResponse:
    if not isinstance(rows, list):
        rows = list(rows.select_related("config").order_by("-created"))
    return JsonResponse({"username": user.get_username(), "results": [serialize(row) for row in rows]},
                        json_dumps_params={"ensure_ascii": False})

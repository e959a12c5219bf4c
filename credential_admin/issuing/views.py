"""The authorised download of a certificate file: its owner and course staff only; anyone else gets 404."""
from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from credential_admin.issuing import storage
from credential_admin.models import Credential

log = logging.getLogger(__name__)


def is_course_staff(user, course_key: str) -> bool:
    """Whether the user is staff of the course, as the backend's platform decides (global staff included)."""
    from credential_admin.backends import get_backend

    return get_backend().is_course_staff(user, course_key)


def artefact_name(credential: Credential) -> tuple[str, str]:
    """(file name, content type) of the stored artefact: a certificate PDF, or a badge's baked PNG or SVG."""
    extension = credential.storage_key.rsplit(".", 1)[-1]
    if extension in ("png", "svg"):
        return download_name(credential, extension), "image/png" if extension == "png" else "image/svg+xml"
    return download_name(credential, "pdf"), "application/pdf"


def download_name(credential: Credential, extension: str) -> str:
    """The saved file's name: course (or path) title and level, e.g. "credentials-in-practice-completion.pdf"; a
    badge's name instead of the title ("homework-hero-badge.png")."""
    badge = (credential.snapshot or {}).get("badge") or {}
    title = str(badge.get("name") or (credential.snapshot or {}).get("title") or credential.config.course_key)
    level = str((credential.snapshot or {}).get("level") or credential.config.level)
    stem = slugify(f"{title} {level}", allow_unicode=True)[:120].strip("-") or "certificate"
    return f"{stem}.{extension}"


@require_GET
def download(request: HttpRequest, verification_id: str) -> HttpResponse:
    """Stream the PDF, or redirect to a presigned URL that expires in minutes. Unknown, not yet issued, and
    someone else's credentials all look the same: 404, so the response leaks nothing."""
    credential = (Credential.objects.select_related("config")
                  .filter(verification_id=verification_id[:64], status=Credential.Status.ISSUED).first())
    if credential is None or not request.user.is_authenticated:
        raise Http404
    if credential.user_id != request.user.pk and not is_course_staff(request.user, credential.config.course_key):
        raise Http404
    try:
        return storage.download_response(credential.storage_key, *artefact_name(credential))
    except storage.StorageError:
        log.exception("Certificate file of %s unavailable", credential.pk)
        return HttpResponse(status=503, headers={"Retry-After": "60"})

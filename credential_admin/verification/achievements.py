"""The Achievement documents that Open Badges credentials name by id (…/credentials/achievements/<config id>/)."""
from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from credential_admin.models import Credential

from . import export, openbadges, records
from .views import _json_ld, feature_required


@require_GET
@feature_required("OPEN_BADGES_EXPORT")
@cache_control(public=True, max_age=3600)
def achievement(request: HttpRequest, config_id: int) -> HttpResponse:
    """The Achievement as the credentials embed it (no learner data): built from the configuration's latest issued
    credential, so the two never differ; 404 before the first one."""
    latest = (Credential.objects.filter(config_id=config_id, status=Credential.Status.ISSUED)
              .order_by("-pk").values_list("verification_id", flat=True).first())
    credential = records.find(latest) if latest else None
    if credential is None:
        raise Http404
    facts = export.badge_facts(credential, records.facts_of(credential))
    return _json_ld({"@context": [export.VC_V2, export.OB_V3], **openbadges.achievement(facts)})

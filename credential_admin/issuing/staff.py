"""What the Credential block's staff panel asks of the issuing app: grant by hand, revoke, reinstate, the failed
credentials and retrying them. Plain ids in (course and usage keys, usernames, printed codes), plain dicts out, so
the block needs no model imports; the block checks course staff, these functions act through the lifecycle API as
the staff member. Refusals raise `StaffRefused` with a translated message; nothing is changed then.
"""
from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from credential_admin.issuing import lifecycle, pipeline, selection
from credential_admin.issuing.api import published_config
from credential_admin.models import Credential, CredentialConfig

ACTIONS = ("grant", "revoke", "reinstate", "retry", "failed")


class StaffRefused(Exception):
    """A staff action that cannot be done; str(exc) says why."""


def perform(action: str, staff_user, course_key: str, usage_key: str, data: dict[str, Any]) -> dict[str, Any]:
    """Run one staff action (`data`: username, reason, code as the form sent them); {"message": …} and, for
    "failed", the list of failed credentials."""
    if action not in ACTIONS:
        raise StaffRefused(_("Unknown action."))
    config = published_config(course_key, usage_key)
    if config is None:
        raise StaffRefused(_("This credential is not published yet."))
    if action == "failed":
        return {"failed": failed(config)}
    actor = lifecycle.Actor.person(staff_user)
    reason = _text(data, "reason")
    try:
        if action == "retry":
            row = lifecycle.retry(_failed_by_code(config, _text(data, "code")), actor=actor)
            return _result(_("{code} issued to {user}."), row)
        learner = _learner(_text(data, "username"))
        if action == "grant":
            _require_enrolled(learner, config)
            return _result(_("Granted to {user}: {code}."), lifecycle.grant(learner, config, actor=actor,
                                                                          reason=reason))
        if action == "revoke":
            row = pipeline.active_credential(learner.pk, config)
            if row is None:
                raise StaffRefused(_("{user} holds no active credential here.").format(user=learner.get_username()))
            return _result(_("Revoked {user}'s credential {code}."), lifecycle.revoke(row, actor=actor, reason=reason))
        row = lifecycle.reinstate(learner, config, actor=actor, reason=reason)
        return _result(_("Reinstated {user}: they can receive this credential again ({code} stays revoked)."), row)
    except lifecycle.LifecycleError as exc:
        raise StaffRefused(str(exc)) from None


def failed(config: CredentialConfig) -> list[dict[str, Any]]:
    """The configuration's failed credentials, oldest first: who, the code, why and how many attempts."""
    rows = Credential.objects.filter(config=config, status=Credential.Status.FAILED).select_related("user")
    return [{"code": row.formatted_code, "username": row.user.get_username(), "reason": row.failure_reason,
             "attempts": row.attempts} for row in rows.order_by("pk")]


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    return value.strip() if isinstance(value, str) else ""


def _learner(username: str):
    if not username:
        raise StaffRefused(_("Enter the learner's username."))
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise StaffRefused(_("No learner has the username {name}.").format(name=username))
    return user


def _require_enrolled(user, config: CredentialConfig) -> None:
    from credential_admin.backends import get_backend

    records = get_backend().records(config.course_key, [user.pk])
    if not records or records[0].enrollment is None:
        raise StaffRefused(_("{user} is not enrolled in this course.").format(user=user.get_username()))


def _failed_by_code(config: CredentialConfig, typed: str) -> Credential:
    code = selection.as_short_code(typed)
    row = Credential.objects.filter(config=config, short_code=code).select_related("user").first() if code else None
    if row is None:
        raise StaffRefused(_("No credential {code} here.").format(code=typed or "—"))
    return row


def _result(template: str, row: Credential) -> dict[str, Any]:
    return {"message": template.format(user=row.user.get_username(), code=row.formatted_code),
            "code": row.formatted_code, "status": row.status}

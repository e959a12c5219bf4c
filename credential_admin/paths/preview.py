"""The admin's preview of a path credential: who qualifies now and, for the others, why not (the checklist's
words), for the first learners enrolled in the path or for one learner searched by username."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from credential_admin.issuing import pipeline
from credential_admin.models import CredentialConfig
from credential_admin.paths import source
from credential_admin.paths.issuing import decide_path
from credential_admin.paths.rules import PathRules, rules_for

LIMIT = 50


@dataclass(frozen=True)
class Row:
    username: str
    name: str
    qualifies: bool
    reasons: tuple[str, ...]
    credential: str = ""  # the status of the learner's credential, if they hold one


@dataclass
class Preview:
    rules: PathRules
    rows: list[Row] = field(default_factory=list)
    enrolled: int = 0
    searched: str = ""
    not_found: bool = False


def preview(config: CredentialConfig, username: str = "", limit: int = LIMIT) -> Preview:
    """The preview for the first `limit` learners enrolled in the path, or for the learner named `username`."""
    rules = rules_for(config)
    enrolled = source.enrolled_user_ids(rules.path_key)
    result = Preview(rules, enrolled=len(enrolled), searched=username.strip()[:150])
    if result.searched:
        user = get_user_model().objects.filter(username=result.searched).first()
        if user is None:
            result.not_found = True
            return result
        user_ids = [user.pk]
    else:
        user_ids = enrolled[:limit]
    if rules.errors or not user_ids:
        return result
    decisions, _title = decide_path(config, user_ids, rules=rules)
    names = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))
    result.rows = [_row(decision, names.get(decision.user_id, str(decision.user_id))) for decision in decisions]
    return result


def _row(decision: pipeline.Decision, username: str) -> Row:
    record = decision.record
    name = (record.full_name if record else "") or username
    held = decision.credential.get_status_display() if decision.credential is not None else ""
    reasons = tuple(message.render(_) for message in decision.reasons)
    return Row(username, name, decision.eligible, reasons, str(held))

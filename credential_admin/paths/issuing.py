"""Path credentials through the issuing pipeline: decisions for a path configuration, claims, automatic issuing.

`pipeline.issue_for_users` calls `decide_path` for a configuration whose learning context is a path, so bulk
issuing, the command, Celery tasks and the lifecycle handle path credentials exactly like course ones.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from credential_admin import conf, ratelimit
from credential_admin.issuing import pipeline
from credential_admin.issuing.api import ClaimRefused
from credential_admin.models import Credential, CredentialConfig
from credential_admin.paths import is_path_key, source
from credential_admin.paths import rules as path_rules
from credential_admin.paths.evaluate import PathProgress, evaluate_batch
from credential_xblock.records import LearnerRecord
from credential_xblock.rules import N_, Evaluation, Message


class PathClaimRefused(ClaimRefused):
    """A path claim that cannot be honoured; str(exc) is a translated message for the learner."""


def decide_path(config: CredentialConfig, user_ids: Sequence[int], backend=None,
                rules: path_rules.PathRules | None = None) -> tuple[list[pipeline.Decision], str]:
    """The pipeline's decisions for these learners on this path configuration, and the path's title."""
    rules = rules or path_rules.rules_for(config)
    ids = list(dict.fromkeys(int(user_id) for user_id in user_ids))
    if rules.errors:
        return [pipeline.Decision(user_id, False, rules.errors) for user_id in ids], rules.title
    held, revoked = pipeline.held_and_revoked(config, ids)
    progress = evaluate_batch(rules, ids, backend)
    return [_decision(p, held.get(p.user_id), p.user_id in revoked) for p in progress], rules.title


def _decision(progress: PathProgress, held: Credential | None, revoked: bool) -> pipeline.Decision:
    record = progress.record
    if held is not None:  # decided when it was reserved: leaving the path later takes nothing away
        return pipeline.Decision(progress.user_id, True, (), record, None, held)
    if revoked:
        why = (Message(N_("A credential for this learner was revoked.")),)
        return pipeline.Decision(progress.user_id, False, why, record, access=why)
    access = () if progress.enrolled else (Message(N_("You are not enrolled in this learning path.")),)
    evaluation = Evaluation((progress.path_grade,)) if progress.path_grade is not None else None
    return pipeline.Decision(progress.user_id, progress.eligible, progress.reasons(), record, evaluation,
                             access=access, facts={"courses": printed_courses(progress)})


def printed_courses(progress: PathProgress) -> list[dict[str, Any]]:
    """The path's courses as printed and signed: key, title and the rules met in each."""
    return [{"key": course.rule.course_key, "title": course.rule.title, "rules_met": [
        {"kind": rule.kind, "type": rule.assignment_type, "required": format(rule.required.normalize(), "f"),
         "achieved": rule.current} for rule in (course.evaluation.rules_met if course.evaluation else ())]}
        for course in progress.courses]


def claim_path(user, config: CredentialConfig) -> Credential:
    """Issue the learner's path credential when they qualify (queued after commit); raise PathClaimRefused."""
    from credential_admin import tasks

    if not config.is_published or not is_path_key(config.course_key):
        raise PathClaimRefused(_("This learning path credential is not available."))
    current = pipeline.active_credential(user.pk, config)
    if current is not None and current.status == Credential.Status.ISSUED:
        return current
    if not ratelimit.allow("claim", str(user.pk), int(conf.get("CLAIMS_PER_MINUTE"))):
        raise PathClaimRefused(_("Too many attempts. Wait a minute, then try again."))
    if current is None:
        decisions, title = decide_path(config, [user.pk])
        decision = decisions[0]
        if not decision.eligible:
            reasons = "; ".join(message.render(_) for message in decision.reasons)
            raise PathClaimRefused(_("You cannot claim this credential yet: {reasons}.").format(reasons=reasons))
        with transaction.atomic():
            current = pipeline.reserve(config, [decision], title, actor=user)[0]
    tasks.queue_credential(current.pk)
    current.refresh_from_db()
    return current


def claim_from_course(user, course_key: str, config_id: object) -> Credential:
    """A claim made in a course's Credential block: `config_id` must name a path credential of a path that
    includes this course (a learner may claim from any course of the path)."""
    config = next((c for c in path_rules.path_configs(course_key=str(course_key)) if str(c.pk) == str(config_id)),
                  None)
    if config is None:
        raise PathClaimRefused(_("This learning path credential is not offered in this course."))
    return claim_path(user, config)


def candidates(user_id: int, course_key: str) -> list[CredentialConfig]:
    """The path credentials a learner's progress in this course may now complete: of the paths that include the
    course and that the learner is actively enrolled in, those they neither hold nor were revoked from. One query
    when the learner follows no path with this course (the usual case)."""
    keys = source.learner_paths_with_course(user_id, str(course_key))
    configs = path_rules.path_configs(path_keys=keys) if keys else []
    blocked = set(Credential.objects.filter(user_id=user_id, config__in=configs)
                  .filter(Q(active=True) | Q(status=Credential.Status.REVOKED, reinstated_at__isnull=True))
                  .values_list("config_id", flat=True)) if configs else set()
    return [config for config in configs if config.pk not in blocked]


def issue_for_course_event(user_id: int, course_key: str, actor=None) -> int:
    """Automatic issuing: after a learner's progress changes in a course, issue every path credential of the paths
    that include it and that the learner now meets (credential_admin.autoissue calls this). Returns how many
    were issued."""
    return sum(pipeline.issue_for_users(config, [user_id], actor).issued for config in candidates(user_id, course_key))


def learner_records(path_key: str, user_ids: Sequence[int], backend=None) -> list[LearnerRecord]:
    """Records naming these learners for a path credential (name, language): from the path's first course, where
    a learner of the path is enrolled (the lifecycle reprints names from them)."""
    from credential_admin.backends import get_backend

    info = source.path_info(path_key)
    if info is None or not info.steps:
        return []
    return (backend or get_backend()).records(info.steps[0].course_key, list(user_ids))


def path_title(path_key: str) -> str:
    """The path's display name ('' for an unknown path)."""
    info = source.path_info(path_key)
    return info.title if info else ""

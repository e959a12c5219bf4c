"""The learner's checklist: `rules.evaluate` plus eligibility and credential state, in words a learner reads.

Pure Python: the block gathers the inputs (criteria, learner record, eligibility context, credential state) and
renders the JSON-friendly dict returned by `build` with one template, both in the page and in the `progress`
handler, so a refresh shows exactly what a reload would.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from credential_xblock.i18n import format_date, render_message
from credential_xblock.records import EligibilityContext, LearnerRecord
from credential_xblock.rules import (
    COMPLETION,
    GRADE,
    N_,
    SECTION_COMPLETION,
    ConfigurationError,
    Criteria,
    Evaluation,
    Message,
    RuleResult,
    access_problems,
    evaluate,
)

CONFIG_ERROR = "config_error"
SIGNED_OUT = "signed_out"
NOT_ENROLLED = "not_enrolled"
NOT_AVAILABLE = "not_available"
IN_PROGRESS = "in_progress"
ELIGIBLE = "eligible"
ISSUED = "issued"
PENDING = "pending"
REVOKED = "revoked"
EXPIRED = "expired"

NOT_ENROLLED_MESSAGE = Message(N_("You are not enrolled in this course."))
HEADLINES = {
    CONFIG_ERROR: N_("This credential is not set up yet: the course team still has to finish its settings."),
    SIGNED_OUT: N_("Sign in and enroll to see your progress toward this credential."),
    NOT_ENROLLED: N_("You cannot receive this credential yet."),
    NOT_AVAILABLE: N_("You cannot claim this credential yet."),
    IN_PROGRESS: N_("Not yet eligible: complete the steps below."),
    ELIGIBLE: N_("You have met every requirement. Claim your credential."),
    ISSUED: N_("Your credential has been issued."),
    PENDING: N_("Your credential is being prepared. Check back in a few minutes."),
    REVOKED: N_("This credential was revoked. Contact the course team if you have questions."),
    EXPIRED: N_("Your credential has expired."),
}
# A badge's checklist says "badge" where it would say "credential".
BADGE_HEADLINES = {
    ELIGIBLE: N_("You have met every requirement. Claim your badge."),
    ISSUED: N_("You have earned this badge."),
    PENDING: N_("Your badge is being prepared. Check back in a few minutes."),
    REVOKED: N_("This badge was revoked. Contact the course team if you have questions."),
    EXPIRED: N_("Your badge has expired."),
}


@dataclass(frozen=True)
class Inputs:
    """Everything the checklist depends on for one learner and one Credential block."""

    criteria: Criteria | None
    config_errors: tuple[Message, ...]
    record: LearnerRecord | None
    context: EligibilityContext
    now: datetime
    credential: Any = None  # the issuing app's credential state (status, verify_url, ...) or None
    signed_in: bool = False  # a signed-in learner without a record is someone the course does not know


def build(inputs: Inputs, translator: Any) -> dict:
    """The checklist as a JSON-friendly dict: status, headline, messages, one entry per rule, credential links."""
    gettext = translator.gettext
    errors = list(inputs.config_errors)
    evaluation = None
    if inputs.criteria is not None and inputs.record is not None and not errors:
        try:
            evaluation = evaluate(inputs.criteria, inputs.record.as_shown())  # never reveal hidden scores
        except ConfigurationError as exc:
            errors.append(exc.message)
    status, messages = _status(inputs, evaluation, errors)
    return {
        "status": status,
        "headline": gettext(HEADLINES[status]),
        "messages": [render_message(message, gettext) for message in messages],
        "config_errors": [message.render(gettext) for message in errors],
        "eligible": status == ELIGIBLE,
        "rules": [_rule_item(rule, translator) for rule in evaluation.rules] if evaluation else [],
        "credential": _credential_links(inputs.credential) if status in (ISSUED, REVOKED) else None,
    }


def _status(inputs: Inputs, evaluation: Evaluation | None, errors: list[Message]) -> tuple[str, list[Message]]:
    """The state shown to the learner, and the explanations that go with it."""
    if errors:
        return CONFIG_ERROR, []
    state = getattr(inputs.credential, "status", None)
    if state in (ISSUED, PENDING, REVOKED):
        return state, []
    if state == EXPIRED:
        return state, [Message(N_("It was valid until {date}."), {"date": inputs.credential.expires_on})]
    if inputs.record is None:
        return (NOT_ENROLLED, [NOT_ENROLLED_MESSAGE]) if inputs.signed_in else (SIGNED_OUT, [])
    problems = access_problems(inputs.record, inputs.context, inputs.now)
    enrollment = inputs.record.enrollment
    enrolled = enrollment is not None and enrollment.is_active and (
        not inputs.context.allowed_modes or enrollment.mode in inputs.context.allowed_modes
    )
    if not enrolled:
        return NOT_ENROLLED, problems
    if problems:
        return NOT_AVAILABLE, problems
    return (ELIGIBLE if evaluation is not None and evaluation.eligible else IN_PROGRESS), []


def threshold_text(value: Decimal) -> str:
    """A threshold as typed, without trailing zeros: 90, 82.5."""
    return format(value.normalize(), "f")


def _rule_item(rule: RuleResult, translator: Any) -> dict:
    gettext, ngettext = translator.gettext, translator.ngettext
    required = threshold_text(rule.required)
    if rule.kind in (COMPLETION, SECTION_COMPLETION):
        label = (gettext("Complete at least {required}% of the course") if rule.kind == COMPLETION
                 else gettext("Complete at least {required}% of {section}")).format(required=required,
                                                                                    section=rule.section_title)
        value = gettext("{done} of {total} units complete: {current}%").format(
            done=rule.completed_units, total=rule.total_units, current=rule.current)
        left = ngettext("{count} more unit", "{count} more units", rule.remaining).format(count=rule.remaining)
        if not rule.total_units:
            left = (gettext("This course has no units to count yet.") if rule.kind == COMPLETION
                    else gettext("This section has no units to count yet."))
        note = gettext("Only units with required content count: optional content, and units holding nothing "
                       "else, are left out.")
    else:
        note = ""
        topic = gettext("your overall grade") if rule.kind == GRADE else rule.assignment_type
        label = (gettext("Reach an overall grade of at least {required}%") if rule.kind == GRADE
                 else gettext("Score at least {required}% on {type}")).format(required=required, type=topic)
        value = (gettext("Overall grade: {current}%") if rule.kind == GRADE
                 else gettext("{type}: {current}%")).format(current=rule.current, type=topic)
        left = ngettext("+{count} point on {topic}", "+{count} points on {topic}", rule.remaining).format(
            count=rule.remaining, topic=topic)
    return {
        "kind": rule.kind,
        "assignment_type": rule.assignment_type or rule.section,
        "label": label,
        "value": value,
        "current": rule.current,
        "required": required,
        "met": rule.met,
        "remaining": rule.remaining,
        "left": gettext("Done") if rule.met else left,
        "note": note,
        "bar": max(0, min(100, rule.current)),
        "marker": threshold_text(min(rule.required, Decimal(100))),
        "aria_text": gettext("{current}% of the {required}% required").format(current=rule.current, required=required),
    }


def add_badge(data: dict, badge: dict | None, gettext) -> dict:
    """Put a badge (see `badge_item`; None for certificates) above a built checklist, with its headline."""
    data["badge"] = badge
    if badge is not None and data["status"] in BADGE_HEADLINES:
        data["headline"] = gettext(BADGE_HEADLINES[data["status"]])
    return data


def badge_item(name: str, description: str, image: str) -> dict:
    """A badge above its checklist: its name, description and image (a data URI), greyed until issued."""
    return {"name": name, "description": description, "image": image}


def rule_summary(criteria: Criteria, translator: Any) -> list[str]:
    """Each rule in one line, for authors: "At least 90% of the course's units complete"."""
    gettext = translator.gettext
    lines = []
    if criteria.min_completion is not None:
        lines.append(gettext("Complete at least {required}% of the course").format(
            required=threshold_text(criteria.min_completion)))
    if criteria.min_grade is not None:
        lines.append(gettext("Reach an overall grade of at least {required}%").format(
            required=threshold_text(criteria.min_grade)))
    lines.extend(gettext("Score at least {required}% on {type}").format(required=threshold_text(value), type=name)
                 for name, value in criteria.min_type_grades.items())
    lines.extend(gettext("Complete at least {required}% of {section}").format(required=threshold_text(value),
                                                                            section=key)
                 for key, value in criteria.min_section_completion.items())
    return lines


def _credential_links(credential: Any) -> dict:
    issued_on = getattr(credential, "issued_on", None)
    if isinstance(issued_on, datetime):
        issued_on = issued_on.date()
    return {
        "status": credential.status,
        "verify_url": getattr(credential, "verify_url", "") or "",
        "download_url": getattr(credential, "download_url", "") or "",
        "issued_on": issued_on.isoformat() if isinstance(issued_on, date) else (issued_on or ""),
        "issued_on_text": format_date(issued_on) if isinstance(issued_on, date) else (issued_on or ""),
        "short_code": getattr(credential, "short_code", "") or "",
        "linkedin_url": getattr(credential, "linkedin_url", "") or "",
    }

"""Validation of the Credential block's Studio form: every invalid value gets its own message, keyed by field.

Pure Python (no Django): the block's submit handler calls `clean_settings` and saves only when it returns no
errors, so a bad value never reaches the fields. Rule thresholds go through `rules.parse_criteria` and the
per-type rules through `rules.check_assignment_types`, as everywhere else.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from credential_xblock.fields import LEVEL_BADGE, LEVELS
from credential_xblock.rules import (
    N_,
    Criteria,
    CriteriaError,
    Message,
    check_assignment_types,
    check_sections,
    parse_criteria,
)

MAX_TITLE = 255
MAX_DESCRIPTION = 2000
MAX_TEMPLATE_ID = 100
MAX_BADGE_DESCRIPTION = 500
MODE_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
# The platform's enrollment modes (common/djangoapps/course_modes/models.py, CourseMode's mode constants).
PLATFORM_MODES = ("audit", "credit", "executive-education", "honor", "masters", "no-id-professional",
                  "paid-bootcamp", "paid-executive-education", "professional", "unpaid-bootcamp",
                  "unpaid-executive-education", "verified")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Dates every supported database stores (MySQL's DATETIME starts in year 1000) with room for date arithmetic.
MIN_YEAR, MAX_YEAR = 1900, 9998


def parse_available_from(value: str) -> datetime | None:
    """An ISO date or datetime as an aware UTC datetime (a date means its start); None when empty.

    Raise ValueError carrying a Message when the text is not an ISO date.
    """
    text = (value or "").strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            moment = datetime.combine(datetime.strptime(text, "%Y-%m-%d").date(), time.min)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(Message(
            N_('"{value}" is not a date: use the form 2026-09-01 or 2026-09-01T09:00.'), {"value": value}
        )) from None
    try:
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:59:59-14:00 is in year 10000 in UTC
        moment = None
    if moment is None or not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ValueError(Message(N_('"{value}" is out of range: use a date between the years {low} and {high}.'),
                                 {"value": value, "low": MIN_YEAR, "high": MAX_YEAR}))
    return moment


MAX_VALIDITY_MONTHS = 600


def parse_validity_months(value: Any) -> int | None:
    """A validity period in whole months (1-600), or None when empty; ValueError carrying a Message otherwise."""
    text = _as_text(value).strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_VALIDITY_MONTHS:
        raise ValueError(Message(N_('"{value}" is not a number of months: use a whole number from 1 to {high}.'),
                                 {"value": text, "high": MAX_VALIDITY_MONTHS}))
    return int(text)


def parse_valid_until(value: Any) -> date | None:
    """A fixed last day of validity (an ISO date), or None when empty; ValueError carrying a Message otherwise."""
    text = _as_text(value).strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None or not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError(Message(N_('"{value}" is not a date: use the form 2027-12-31.'), {"value": text}))
    return day


def _validity(errors: dict, data: Mapping[str, Any]) -> dict[str, str]:
    """The validity fields as typed (trimmed), with a message for each bad one and for both set at once."""
    clean = {}
    for key, parse in (("validity_months", parse_validity_months), ("valid_until", parse_valid_until)):
        clean[key] = _as_text(data.get(key)).strip()
        try:
            parse(clean[key])
        except ValueError as exc:
            errors[key] = exc.args[0]
    if clean["validity_months"] and clean["valid_until"] and "valid_until" not in errors:
        errors["valid_until"] = Message(N_("Set a number of months or an end date, not both."))
    return clean


def clean_settings(
    data: Mapping[str, Any],
    assignment_types: Callable[[], Iterable[str]],
    template_names: Callable[[], Iterable[str]] = tuple,
    known_modes: Iterable[str] = PLATFORM_MODES,
    sections: Callable[[], Iterable[str]] | None = None,
) -> tuple[dict[str, Any], dict[str, Message]]:
    """Clean a submitted form into field values, or report a message per invalid field.

    `assignment_types` is called only when per-type rules are present (it asks the course's grading policy);
    `template_names` only when a template is named (an empty answer means "no template store to check against");
    `known_modes`: the enrollment modes a learner can hold (the platform's, plus a course's own where known);
    `sections` (the course's section and subsection keys) only when section rules are present, and those are not
    checked against the course when it is None.
    """
    errors: dict[str, Message] = {}
    clean: dict[str, Any] = {
        "display_name": _text(errors, "display_name", data.get("display_name"), MAX_TITLE, required=True),
        "description": _text(errors, "description", data.get("description"), MAX_DESCRIPTION, multiline=True),
        "template": _text(errors, "template", data.get("template"), MAX_TEMPLATE_ID),
        "level": _level(errors, data.get("level")),
        "allowed_modes": _modes(errors, data.get("allowed_modes"), known_modes),
        "available_from": _date(errors, data.get("available_from")),
        "badge_name": _text(errors, "badge_name", data.get("badge_name"), MAX_TITLE),
        "badge_description": _text(errors, "badge_description", data.get("badge_description"),
                                   MAX_BADGE_DESCRIPTION),
        "badge_criteria": _text(errors, "badge_criteria", data.get("badge_criteria"), MAX_DESCRIPTION, multiline=True),
        "badge_image": _badge_image(errors, data.get("badge_image")),
    }
    clean.update(_validity(errors, data))
    if clean["level"] == LEVEL_BADGE and not clean["badge_name"] and "badge_name" not in errors:
        errors["badge_name"] = Message(N_("A badge needs a name."))
    if clean["template"] and "template" not in errors:
        _check_template(errors, clean["template"], template_names)
    type_grades = _type_rows(errors, data.get("min_type_grades"))
    section_rules = _type_rows(errors, data.get("min_section_completion"), "min_section_completion", "section")
    raw_criteria = {
        "min_completion": _as_text(data.get("min_completion")).strip(),
        "min_grade": _as_text(data.get("min_grade")).strip(),
        "min_type_grades": type_grades,
        "min_section_completion": section_rules,
    }
    clean.update(raw_criteria)
    try:
        parse_criteria(raw_criteria)
    except CriteriaError as exc:
        errors.update(exc.errors)
    errors.update({key: message for key, message in _unplain_numbers(raw_criteria).items() if key not in errors})
    if type_grades:  # checked even when a threshold is bad, so the author sees every problem at once
        unknown = _unknown_types(list(type_grades), assignment_types)
        errors.update({key: message for key, message in unknown.items() if key not in errors})
    if section_rules and sections is not None:
        unknown = _unknown_sections(list(section_rules), sections)
        errors.update({key: message for key, message in unknown.items() if key not in errors})
    return clean, errors


def _unknown_sections(keys: list[str], sections: Callable[[], Iterable[str]]) -> dict[str, Message]:
    try:
        known = list(sections())
    except Exception:  # as for the grading policy: reported to the author, never a 500
        return {"min_section_completion": Message(N_("The course's sections could not be read; try again."))}
    return check_sections(Criteria(min_section_completion=dict.fromkeys(keys, Decimal(0))), known)


def _badge_image(errors: dict, value: Any) -> str:
    """A data URI of a checked PNG or SVG, or "" for the generated default (the checks live with the badges)."""
    text = _as_text(value).strip()
    if not text:
        return ""
    from credential_admin.badges.images import ImageError, from_data_uri

    try:
        from_data_uri(text)
    except ImageError as exc:
        errors["badge_image"] = exc.message
        return ""
    return text


def _unplain_numbers(raw: Mapping[str, Any]) -> dict[str, Message]:
    """Thresholds written in a form people misread (``1e2`` is 100): ask for the plain number."""
    fields = {"min_completion": raw["min_completion"], "min_grade": raw["min_grade"]}
    fields.update({f"min_type_grades.{name}": value for name, value in raw["min_type_grades"].items()})
    message = N_('Write "{value}" as a plain number such as 75 or 87.5 (no exponent, no separators).')
    return {key: Message(message, {"value": value}) for key, value in fields.items()
            if value and not PLAIN_NUMBER.fullmatch(value)}


def _unknown_types(names: list[str], assignment_types: Callable[[], Iterable[str]]) -> dict[str, Message]:
    try:
        known = list(assignment_types())
    except Exception:  # any failure to read the policy is reported to the author, never a 500
        return {"min_type_grades": Message(N_("The course's grading policy could not be read; try again."))}
    return check_assignment_types(Criteria(min_type_grades=dict.fromkeys(names, Decimal(0))), known)


def _check_template(errors: dict, name: str, template_names: Callable[[], Iterable[str]]) -> None:
    known = sorted(set(template_names()))
    if known and name not in known:
        errors["template"] = Message(
            N_('No certificate template is named "{name}" (templates: {known}). Leave empty for the built-in one.'),
            {"name": name, "known": ", ".join(known)},
        )


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _text(errors: dict, key: str, value: Any, limit: int, required: bool = False, multiline: bool = False) -> str:
    if value is not None and not isinstance(value, str):
        errors[key] = Message(N_("Enter text."))
        return ""
    text = (value or "").strip()
    if required and not text:
        errors[key] = Message(N_("This field is required."))
    elif len(text) > limit:
        errors[key] = Message(N_("Use at most {limit} characters (this has {length})."),
                              {"limit": limit, "length": len(text)})
    elif CONTROL_CHARS.search(text) or (not multiline and ("\n" in text or "\r" in text)):
        errors[key] = Message(N_("Remove the control characters or line breaks from this text."))
    return text


def _level(errors: dict, value: Any) -> str:
    if value not in LEVELS:
        errors["level"] = Message(N_('Choose "completion", "achievement" or "badge".'))
        return ""
    return value


def _modes(errors: dict, value: Any, known_modes: Iterable[str]) -> list[str]:
    """Known mode slugs from a list or a comma-separated string, deduplicated in order."""
    items = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else None
    if items is None or not all(isinstance(item, str) for item in items):
        errors["allowed_modes"] = Message(N_("List enrollment modes separated by commas."))
        return []
    modes = list(dict.fromkeys(item.strip() for item in items if item.strip()))
    bad = [mode for mode in modes if not MODE_SLUG.match(mode)]
    if bad:
        errors["allowed_modes"] = Message(
            N_('"{mode}" is not an enrollment mode slug (lower-case letters, digits, "-" and "_").'),
            {"mode": bad[0]},
        )
        return modes
    known = sorted(set(known_modes))
    unknown = [mode for mode in modes if mode not in known]
    if unknown:
        errors["allowed_modes"] = Message(
            N_('"{mode}" is not an enrollment mode (modes: {known}). Leave empty for every mode.'),
            {"mode": unknown[0], "known": ", ".join(known)},
        )
    return modes


def _date(errors: dict, value: Any) -> str:
    text = _as_text(value).strip()
    try:
        parse_available_from(text)
    except ValueError as exc:
        errors["available_from"] = exc.args[0]
    return text


def _type_rows(errors: dict, value: Any, field: str = "min_type_grades", key: str = "type") -> dict[str, str]:
    """Per-type (or, with `field` and `key`, per-section) rules from rows ``[{"type": ..., "value": ...}]`` (the
    form) or a mapping (JSON clients).

    Blank rows are ignored; a type listed twice is an error on that type's row.
    """
    if value is None or value == "":
        return {}
    if isinstance(value, Mapping):
        value = [{key: name, "value": threshold} for name, threshold in value.items()]
    if not isinstance(value, list) or not all(isinstance(row, Mapping) for row in value):
        errors[field] = Message(ROW_MESSAGES[field][0])
        return {}
    rows: dict[str, str] = {}
    for row in value:
        name, threshold = _as_text(row.get(key)).strip(), _as_text(row.get("value")).strip()
        if not name and not threshold:
            continue
        if not name:
            errors[field] = Message(ROW_MESSAGES[field][1])
        elif name in rows:
            errors[f"{field}.{name}"] = Message(N_('"{name}" is listed twice.'), {"name": name})
        else:
            rows[name] = threshold
    return rows


ROW_MESSAGES = {
    "min_type_grades": (N_("Assignment type rules must map a type name to a percentage."),
                        N_("An assignment type rule needs the type's name.")),
    "min_section_completion": (N_("Section rules must map a section to a percentage."),
                               N_("A section rule needs the section.")),
}

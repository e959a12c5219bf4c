"""Reading credentials for public verification: the only place the verification views query the database.

A credential is public once issued (then possibly superseded or revoked); pending and failed rows do not exist as
far as the public is concerned. Malformed ids and codes are rejected before any query.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.utils.translation import get_language

from credential_admin import conf
from credential_admin.issuing import signing
from credential_admin.issuing.pipeline import normalize_code, rule_lines
from credential_admin.models import Credential, CredentialConfig
from credential_admin.models.credentials import past_expiry
from credential_admin.retirement import is_withdrawn

PUBLIC_STATUSES = Credential.ISSUED_STATUSES
VERIFICATION_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
SHORT_CODE = re.compile(r"[0-9A-Z]{8,16}")
# Only these columns are read for public pages: nothing else about the learner ever reaches a template.
ROW_FIELDS = ("id", "verification_id", "short_code", "status", "snapshot", "issued_on", "reissued_at", "revoked_at",
              "revocation_reason", "payload", "signature", "key_id", "seal", "pdf_sha256", "config", "user",
              "expires_at", "modified")
EXPIRED = "expired"  # a public status computed from `expires_at`, never stored


def find(verification_id: str) -> Credential | None:
    """The public credential with this verification id, or None (also for anything malformed)."""
    return _lookup("verification_id", verification_id) if well_formed(verification_id) else None


def well_formed(verification_id: Any) -> bool:
    """Whether this can be a verification id at all (checked before any query)."""
    return isinstance(verification_id, str) and VERIFICATION_ID.fullmatch(verification_id) is not None


def public_status(status: str, expires_at: datetime | None) -> str:
    """The status a reader sees: EXPIRED for an issued credential past its end of validity."""
    return EXPIRED if past_expiry(status, expires_at) else status


def find_by_code(typed: str) -> Credential | None:
    """The public credential whose short code was typed (any case, hyphens and spaces ignored), or None."""
    code = normalize_code(typed or "")[:64]
    if not SHORT_CODE.fullmatch(code):
        return None
    return _lookup("short_code", code)


def _lookup(column: str, value: str) -> Credential | None:
    """One query, prepared once per database: the row plus the few related values a public page needs
    (config level and course, the superseding credential's id and status, and the learner's username and email,
    read only so that neither is ever displayed), as attributes of the Credential. This is the hot path of the
    verification page: building the ORM query with its joins each time cost more than running it."""
    alias = router.db_for_read(Credential)
    values = _read_row(alias, _lookup_sql(alias, column), value, ROW_FIELDS)
    if values is None:
        return None
    names, order = _model_order()
    credential = Credential.from_db(alias, names, [values[index] for index in order])
    for name, extra in zip(EXTRA_FIELDS, values[len(names):], strict=True):
        setattr(credential, name, extra)
    return credential


EXTRA_FIELDS = ("config_level", "config_course_key", "next_verification_id", "next_status", "private_username",
                "private_email")


def _read_row(alias: str, sql: str, value: str, fields: tuple[str, ...]) -> list[Any] | None:
    """The one row `sql` finds for `value` among the public statuses, the Credential `fields` it starts with
    converted as the ORM would; None when there is none. A plain cursor: raw()'s machinery cost more than the
    query."""
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [value, *map(str, PUBLIC_STATUSES)])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, convert in _converters(alias, fields):
        values[index] = convert(values[index])
    return values


@lru_cache(maxsize=8)
def _converters(alias: str, fields: tuple[str, ...]) -> list[tuple[int, Any]]:
    """By column index, the conversions the ORM applies to these Credential fields' values (dates on SQLite,
    JSON, booleans on MySQL), as the database's compiler would."""
    connection = connections[alias]
    converters = []
    for index, name in enumerate(fields):
        model_field = Credential._meta.get_field(name)
        column = model_field.get_col(Credential._meta.db_table)
        steps = connection.ops.get_db_converters(column) + model_field.get_db_converters(connection)
        if steps:
            converters.append((index, lambda value, steps=steps, column=column: _convert(value, steps, column,
                                                                                          connection)))
    return converters


@lru_cache(maxsize=1)
def _model_order() -> tuple[list[str], list[int]]:
    """The attribute names of ROW_FIELDS in the model's field order, which `Model.from_db` expects its values in,
    and their indexes into ROW_FIELDS."""
    position = {field.name: index for index, field in enumerate(Credential._meta.concrete_fields)}
    order = sorted(range(len(ROW_FIELDS)), key=lambda index: position[ROW_FIELDS[index]])
    return [Credential._meta.get_field(ROW_FIELDS[index]).attname for index in order], order


def _convert(value: Any, steps: list, column: Any, connection: Any) -> Any:
    for step in steps:
        value = step(value, column, connection)
    return value


@lru_cache(maxsize=8)
def _lookup_sql(alias: str, column: str) -> str:
    col, user = _columns(alias), get_user_model()
    selected = [col(Credential, name, "c") for name in ROW_FIELDS] + [
        f"{col(CredentialConfig, 'level', 'g')} AS config_level",
        f"{col(CredentialConfig, 'course_key', 'g')} AS config_course_key",
        f"{col(Credential, 'verification_id', 's')} AS next_verification_id",
        f"{col(Credential, 'status', 's')} AS next_status",
        f"{col(user, user.USERNAME_FIELD, 'u')} AS private_username",
        f"{col(user, user.get_email_field_name(), 'u')} AS private_email",
    ]
    quote = connections[alias].ops.quote_name
    learner = (f"INNER JOIN {quote(user._meta.db_table)} u "
               f"ON u.{quote(user._meta.pk.column)} = {col(Credential, 'user', 'c')} ")
    return _select(alias, selected, learner, column)


def _columns(alias: str):
    quote = connections[alias].ops.quote_name

    def col(model, name: str, table: str) -> str:
        return f"{table}.{quote(model._meta.get_field(name).column)}"
    return col


def _select(alias: str, selected: list[str], joins: str, column: str) -> str:
    """SELECT `selected` from a public credential found by `column`, its configuration and its successor."""
    quote, col = connections[alias].ops.quote_name, _columns(alias)
    credential, config = Credential._meta, CredentialConfig._meta
    # Identifiers come from model metadata (quoted), every value is a parameter.
    return (f"SELECT {', '.join(selected)} FROM {quote(credential.db_table)} c "  # noqa: S608
            f"INNER JOIN {quote(config.db_table)} g ON g.{quote(config.pk.column)} = {col(Credential, 'config', 'c')} "
            f"{joins}LEFT JOIN {quote(credential.db_table)} s "
            f"ON s.{quote(credential.pk.column)} = {col(Credential, 'superseded_by', 'c')} "
            f"WHERE {col(Credential, column, 'c')} = %s AND {col(Credential, 'status', 'c')} IN (%s, %s, %s)")


class State(NamedTuple):
    """What every public response of a credential depends on (see cache.version): its row's lifecycle fields and
    its successor's id and status, plus its course for tracking. Read alone by `find_state`, a query that touches
    no learner and no signed payload."""

    verification_id: str
    status: str
    modified: datetime
    revoked_at: datetime | None
    revocation_reason: str
    reissued_at: datetime | None
    expires_at: datetime | None
    key_id: str
    next_verification_id: str | None
    next_status: str | None
    course_key: str

    @property
    def public_status(self) -> str:
        return public_status(self.status, self.expires_at)


STATE_FIELDS = ("verification_id", "status", "modified", "revoked_at", "revocation_reason", "reissued_at",
                "expires_at", "key_id")


def find_state(verification_id: str) -> State | None:
    """The `State` of the public credential with this verification id, or None (also for anything malformed)."""
    if not well_formed(verification_id):
        return None
    alias = router.db_for_read(Credential)
    values = _read_row(alias, _state_sql(alias), verification_id, STATE_FIELDS)
    return None if values is None else State(*values)


def state_of(credential: Credential) -> State:
    """The `State` of a credential read by `find` (or given `annotate`'s attributes)."""
    return State(*(getattr(credential, name) for name in STATE_FIELDS), credential.next_verification_id,
                 credential.next_status, credential.config_course_key)


@lru_cache(maxsize=8)
def _state_sql(alias: str) -> str:
    col = _columns(alias)
    selected = [col(Credential, name, "c") for name in STATE_FIELDS] + [
        col(Credential, "verification_id", "s"), col(Credential, "status", "s"),
        col(CredentialConfig, "course_key", "g")]
    return _select(alias, selected, "", "verification_id")


@dataclass(frozen=True)
class PublicFacts:
    """Everything the verification page, its JSON and the exports may show, already filtered by the settings."""

    verification_id: str
    code: str
    status: str
    name: str | None
    title: str
    level: str
    level_label: str
    issued_on: date | None
    reissued_at: datetime | None
    rules: list[str]
    rules_met: list[dict[str, Any]]
    issuer: str
    course_key: str
    signature_valid: bool
    key_id: str
    superseded_by: str | None = None
    revoked_at: datetime | None = None
    revocation_reason: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    withdrawn: bool = False  # revoked because the holder's account was retired: no name, no signed facts
    expires_at: datetime | None = None  # end of validity; status is "expired" once past it
    courses: list[dict[str, Any]] = field(default_factory=list)  # a Learning Path's: key, title, rules in words

    @property
    def badge(self) -> dict[str, str] | None:
        """A badge's signed name, description and criteria ("" where missing); None for any other level."""
        badge = self.payload.get("badge") if self.level == "badge" else None
        return {part: str(badge.get(part, "")) for part in ("name", "description", "criteria")} if badge else None


def signed_payload(credential: Credential) -> dict[str, Any] | None:
    """The signed facts if the stored signature verifies them and they belong to this row; otherwise None."""
    data = (credential.payload or "").encode("utf-8")
    if not data or not signing.verify_sealed(data, credential.signature, credential.key_id, credential.seal):
        return None
    try:
        payload = json.loads(data)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) and payload.get("id") == credential.verification_id else None


def annotate(credential: Credential) -> Credential:
    """Give a Credential read through the ORM the attributes `_lookup` adds, so `facts_of` can read it too
    (issuing a badge bakes the same document the verification page exports)."""
    config, user, successor = credential.config, credential.user, credential.superseded_by
    credential.config_level, credential.config_course_key = config.level, config.course_key
    credential.next_verification_id = successor.verification_id if successor else None
    credential.next_status = successor.status if successor else None
    credential.private_username = user.get_username()
    credential.private_email = getattr(user, user.get_email_field_name(), "")
    return credential


def facts_of(credential: Credential, signed: dict[str, Any] | None = None) -> PublicFacts:
    """The public facts of a credential: the signed payload when it verifies, else the recorded snapshot.
    `signed`: the payload just signed, when the caller is issuing it."""
    payload = signed if signed is not None else signed_payload(credential)
    facts = payload if payload is not None else {**credential.snapshot, "course": credential.config_course_key}
    level = str(facts.get("level") or credential.config_level)
    return PublicFacts(
        verification_id=credential.verification_id,
        code=credential.formatted_code,
        status=public_status(credential.status, credential.expires_at),
        name=displayed_name(credential, str(facts.get("name") or "")),
        title=str(facts.get("title") or ""),
        level=level,
        level_label=level_label(level),
        issued_on=credential.issued_on,
        reissued_at=credential.reissued_at,
        rules=rule_lines(facts.get("rules_met") or [], get_language()),  # in the reader's language
        rules_met=list(facts.get("rules_met") or []),
        issuer=str(facts.get("issuer") or conf.issuer_name()),
        course_key=str(facts.get("course") or ""),
        signature_valid=payload is not None,
        key_id=credential.key_id,
        superseded_by=credential.next_verification_id if credential.next_status in PUBLIC_STATUSES else None,
        revoked_at=credential.revoked_at if credential.status == Credential.Status.REVOKED else None,
        revocation_reason=(credential.revocation_reason or None)
        if credential.status == Credential.Status.REVOKED and conf.feature("SHOW_REVOCATION_REASON") else None,
        payload=payload or {},
        withdrawn=is_withdrawn(credential),
        expires_at=credential.expires_at,
        courses=path_courses(facts.get("courses")),
    )


def path_courses(printed: Any) -> list[dict[str, Any]]:
    """A Learning Path credential's printed courses, each with its met rules in the reader's language."""
    return [{"key": str(course.get("key") or ""), "title": str(course.get("title") or ""),
             "rules": rule_lines(course.get("rules_met") or [], get_language())}
            for course in (printed if isinstance(printed, list) else []) if isinstance(course, dict)]


def displayed_name(credential: Credential, printed: str) -> str | None:
    """The printed name when public name display is on, never a username or an email address; else None."""
    if not conf.feature("PUBLIC_NAME_DISPLAY") or not printed.strip():
        return None
    private = {value.strip().casefold() for value in (credential.private_username, credential.private_email) if value}
    if printed.strip().casefold() in private or "@" in printed:
        return None
    return printed


def level_label(level: str) -> str:
    """The translated label of a level ("Completion", "Achievement"), or the raw value for an unknown one."""
    label = LEVEL_LABELS.get(level)
    return str(label) if label is not None else level


LEVEL_LABELS = dict(CredentialConfig.Level.choices)  # value → lazy label (Level(value) cost more than the rest)

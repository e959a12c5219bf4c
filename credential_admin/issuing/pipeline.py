"""The issuing pipeline: evaluate → reserve the credential row → render → sign → store → mark issued.

Exactly-once comes from the database, not from the callers:
- reservation inserts rows whose (user, config, active) unique index admits one active row per learner, so racing
  workers and reruns find the row instead of adding one;
- issuing takes the rows with SELECT … FOR UPDATE SKIP LOCKED in a transaction that spans render and store (one
  per batch), so a second worker skips rows being issued, and a worker that dies releases them with its
  connection, its uncommitted work undone;
- the file key belongs to the row, so a retry or a rerun overwrites its own earlier attempt (no orphan), and the
  row is marked `issued` only after its file is stored, in the same transaction.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from credential_admin import conf, notifications
from credential_admin.badges.artefact import badge_facts, baked_image, extension
from credential_admin.issuing import expiry, rows, signing, storage
from credential_admin.issuing.audit import entry, record, record_many
from credential_admin.models import AuditLog, Credential, CredentialConfig
from credential_admin.paths import is_path_key
from credential_xblock.records import EligibilityContext, LearnerRecord
from credential_xblock.rules import (
    COMPLETION,
    GRADE,
    N_,
    SECTION_COMPLETION,
    ConfigurationError,
    CriteriaError,
    Evaluation,
    Message,
    access_problems,
    evaluate,
    parse_criteria,
    unmet_reason,
)

log = logging.getLogger(__name__)
PAYLOAD_VERSION = 1
# Crockford base32: no I, L, O, U, so a code read aloud or retyped is unambiguous.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12


class RenderError(Exception):
    """The certificate could not be rendered (a permanent problem: retrying will not help)."""


@dataclass(frozen=True)
class Decision:
    """Whether one learner may receive one credential now, and if not, why (translatable messages)."""

    user_id: int
    eligible: bool
    reasons: tuple[Message, ...] = ()
    record: LearnerRecord | None = None
    evaluation: Evaluation | None = None
    credential: Credential | None = None
    access: tuple[Message, ...] = ()  # the reasons that are about enrollment or dates, not progress
    facts: dict[str, Any] | None = None  # more to print (a path credential's courses), snapshotted as they are


@dataclass
class BatchResult:
    """Counts of one batch: newly issued, already held, not eligible, failed (user id → reason); `interrupted`
    when a storage error stopped it early (the rest stays reserved for the retry)."""

    issued: int = 0
    already: int = 0
    not_eligible: int = 0
    failed: dict[int, str] = field(default_factory=dict)
    interrupted: bool = False


# ----- identifiers --------------------------------------------------------------------------------------------------

def new_verification_id() -> str:
    """144 random bits, URL-safe (24 characters)."""
    return secrets.token_urlsafe(18)


def new_short_code() -> str:
    """60 random bits as 12 Crockford base32 characters, printed in groups of four."""
    bits = secrets.randbits(5 * CODE_LENGTH)  # one call: a choice per character cost more than the code is worth
    return "".join(CODE_ALPHABET[(bits >> (5 * i)) & 31] for i in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """A typed code as stored: case- and hyphen-insensitive, Crockford's look-alikes folded (O→0, I/L→1)."""
    cleaned = "".join(ch for ch in str(text).upper() if ch not in "- \t")
    return cleaned.translate(str.maketrans("OIL", "011"))


# ----- eligibility --------------------------------------------------------------------------------------------------

def eligibility_context(config: CredentialConfig) -> EligibilityContext:
    return EligibilityContext(frozenset(config.allowed_modes or ()), config.available_from)


def decide(config: CredentialConfig, records: Iterable[LearnerRecord], now: datetime | None = None) -> list[Decision]:
    """Decisions for these learners: rules, enrollment, availability and revocations (a revoked learner is not
    issued again until reinstated). A learner with an active credential is eligible by the decision made when
    it was reserved, and the credential is attached (issued ones are skipped, pending or failed ones finished)."""
    now = now or datetime.now(UTC)
    records = list(records)
    try:
        criteria = parse_criteria(config.criteria)
    except CriteriaError as exc:
        return [Decision(r.user_id, False, tuple(exc.errors.values()), r) for r in records]
    held, revoked = held_and_revoked(config, [r.user_id for r in records])
    context = eligibility_context(config)
    return [_decide_one(criteria, context, r, now, held.get(r.user_id), r.user_id in revoked) for r in records]


def held_and_revoked(config: CredentialConfig, user_ids: Sequence[int]) -> tuple[dict[int, Credential], set[int]]:
    """These learners' active credentials, and who among them was revoked and not reinstated (two queries)."""
    held = {c.user_id: c for c in Credential.objects.filter(config=config, active=True, user_id__in=user_ids)}
    revoked = set(Credential.objects.filter(config=config, user_id__in=user_ids, status=Credential.Status.REVOKED,
                                            reinstated_at__isnull=True).values_list("user_id", flat=True))
    return held, revoked


def _decide_one(criteria, context, record_: LearnerRecord, now, held, revoked) -> Decision:
    if held is not None:  # decided when it was reserved; a later grade drop revokes nothing (DESIGN.md)
        return Decision(record_.user_id, True, (), record_, None, held)
    if revoked:
        why = (Message(N_("A credential for this learner was revoked.")),)
        return Decision(record_.user_id, False, why, record_, access=why)
    access = tuple(access_problems(record_, context, now))
    try:
        evaluation = evaluate(criteria, record_)
    except ConfigurationError as exc:
        return Decision(record_.user_id, False, (exc.message,), record_)
    problems = access + tuple(unmet_reason(rule) for rule in evaluation.rules if not rule.met)
    return Decision(record_.user_id, not problems, problems, record_, evaluation, held, access)


# ----- reservation --------------------------------------------------------------------------------------------------

def snapshot_for(config: CredentialConfig, decision: Decision, title: str) -> dict[str, Any]:
    """What will be printed, frozen at reservation: the issue date is added when the file is made."""
    evaluation = decision.evaluation
    rules = [] if evaluation is None else [
        {"kind": rule.kind, "type": rule.assignment_type, "required": format(rule.required.normalize(), "f"),
         "achieved": rule.current, **({"section": rule.section_title} if rule.section else {})}
        for rule in evaluation.rules_met
    ]
    record_ = decision.record
    return {
        "name": (record_.full_name or record_.username) if record_ else "",
        "title": title,
        "level": config.level,
        "course_key": config.course_key,
        "rules_met": rules,
        "issuer": conf.issuer_name(),
        "language": (record_.language if record_ else "") or "",
        **(decision.facts or {}),
        **({"badge": badge_facts(config)} if config.level == CredentialConfig.Level.BADGE else {}),
    }


def reserve(config: CredentialConfig, decisions: Sequence[Decision], title: str,
            actor=None) -> list[Credential]:
    """The active credential row of every eligible learner, created where missing (one query for the lookup,
    one insert; a concurrent reservation of the same learner wins silently and its row is returned)."""
    wanted = [d for d in decisions if d.eligible]
    existing = {d.user_id: d.credential for d in wanted if d.credential is not None}
    new_rows = {d.user_id: Credential(verification_id=new_verification_id(), short_code=new_short_code(),
                                      user_id=d.user_id, config=config, snapshot=snapshot_for(config, d, title))
                for d in wanted if d.user_id not in existing}
    if new_rows:
        with transaction.atomic():
            rows.insert(list(new_rows.values()), ignore_conflicts=True)
            existing.update(_reserved(config, new_rows))
            record_many("reserved", [row for user, row in new_rows.items() if existing.get(user) is row], actor)
    reserved = [existing[d.user_id] for d in wanted if d.user_id in existing]
    for row in reserved:
        row.config = config  # already in hand: spares a query per credential
    return reserved


def _reserved(config: CredentialConfig, inserted: dict[int, Credential]) -> dict[int, Credential]:
    """The active row of each learner just inserted for: the inserted object itself, given the key the database
    chose, unless a concurrent reservation's row won (then that row, read in full; it is rare)."""
    found = Credential.objects.filter(config=config, active=True, user_id__in=list(inserted)).values_list(
        "pk", "user_id", "verification_id")
    result, others = {}, []
    for pk, user_id, verification_id in found:
        row = inserted[user_id]
        if verification_id == row.verification_id:
            row.pk, row._state.adding, row._state.db = pk, False, Credential.objects.db
            result[user_id] = row
        else:
            others.append(pk)
    result.update((row.user_id, row) for row in Credential.objects.filter(pk__in=others))
    return result


# ----- issuing ------------------------------------------------------------------------------------------------------

def verify_url(verification_id: str) -> str:
    """The public verification page of a credential (DESIGN.md "Interfaces")."""
    return f"{conf.base_url()}/credentials/verify/{verification_id}/"


def payload_for(credential: Credential, issued_on: date) -> dict[str, Any]:
    """The signed facts: everything printed, plus the ids that tie them to this record."""
    facts = credential.snapshot
    return {
        "v": PAYLOAD_VERSION,
        "id": credential.verification_id,
        "code": credential.formatted_code,
        "name": facts.get("name", ""),
        "title": facts.get("title", ""),
        "level": facts.get("level", ""),
        "issued_on": issued_on.isoformat(),
        "rules_met": facts.get("rules_met", []),
        "issuer": facts.get("issuer", ""),
        "course": facts.get("course_key", ""),
        "config": credential.config.usage_key,
        "verify_url": verify_url(credential.verification_id),
        **({"expires_at": credential.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")} if credential.expires_at else {}),
        **({"courses": facts["courses"]} if facts.get("courses") else {}),  # a path credential's courses
        **({"badge": facts["badge"]} if facts.get("badge") else {}),  # a badge's name, description and criteria
    }


def rule_lines(rules_met: Sequence[dict[str, Any]], language: str = "") -> list[str]:
    """The met rules as printed on the certificate, in the learner's language."""
    with override(language or None):
        lines = []
        for rule in rules_met:
            if rule["kind"] == COMPLETION:
                text = _("Completed {achieved}% of the course (required {required}%)")
            elif rule["kind"] == GRADE:
                text = _("Overall grade: {achieved}% (required {required}%)")
            elif rule["kind"] == SECTION_COMPLETION:
                text = _("Completed {achieved}% of {section} (required {required}%)")
            else:
                text = _("{type}: {achieved}% (required {required}%)")
            lines.append(text.format(**rule))
        return lines


def render(credential: Credential, payload: dict[str, Any], envelope: bytes, templates: dict | None = None) -> bytes:
    """The certificate PDF with the signed envelope embedded. `templates` caches resolved templates by (name,
    language) across a batch, sparing a template query per certificate."""
    from credential_admin.issuing import pdf  # ReportLab loads only where PDFs are made
    from credential_admin.issuing.pdf import resolve_template

    facts = credential.snapshot
    language = facts.get("language") or "en"
    name = printable_name(credential, payload["name"])
    certificate = pdf.CertificateFacts(
        learner_name=name, title=payload["title"], level=_level_label(payload["level"]),
        issued_on=date.fromisoformat(payload["issued_on"]), verify_url=payload["verify_url"],
        short_code=payload["code"], rules_met=tuple(rule_lines(payload["rules_met"], facts.get("language", ""))),
        issuer=payload["issuer"], language=language,
        expires_on=credential.expires_at.date() if credential.expires_at else None,
        courses=tuple(course["title"] for course in payload.get("courses", [])),
    )
    templates = {} if templates is None else templates
    try:
        key = (credential.config.template or None, language)
        if key not in templates:
            templates[key] = resolve_template(*key)
        return pdf.render_certificate(certificate, templates[key], payload=envelope)
    except Exception as exc:  # a bad template, a name no font covers: permanent, reported on the row
        raise RenderError(f"{type(exc).__name__}: {exc}") from exc


def printable_name(credential: Credential, name: str) -> str:
    """The learner's name as the fonts can print it: characters no font covers (an emoji newer than the fonts)
    print as a visible replacement, with a warning logged and kept in the row's snapshot, and the credential is
    still issued. The signed facts keep the name as it is."""
    from credential_admin.issuing.pdf.fonts import font_chain

    printed, missing = font_chain().printable(name)
    if missing:
        codes = [f"U+{ord(char):04X}" for char in missing]
        log.warning("Credential %s: no font prints %s of the learner's name; printed replacements",
                    credential.pk, ", ".join(codes))
        credential.snapshot = {**credential.snapshot, "print_warnings": [
            f"No font prints {code} in the learner's name: printed as a replacement." for code in codes]}
    return printed


def _level_label(level: str) -> str:
    return str(CredentialConfig.Level(level).label) if level in CredentialConfig.Level.values else level


def issue(credential_id: int, actor=None) -> Credential | None:
    """Render, sign, store and mark issued one reserved credential. None when there is nothing to do here
    (already issued, no longer active, or another worker holds it). Storage or render failures mark the row
    `failed` with the reason and are re-raised (StorageError is worth retrying, RenderError is not)."""
    try:
        with transaction.atomic():
            return _lock_and_issue(credential_id, actor)
    except (storage.StorageError, RenderError) as exc:
        mark_failed(credential_id, str(exc), actor)
        raise


def _lock_and_issue(credential_id: int, actor) -> Credential | None:
    """Inside a transaction: take the row unless another worker holds it or it needs nothing, then issue it.
    (Only the credential row is locked: locking its configuration too would serialise every worker.)"""
    credential = _lockable().filter(pk=credential_id).first()
    if credential is not None:
        finish(credential)
        _issued_entry(credential, actor).save()
        notifications.credentials_changed(notifications.ISSUED, [credential])
    return credential


def finish(credential: Credential) -> None:
    """Render, sign and store a credential whose row the caller holds in its transaction, and save it issued
    (the lifecycle's reissue and grant use this too, so every certificate is made the same way)."""
    signing.register_public_keys()
    _make(credential, {}, signing.active_key())
    credential.save(update_fields=ISSUED_FIELDS)


def _lockable():
    """Rows still to issue, locked FOR UPDATE; rows another transaction holds are skipped, not waited for."""
    return Credential.objects.select_for_update(skip_locked=True).filter(
        status__in=(Credential.Status.PENDING, Credential.Status.FAILED))


ISSUED_FIELDS = ["snapshot", "status", "issued_on", "expires_at", "storage_key", "pdf_sha256", "payload", "signature",
                 "key_id", "seal", "failure_reason", "attempts", "modified"]


def _make(credential: Credential, templates: dict, key: signing.KeyPair,
          store: Callable[[str, bytes], None] = storage.store) -> None:
    """Sign, render and store the certificate (with `store`: a batch hands it to a `storage.Writer`), then fill in
    the row's issued fields; the caller saves the row in the transaction that holds its lock. Nothing on the row
    changes if this raises."""
    issued_on = credential.issued_on or dj_timezone.localdate()
    validity = credential.snapshot.get("validity")
    if validity is None:  # a reissue brings the period its expiry came from; a first issue takes the config's
        validity = expiry.period(credential.config)
        credential.expires_at = expiry.expires_at(credential.config, issued_on)
    payload = payload_for(credential, issued_on)
    data, signature, key_id = signing.sign(payload, key)
    if credential.config.level == CredentialConfig.Level.BADGE:  # the artefact is the baked image, not a PDF
        artefact, content_type = baked_image(credential, payload)
    else:
        artefact, content_type = render(credential, payload, signing.envelope(
            data, signature, key_id, payload["verify_url"]), templates), "application/pdf"
    file_key = storage.key_for(credential.config_id, credential.verification_id, extension(content_type))
    store(file_key, artefact)
    credential.snapshot = {**credential.snapshot, "issued_on": issued_on.isoformat(), "validity": validity}
    credential.status = Credential.Status.ISSUED
    credential.issued_on = issued_on
    credential.storage_key = file_key
    credential.pdf_sha256 = hashlib.sha256(artefact).hexdigest()
    credential.payload = data.decode("utf-8")
    credential.signature = signature
    credential.key_id = key_id
    credential.seal = signing.seal(data, signature, key_id)
    credential.failure_reason = ""
    credential.attempts += 1
    credential.modified = dj_timezone.now()


def _issued_entry(credential: Credential, actor) -> AuditLog:
    return entry("issued", credential=credential, actor=actor, key_id=credential.key_id,
                 sha256=credential.pdf_sha256)


def mark_failed(credential_id: int, reason: str, actor=None) -> None:
    """Leave a not-yet-issued credential `failed` with its reason; it is retried on the same row."""
    with transaction.atomic():
        changed = Credential.objects.filter(
            pk=credential_id, status__in=(Credential.Status.PENDING, Credential.Status.FAILED)
        ).update(status=Credential.Status.FAILED, failure_reason=reason[:2000], attempts=F("attempts") + 1,
                 modified=dj_timezone.now())
        if changed:
            record("failed", credential_id=credential_id, actor=actor, reason=reason[:500])
    log.warning("Credential %s failed: %s", credential_id, reason)


def issue_for_users(config: CredentialConfig, user_ids: Sequence[int], actor=None,
                    backend=None) -> BatchResult:
    """Evaluate these learners (one backend call), reserve the eligible ones and issue each. Failures are
    reported, not raised; the first storage error stops the batch, since an outage would fail every other one."""
    from credential_admin.backends import get_backend

    backend = backend or get_backend()
    result = BatchResult()
    if not config.is_published:
        result.not_eligible = len(user_ids)
        return result
    if is_path_key(config.course_key):  # a Learning Path credential: every course of the path is evaluated
        from credential_admin.paths.issuing import decide_path

        decisions, title = decide_path(config, user_ids, backend)
    else:
        decisions = decide(config, backend.records(config.course_key, list(user_ids)))
        title = backend.course_title(config.course_key)
    result.not_eligible = sum(not d.eligible for d in decisions)
    credentials = reserve(config, decisions, title, actor)
    todo = [c for c in credentials if c.status != Credential.Status.ISSUED]
    result.already += len(credentials) - len(todo)
    with transaction.atomic():  # committed before the batch: another worker must not wait on a new key's row
        signing.register_public_keys()
    with transaction.atomic():  # one commit per batch
        _issue_each(todo, result, actor)
    return result


def _issue_each(credentials: Sequence[Credential], result: BatchResult, actor) -> None:
    """Lock the batch's rows in one query, make each certificate (their files stored by a writer thread meanwhile),
    then save the issued rows whose files are stored and their audit entries in bulk, all in the transaction that
    holds the locks."""
    by_id = {c.pk: c for c in credentials}
    locked = list(_lockable().filter(pk__in=list(by_id)).order_by("pk"))
    result.already += len(credentials) - len(locked)  # issued meanwhile, or being issued by another worker
    key, templates, made, failures = signing.active_key(), {}, [], []
    writer = storage.Writer()
    try:
        for credential in locked:
            credential.config = by_id[credential.pk].config
            try:
                _make(credential, templates, key, writer.store)
            except RenderError as exc:
                failures.append((credential, str(exc)))
                continue
            except storage.StorageError:
                break  # an earlier file failed: the writer says which
            made.append(credential)
    finally:
        writer.close()
    stored = set(writer.stored)
    done = [credential for credential in made if credential.storage_key in stored]
    if writer.failure is not None:
        failed_key, error = writer.failure
        failures += [(credential, str(error)) for credential in made if credential.storage_key == failed_key]
        result.interrupted = True
    rows.update(done, ISSUED_FIELDS)
    rows.insert([_issued_entry(credential, actor) for credential in done])
    notifications.credentials_changed(notifications.ISSUED, done)
    for credential, reason in failures:
        mark_failed(credential.pk, reason, actor)
        result.failed[credential.user_id] = reason
    result.issued += len(done)


def active_credential(user_id: int, config: CredentialConfig) -> Credential | None:
    return Credential.objects.filter(user_id=user_id, config=config, active=True).first()


def current_credential(user_id: int, config: CredentialConfig) -> Credential | None:
    """The credential the learner should see: the active one, else the latest revoked one."""
    return (Credential.objects.filter(user_id=user_id, config=config)
            .filter(Q(active=True) | Q(status=Credential.Status.REVOKED))
            .order_by(F("active").desc(nulls_last=True), "-created").first())


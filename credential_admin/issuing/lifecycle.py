"""The credential lifecycle: reissue, revoke, reinstate, grant and retry (DESIGN.md "Credential lifecycle").

The one API every entry point calls: the commands, the Django admin, the staff panel, the name-change receivers,
account retirement, Learning Paths and badges. Each operation runs in one transaction and locks the rows it
changes, so "at most one active credential per learner and configuration" stays true under concurrency; each
writes the audit log with the real actor. The status list is computed from the rows (the revoked bits), so it
changes when the transaction commits. Refusals raise `LifecycleError` (a translated message) and change nothing.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credential_admin import conf, notifications
from credential_admin.issuing import expiry, pipeline, storage
from credential_admin.issuing.audit import entry
from credential_admin.models import Credential, CredentialConfig
from credential_admin.paths import is_path_key
from credential_xblock.records import LearnerRecord

# The printed facts a reissue refreshes; when none of them (nor the validity period) changed, there is nothing
# to reissue unless forced.
REFRESHED = ("name", "title", "level", "issuer", "language")


@dataclass(frozen=True)
class Actor:
    """Who changes a credential: a person (`user`), and a label naming them or the trigger for the audit log."""

    user: Any = None
    label: str = "system"

    @classmethod
    def person(cls, user) -> Actor:
        return cls(user, f"user:{user.get_username()}")

    @classmethod
    def command(cls, name: str, user=None) -> Actor:
        return cls(user, f"command:{name}")

    @classmethod
    def system(cls, trigger: str) -> Actor:
        return cls(None, f"system:{trigger}")


class LifecycleError(Exception):
    """A refused change; str(exc) is a translated message saying why. Nothing was changed."""


class ReissueDisabled(LifecycleError):
    """The REISSUE feature switch is off."""


def reissue_enabled() -> bool:
    return conf.feature("REISSUE")


def _audit(action: str, credential: Credential, actor: Actor, **details: Any) -> None:
    entry(action, credential=credential, actor=actor.user, actor_label=actor.label, **details).save()


def _locked(credential: Credential | int) -> Credential:
    """The credential's row, locked until the transaction ends (waiting for another holder, then re-read)."""
    pk = credential if isinstance(credential, int) else credential.pk
    return Credential.objects.select_for_update().select_related("config").get(pk=pk)


def _describe(credential: Credential) -> str:
    return _("{code} is {status}").format(code=credential.formatted_code, status=credential.get_status_display())


# ----- reissue -----------------------------------------------------------------------------------------------------

def learner_records(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], LearnerRecord]:
    """Current learner records by (user id, course key), one backend call per course."""
    from credential_admin.backends import get_backend

    by_course: dict[str, set[int]] = {}
    for user_id, course_key in pairs:
        by_course.setdefault(course_key, set()).add(user_id)
    backend, records = get_backend(), {}
    for course_key, user_ids in by_course.items():
        if is_path_key(course_key):  # a Learning Path credential: the learner as its first course knows them
            from credential_admin.paths.issuing import learner_records as path_records

            found = path_records(course_key, sorted(user_ids), backend)
        else:
            found = backend.records(course_key, sorted(user_ids))
        records.update(((r.user_id, course_key), r) for r in found)
    return records


def refreshed_snapshot(credential: Credential, record: LearnerRecord | None, title: str) -> dict[str, Any]:
    """The credential's printed facts with the learner's current name and the course's current facts; the rules
    met and the issue date stay as they were; the validity period stays unless the author changed it."""
    config = credential.config
    old = credential.snapshot
    facts = {**old, "title": title or old.get("title", ""), "level": config.level, "issuer": conf.issuer_name()}
    if record is not None:
        facts["name"] = record.full_name or record.username
        facts["language"] = record.language or old.get("language", "")
    if old.get("validity", {}) != expiry.period(config):
        facts.pop("validity", None)  # recomputed from the original issue date when made
    return facts


def changes(credential: Credential, facts: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """{fact: (printed, current)} for each printed fact a reissue would change ("validity": the period)."""
    changed = {key: (credential.snapshot.get(key), facts.get(key)) for key in REFRESHED
               if credential.snapshot.get(key) != facts.get(key)}
    if "validity" not in facts:
        changed["validity"] = (credential.snapshot.get("validity"), expiry.period(credential.config))
    return changed


def reissue(credential: Credential, *, actor: Actor, reason: str = "", force: bool = False,
            record: LearnerRecord | None = None, title: str | None = None) -> Credential | None:
    """Supersede an issued credential by a new one printing the learner's current name and facts, with the
    original issue date and a forward link; returns the new credential, or None when no printed fact changed
    (unless `force`). `record` and `title` spare backend calls when the caller already read them (bulk)."""
    if not reissue_enabled():
        raise ReissueDisabled(_("Reissuing is switched off (the REISSUE feature)."))
    if record is None:
        key = (credential.user_id, credential.config.course_key)
        record = learner_records([key]).get(key)
    title = course_title(credential.config.course_key) if title is None else title
    with transaction.atomic():
        old = _locked(credential)
        if old.status != Credential.Status.ISSUED:
            raise LifecycleError(_("{what}: only an issued credential can be reissued.").format(what=_describe(old)))
        facts = refreshed_snapshot(old, record, title)
        if not force and not changes(old, facts):
            return None
        new = _successor(old, facts)
        old.status = Credential.Status.SUPERSEDED
        old.save(update_fields=["status", "active", "modified"])  # frees the active slot for the new row
        new.save()
        pipeline.finish(new)
        old.superseded_by = new
        old.save(update_fields=["superseded_by", "modified"])
        _audit("superseded", old, actor, superseded_by=new.verification_id, reason=reason or None)
        _audit("reissued", new, actor, supersedes=old.verification_id, reason=reason or None)
        notifications.credentials_changed(notifications.REISSUED, [new])
    return new


def _successor(old: Credential, facts: dict[str, Any]) -> Credential:
    keep_expiry = "validity" in facts
    return Credential(
        verification_id=pipeline.new_verification_id(), short_code=pipeline.new_short_code(), user_id=old.user_id,
        config=old.config, snapshot=facts, issued_on=old.issued_on, reissued_at=timezone.now(),
        expires_at=old.expires_at if keep_expiry else None, status=Credential.Status.PENDING,
    )


def course_title(course_key: str) -> str:
    from credential_admin.backends import get_backend

    if is_path_key(course_key):
        from credential_admin.paths.issuing import path_title

        return path_title(course_key)
    try:
        return get_backend().course_title(course_key)
    except Exception:  # a course the backend can no longer read: keep the printed title
        return ""


@dataclass(frozen=True)
class Outcome:
    """What happened to one credential in a bulk operation: `new` (reissued), `unchanged`, or `error`."""

    credential: Credential
    new: Credential | None = None
    error: str = ""


def _batches(credentials: Iterable[Credential], size: int) -> Iterator[tuple[Credential, LearnerRecord | None, str]]:
    """Each credential with its learner's current record and its course's title, read a batch at a time."""
    pending: list[Credential] = []
    for credential in chain(credentials, [None]):
        if credential is not None:
            pending.append(credential)
            if len(pending) < size:
                continue
        records = learner_records((c.user_id, c.config.course_key) for c in pending)
        titles = {key: course_title(key) for key in {c.config.course_key for c in pending}}
        for item in pending:
            yield item, records.get((item.user_id, item.config.course_key)), titles[item.config.course_key]
        pending = []


def preview(credentials: Iterable[Credential], batch: int = 200) -> Iterator[tuple[Credential, dict]]:
    """What a reissue would change on each credential (see `changes`); writes nothing."""
    for credential, record, title in _batches(credentials, batch):
        yield credential, changes(credential, refreshed_snapshot(credential, record, title))


def reissue_many(credentials: Iterable[Credential], *, actor: Actor, reason: str = "", force: bool = False,
                 batch: int = 200) -> Iterator[Outcome]:
    """Reissue each credential in its own transaction, reading learner records a batch at a time; a failure is
    reported and the rest go on (a rerun finishes them: reissued ones are superseded, unchanged ones skipped)."""
    for credential, record, title in _batches(credentials, batch):
        try:
            new = reissue(credential, actor=actor, reason=reason, force=force, record=record, title=title)
        except (LifecycleError, pipeline.RenderError, storage.StorageError) as exc:
            yield Outcome(credential, error=str(exc))
        else:
            yield Outcome(credential, new=new)


def reissue_for_user(user_id: int, *, actor: Actor, reason: str = "") -> list[Outcome]:
    """Reissue every issued credential of a learner whose printed facts changed (a name correction); a no-op
    when nothing changed, so a repeated trigger does nothing."""
    issued = Credential.objects.filter(user_id=user_id, status=Credential.Status.ISSUED).select_related("config")
    return list(reissue_many(issued, actor=actor, reason=reason))


# ----- revoke and reinstate ---------------------------------------------------------------------------------------

def revoke(credential: Credential, *, actor: Actor, reason: str) -> Credential:
    """Revoke a credential (issued, pending or failed), recording who, when and why; the learner is not issued
    one again automatically until reinstated."""
    reason = (reason or "").strip()
    if not reason:
        raise LifecycleError(_("A reason is required to revoke a credential."))
    with transaction.atomic():
        row = _locked(credential)
        if not row.is_active:
            raise LifecycleError(_("{what}: only an active credential can be revoked.").format(what=_describe(row)))
        row.status = Credential.Status.REVOKED
        row.revoked_at = timezone.now()
        row.revoked_by = actor.user if getattr(actor.user, "pk", None) else None
        row.revocation_reason = reason
        row.reinstated_at = None
        row.save(update_fields=["status", "active", "revoked_at", "revoked_by", "revocation_reason",
                                "reinstated_at", "modified"])
        _audit("revoked", row, actor, reason=reason)
        notifications.credentials_changed(notifications.REVOKED, [row])
    return row


def revoked_credential(user_id: int, config: CredentialConfig) -> Credential | None:
    """The learner's revocation that still blocks issuing (revoked and not reinstated), if any."""
    return (Credential.objects.filter(user_id=user_id, config=config, status=Credential.Status.REVOKED,
                                      reinstated_at__isnull=True).order_by("-revoked_at", "-pk").first())


def reinstate(target: Credential | Any, config: CredentialConfig | None = None, *, actor: Actor,
              reason: str = "") -> Credential:
    """Let a revoked learner receive the credential again: `target` is the revoked credential, or the learner
    with `config`. The revoked credential itself stays revoked; the next claim or issuing run issues a new one."""
    if not isinstance(target, Credential):
        blocking = revoked_credential(target.pk, config) if config is not None else None
        if blocking is None:
            raise LifecycleError(_("{user} has no revoked credential to reinstate for {config}.").format(
                user=target.get_username(), config=config))
        target = blocking
    with transaction.atomic():
        row = _locked(target)
        if row.status != Credential.Status.REVOKED or row.reinstated_at is not None:
            raise LifecycleError(_("{what}: only a revoked credential not yet reinstated can be reinstated.").format(
                what=_describe(row)))
        row.reinstated_at = timezone.now()
        row.save(update_fields=["reinstated_at", "modified"])
        _audit("reinstated", row, actor, reason=(reason or "").strip() or None)
        notifications.credentials_changed(notifications.REINSTATED, [row])
    return row


# ----- grant and retry --------------------------------------------------------------------------------------------

def grant(user, config: CredentialConfig, *, actor: Actor, reason: str) -> Credential:
    """Issue a credential by hand to a learner who does not meet the rules, with a reason (course staff)."""
    reason = (reason or "").strip()
    if not reason:
        raise LifecycleError(_("A reason is required to grant a credential by hand."))
    if not config.is_published:
        raise LifecycleError(_("This credential is not published: it cannot be granted."))
    if revoked_credential(user.pk, config) is not None:
        raise LifecycleError(_("{user}'s credential was revoked: reinstate the learner first.").format(
            user=user.get_username()))
    record = learner_records([(user.pk, config.course_key)]).get((user.pk, config.course_key))
    decision = pipeline.Decision(user.pk, True, (), record)
    facts = {**pipeline.snapshot_for(config, decision, course_title(config.course_key)), "granted": True}
    try:
        with transaction.atomic():
            row = Credential.objects.create(
                verification_id=pipeline.new_verification_id(), short_code=pipeline.new_short_code(), user=user,
                config=config, snapshot=facts)
            pipeline.finish(row)
            _audit("granted", row, actor, reason=reason)
            notifications.credentials_changed(notifications.ISSUED, [row])
    except IntegrityError:
        raise LifecycleError(_("{user} already holds this credential (or one is being issued).").format(
            user=user.get_username())) from None
    except (pipeline.RenderError, storage.StorageError) as exc:  # the whole grant was rolled back
        raise LifecycleError(_("The certificate could not be made, so nothing was granted: {reason}").format(
            reason=exc)) from None
    return row


def retry(credential: Credential, *, actor: Actor) -> Credential:
    """Issue a failed credential again, on the same row."""
    if credential.status != Credential.Status.FAILED:
        raise LifecycleError(_("{what}: only a failed credential can be retried.").format(
            what=_describe(credential)))
    try:
        done = pipeline.issue(credential.pk, actor.user)
    except (pipeline.RenderError, storage.StorageError) as exc:
        raise LifecycleError(_("Issuing failed again: {reason}").format(reason=exc)) from None
    if done is None:
        raise LifecycleError(_("{code} is being issued elsewhere, or no longer needs it.").format(
            code=credential.formatted_code))
    _audit("retried", done, actor)
    return done

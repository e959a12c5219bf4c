"""The audit log: one row for every change to a credential or a configuration."""
from __future__ import annotations

from typing import Any

from credential_admin.issuing import rows
from credential_admin.models import AuditLog


def entry(action: str, *, credential=None, credential_id: int | None = None, config=None, actor=None,
          actor_label: str = "", **details: Any) -> AuditLog:
    """An unsaved audit entry; `actor` None means the system (a task, a signal, a command without a user);
    `actor_label` names who acted ("user:NAME", "command:NAME", "system:TRIGGER")."""
    return AuditLog(
        action=action,
        credential_id=credential.pk if credential is not None else credential_id,
        config_id=config.pk if config is not None else (credential.config_id if credential is not None else None),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label[:64],
        details={key: value for key, value in details.items() if value is not None},
    )


def record(action: str, **kwargs: Any) -> AuditLog:
    """Write one audit entry (see `entry` for the arguments)."""
    log = entry(action, **kwargs)
    log.save()
    return log


def record_many(action: str, credentials, actor=None) -> None:
    """One entry per credential, in one insert (bulk reservations)."""
    actor_id = getattr(actor, "pk", None)
    rows.insert([AuditLog(action=action, credential_id=c.pk, config_id=c.config_id, actor_id=actor_id)
                 for c in credentials])

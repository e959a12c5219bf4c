"""What happens after a credential changes: a tracking event for every change, and an email to the learner when
one is issued or reissued (switch EMAIL_ON_ISSUE, on by default).

The pipeline and the lifecycle call `credentials_changed` inside their transaction; nothing runs before it commits.
Mail goes through Django's configured email backend (the platform's, in the LMS) from a Celery task, one per
batch, so a slow or failing mail server never slows or fails issuing: a failed message is logged and the rest go
out. Every active learner with an address gets one, single-sign-on accounts included (no password check). The
message is in the language printed on the credential (the learner's preference), as plain text and HTML, with the
download and verification links.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape

from credential_admin import conf, tracking

log = logging.getLogger(__name__)
ISSUED, REISSUED, REVOKED, REINSTATED = "issued", "reissued", "revoked", "reinstated"
TRACKED = {ISSUED: tracking.ISSUED, REISSUED: tracking.REISSUED, REVOKED: tracking.REVOKED,
           REINSTATED: tracking.REINSTATED}
MAILED = (ISSUED, REISSUED)
FIELDS = ("name", "title", "level", "issuer", "code", "download_url", "verify_url")
MARK = "\ue000{}\ue001"  # private-use characters: never in a template, never escaped


def credentials_changed(event: str, credentials: Sequence) -> None:
    """Once the current transaction commits: one tracking event per credential, and for an issue or a reissue the
    learners' emails queued. Never raises into the caller."""
    credentials = list(credentials)
    if not credentials:
        return

    def announce() -> None:
        try:
            for credential in credentials:
                tracking.emit(TRACKED[event], tracking.credential_data(credential))
            if event in MAILED and conf.feature("EMAIL_ON_ISSUE"):
                from credential_admin import tasks

                tasks.queue_emails([credential.pk for credential in credentials], event)
        except Exception:
            log.exception("credential-xblock: could not announce %s credentials", event)

    transaction.on_commit(announce)


def send(credential_ids: Sequence[int], event: str) -> int:
    """Email each learner their issued credential; returns how many messages were sent."""
    from credential_admin.models import Credential

    rows = (Credential.objects.filter(pk__in=list(credential_ids), status=Credential.Status.ISSUED,
                                      user__is_active=True).exclude(user__email="")  # only those who can be mailed
            .select_related("user", "config").order_by("pk"))
    connection, sent = get_connection(), 0
    for credential in rows:
        try:
            message(credential, event, connection).send()
        except Exception:  # one bad address or a mail server hiccup must not stop the others
            log.exception("credential-xblock: email for credential %s not sent", credential.pk)
            continue
        sent += 1
    return sent


def message(credential, event: str, connection=None) -> EmailMultiAlternatives:
    """The email for one credential, in the language printed on it."""
    from credential_admin.issuing.pipeline import verify_url

    facts = credential.snapshot
    values = {
        "name": facts.get("name") or credential.user.get_username(), "title": facts.get("title", ""),
        "level": facts.get("level", credential.config.level), "issuer": facts.get("issuer") or conf.issuer_name(),
        "code": credential.formatted_code,
        # As verify_url: the app's fixed URLs under credentials/ (reverse() would import the whole URLconf in a
        # worker that has not loaded it, seconds for a command that sends one batch).
        "download_url": f"{conf.base_url()}/credentials/download/{credential.verification_id}/",
        "verify_url": verify_url(credential.verification_id),
    }
    subject, text, html = templates(event, facts.get("language") or settings.LANGUAGE_CODE)
    mail = EmailMultiAlternatives(fill(subject, values), fill(text, values), to=[credential.user.email],
                                  connection=connection)
    mail.attach_alternative(fill(html, values, escape_html=True), "text/html")
    return mail


@lru_cache(maxsize=64)
def templates(event: str, language: str) -> tuple[str, str, str]:
    """Subject, text and HTML of one event in one language, rendered once with a marker in place of each value
    (a batch of thousands renders its templates once per language, not once per learner)."""
    context = {name: MARK.format(name) for name in FIELDS} | {"reissued": event == REISSUED}
    with translation.override(language):
        subject = " ".join(render_to_string("credential_admin/email/issued_subject.txt", context).split())
        return (subject, render_to_string("credential_admin/email/issued.txt", context),
                render_to_string("credential_admin/email/issued.html", context))


def fill(template: str, values: dict[str, str], escape_html: bool = False) -> str:
    for name, value in values.items():
        template = template.replace(MARK.format(name), escape(value) if escape_html else str(value))
    return template

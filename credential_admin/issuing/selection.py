"""Which credentials a lifecycle command or admin search means: by verification id or printed short code, by
course and learner. Anything unknown or malformed raises `bulk.BadArguments` naming every problem at once, before
anything is changed.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from credential_admin.issuing.bulk import BadArguments
from credential_admin.issuing.pipeline import CODE_ALPHABET, CODE_LENGTH, normalize_code
from credential_admin.models import Credential

VERIFICATION_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")


def as_short_code(text: str) -> str | None:
    """The stored form of a typed short code (any case, hyphens and spaces ignored), or None if it cannot be one."""
    code = normalize_code(text)
    return code if len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code) else None


def code_or_id_filter(text: str) -> Q | None:
    """A filter matching the credential `text` names (its verification id or its short code), or None when
    `text` can be neither."""
    text = text.strip()
    code = as_short_code(text)
    looks_like_id = bool(VERIFICATION_ID.fullmatch(text))
    if code is None and not looks_like_id:
        return None
    condition = Q(short_code=code) if code is not None else Q()
    return condition | Q(verification_id=text) if looks_like_id else condition


def resolve_credentials(typed: Sequence[str]) -> list[Credential]:
    """The credentials named by verification id or short code, in the order given (duplicates once)."""
    problems, found = [], {}
    for text in dict.fromkeys(typed):
        condition = code_or_id_filter(text)
        if condition is None:
            problems.append(_("{text!r} is neither a verification id nor a short code (like ABCD-EFGH-JKMN)").format(
                text=text))
            continue
        match = Credential.objects.select_related("config", "user").filter(condition).first()
        if match is None:
            problems.append(_("no credential {text!r}").format(text=text))
        else:
            found[match.pk] = match
    if problems:
        raise BadArguments("; ".join(problems))
    return list(found.values())


def credentials_in(course_keys: Sequence[str], user_ids: Sequence[int] | None, statuses: Sequence[str]) -> QuerySet:
    """Credentials of these courses (and learners, when given) in these statuses, oldest first."""
    rows = Credential.objects.select_related("config", "user").filter(config__course_key__in=list(course_keys),
                                                                      status__in=list(statuses))
    if user_ids is not None:
        rows = rows.filter(user_id__in=list(user_ids))
    return rows.order_by("pk")


def refuse_unless(credentials: Sequence[Credential], allowed, what: str) -> None:
    """BadArguments naming each credential `allowed(credential)` rejects (`what`: the operation's description)."""
    refused = [c for c in credentials if not allowed(c)]
    if refused:
        raise BadArguments("; ".join(
            _("{code} is {status}: {what}").format(code=c.formatted_code, status=c.get_status_display(), what=what)
            for c in refused))

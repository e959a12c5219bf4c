"""Bulk issuing for the admin's command: which courses and learners, then evaluate and issue batch by batch.

Learners are read from the backend BATCH_SIZE at a time, so memory stays flat however large the course; every
batch is idempotent, so an interrupted run is finished by running it again.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from credential_admin import conf, configs
from credential_admin.issuing import pipeline
from credential_admin.models import CredentialConfig
from credential_admin.paths import is_path_key


class BadArguments(ValueError):
    """Arguments naming things that do not exist or cannot be parsed; nothing has been changed."""


@dataclass(frozen=True)
class Target:
    """One configuration and the learners to consider for it."""

    config: CredentialConfig
    user_ids: Sequence[int]


def course_exists(course_key: str) -> bool:
    from credential_admin.backends import get_backend

    return get_backend().course_exists(course_key)


def resolve_courses(keys: Sequence[str], all_courses: bool) -> list[str]:
    """The course keys to work on; BadArguments listing every malformed or unknown key."""
    if all_courses:
        return configs.known_course_keys()
    problems, resolved = [], []
    for key in keys:
        try:
            resolved.append(str(CourseKey.from_string(key)))
        except InvalidKeyError:
            problems.append(_("{key!r} is not a course key (expected course-v1:ORG+NUMBER+RUN)").format(key=key))
            continue
        if not course_exists(resolved[-1]):
            problems.append(_("no course {key!r}").format(key=key))
    if problems:
        raise BadArguments("; ".join(problems))
    return list(dict.fromkeys(resolved))


def read_usernames(path: str) -> list[str]:
    """The usernames of a file, one a line (blank lines and lines starting with # skipped); BadArguments when
    the file cannot be read or names nobody."""
    try:
        with open(path, encoding="utf-8") as handle:
            names = [line.strip() for line in handle]
    except (OSError, UnicodeDecodeError) as exc:
        raise BadArguments(_("cannot read the users file {path!r}: {reason}").format(
            path=path, reason=getattr(exc, "strerror", None) or exc)) from None
    names = [name for name in names if name and not name.startswith("#")]
    if not names:
        raise BadArguments(_("the users file {path!r} names no user (one username a line)").format(path=path))
    return list(dict.fromkeys(names))


def resolve_users(usernames: Sequence[str]) -> dict[int, str]:
    """User ids by username; BadArguments naming every unknown username."""
    found = dict(get_user_model().objects.filter(username__in=usernames).values_list("username", "pk"))
    missing = [name for name in usernames if name not in found]
    if missing:
        raise BadArguments(_("unknown user(s): {names}").format(names=", ".join(missing)))
    return {pk: name for name, pk in found.items()}


def targets(course_keys: Sequence[str], user_ids: Sequence[int] | None, sync: bool = True) -> list[Target]:
    """Each published configuration of these courses (synced from the published blocks first, unless `sync`
    is off for a dry run) with its learners: the enrolled ones, or exactly `user_ids` when given."""
    from credential_admin.backends import get_backend

    backend = get_backend()
    result = []
    for course_key in course_keys:
        if sync:
            configs.sync_course(course_key)
        enrolled = None
        for config in CredentialConfig.objects.filter(course_key=course_key, is_published=True):
            if user_ids is None:
                enrolled = enrolled if enrolled is not None else list(backend.enrolled_user_ids(course_key))
                result.append(Target(config, enrolled))
            else:
                result.append(Target(config, list(user_ids)))
    return result


def batch_size() -> int:
    return max(1, int(conf.get("BATCH_SIZE") or 500))


def chunks(user_ids: Sequence[int]) -> Iterator[Sequence[int]]:
    size = batch_size()
    for start in range(0, len(user_ids), size):
        yield user_ids[start:start + size]


def evaluate(target: Target) -> Iterator[pipeline.Decision]:
    """Decisions for every learner of the target, batch by batch; writes nothing."""
    from credential_admin.backends import get_backend

    backend = get_backend()
    if is_path_key(target.config.course_key):
        yield from _evaluate_path(target, backend)
        return
    for chunk in chunks(target.user_ids):
        by_id = {record.user_id: record for record in backend.records(target.config.course_key, list(chunk))}
        decided = {d.user_id: d for d in pipeline.decide(target.config, by_id.values())}
        for user_id in chunk:
            yield decided.get(user_id) or pipeline.Decision(user_id, False, (_not_enrolled(),))


def _evaluate_path(target: Target, backend) -> Iterator[pipeline.Decision]:
    """A path configuration's decisions, batch by batch, its rules read once for the whole run."""
    from credential_admin.paths.issuing import decide_path
    from credential_admin.paths.rules import rules_for

    rules = rules_for(target.config)
    for chunk in chunks(target.user_ids):
        yield from decide_path(target.config, chunk, backend, rules)[0]


def resolve_paths(keys: Sequence[str]) -> list[str]:
    """The path keys to work on; BadArguments listing every malformed or unknown key, or a path with no
    credential configuration."""
    from credential_admin.paths import configs as path_configs
    from credential_admin.paths.rules import path_configs as configs_of

    problems, resolved = [], []
    for key in keys:
        try:
            resolved.append(path_configs.check_path(key)[0])
        except path_configs.PathConfigError as exc:
            problems.extend(message.render(_) for message in exc.errors.values())
            continue
        if not configs_of(path_key=resolved[-1]):
            problems.append(_("the learning path {path} has no published credential configuration").format(
                path=resolved[-1]))
    if problems:
        raise BadArguments("; ".join(problems))
    return list(dict.fromkeys(resolved))


def path_targets(path_keys: Sequence[str], user_ids: Sequence[int] | None) -> list[Target]:
    """Each published configuration of these paths with its learners: those actively enrolled in the path, or
    exactly `user_ids` when given (the rules still require an active path enrollment)."""
    from credential_admin.paths import source
    from credential_admin.paths.rules import path_configs as configs_of

    return [Target(config, list(user_ids) if user_ids is not None else source.enrolled_user_ids(key))
            for key in path_keys for config in configs_of(path_key=key)]


def _not_enrolled():
    from credential_xblock.rules import N_, Message

    return Message(N_("not enrolled in this course"))


def issue(target: Target, actor=None) -> Iterator[tuple[int, pipeline.BatchResult]]:
    """Issue batch by batch, yielding (learners done in this batch, its result). What is alive when the run starts
    (Django, the fonts, the course) is frozen out of the garbage collector first: a run makes millions of
    short-lived objects, and collections walking the long-lived ones again cost 5% of issuing."""
    gc.freeze()
    for chunk in chunks(target.user_ids):
        yield len(chunk), pipeline.issue_for_users(target.config, chunk, actor)

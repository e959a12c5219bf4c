"""Learner data backends: where learner records come from (credential_xblock.records.LearnerDataBackend).

`get_backend()` returns the one named by the ``CREDENTIAL_XBLOCK_BACKEND`` setting: the Open edX backend inside the
platform, the standalone backend in the demo and the tests. A backend answers both for learner data
(credential_xblock.records.LearnerDataBackend) and for the platform around it (`Platform`).
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

from django.utils.module_loading import import_string

from credential_admin import conf
from credential_xblock.records import LearnerDataBackend

#: The purposes a backend names signals for (see `Platform.signals`).
SIGNAL_PURPOSES = ("publish", "enrollment", "retirement", "name_change")


@runtime_checkable
class Platform(Protocol):
    """What the app asks of "the platform", answered by the Open edX platform or the standalone runtime; one
    place for every "standalone or platform" question."""

    def course_exists(self, course_key: str) -> bool:
        """Whether the course exists (a read only: nothing is created)."""

    def listed_course_keys(self) -> list[str]:
        """Courses to offer to "all courses" commands besides those holding configurations."""

    def published_credential_blocks(self, course_key: str) -> list:
        """The course's published Credential blocks (configs.PublishedBlock); drafts never drive issuing."""

    def is_course_staff(self, user, course_key: str) -> bool:
        """Whether the user may act as staff of the course (global staff included)."""

    def signals(self) -> dict[str, Sequence[tuple[Any, Any]]]:
        """{purpose: [(signal, sender or None)]} for each of SIGNAL_PURPOSES this platform sends."""


def get_backend() -> LearnerDataBackend:
    """The configured backend (one instance per dotted path, created on first use)."""
    return _backend(conf.get("BACKEND"))


@lru_cache(maxsize=4)
def _backend(dotted_path: str) -> LearnerDataBackend:
    backend = import_string(dotted_path)()
    if not isinstance(backend, LearnerDataBackend) or not isinstance(backend, Platform):
        raise TypeError(f"{dotted_path} does not implement LearnerDataBackend and Platform.")
    return backend

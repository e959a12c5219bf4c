"""Learner data backends: where learner records come from (credential_xblock.records.LearnerDataBackend).

`get_backend()` returns the one named by the ``CREDENTIAL_XBLOCK_BACKEND`` setting: the Open edX backend inside the
platform, the standalone backend in the demo and the tests.
"""
from __future__ import annotations

from functools import lru_cache

from django.utils.module_loading import import_string

from credential_admin import conf
from credential_xblock.records import LearnerDataBackend


def get_backend() -> LearnerDataBackend:
    """The configured backend (one instance per dotted path, created on first use)."""
    return _backend(conf.get("BACKEND"))


@lru_cache(maxsize=4)
def _backend(dotted_path: str) -> LearnerDataBackend:
    backend = import_string(dotted_path)()
    if not isinstance(backend, LearnerDataBackend):
        raise TypeError(f"{dotted_path} does not implement LearnerDataBackend.")
    return backend

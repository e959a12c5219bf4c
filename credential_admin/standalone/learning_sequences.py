"""Fake of the platform's learning-sequences API for the standalone runtime, so that learning-paths-plugin's own
admin (its step form lists the courses a step may name) works in the demo.

Upstream: ``openedx/core/djangoapps/content/learning_sequences/api/outlines.py::get_course_keys_with_outlines``
(re-exported by ``learning_sequences.api``), which returns the course keys of every course that has an outline.
Registered under the upstream module path only where the platform is absent (`install`).
"""
from __future__ import annotations

import sys
import types

from opaque_keys.edx.keys import CourseKey

UPSTREAM = "openedx.core.djangoapps.content.learning_sequences.api"


def get_course_keys_with_outlines() -> list[CourseKey]:
    """Every loaded course's key (in the standalone runtime a loaded course has its outline)."""
    from credential_admin.standalone.models import Course

    return [CourseKey.from_string(key) for key in Course.objects.values_list("course_key", flat=True)]


def install() -> None:
    """Make `UPSTREAM` importable as this module's function, unless the real platform is there."""
    try:
        __import__(UPSTREAM)
        return
    except ImportError:
        pass
    parts = UPSTREAM.split(".")
    for depth in range(1, len(parts) + 1):
        name = ".".join(parts[:depth])
        module = sys.modules.setdefault(name, types.ModuleType(name))
        if depth > 1:
            setattr(sys.modules[".".join(parts[:depth - 1])], parts[depth - 1], module)
    sys.modules[UPSTREAM].get_course_keys_with_outlines = get_course_keys_with_outlines

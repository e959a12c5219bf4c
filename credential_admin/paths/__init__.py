"""Learning Path credentials: path configurations, rules aggregated from the courses' blocks, path evaluation.

A path credential is a `CredentialConfig` whose learning context (`course_key`) is a `path-v1:` key; its path
side (rule mode, global rule, path-wide grade, per-course overrides) lives in `paths.models`. The paths and their
steps and enrollments are learning-paths-plugin's own models, read only through `paths.source` (the `[paths]`
extra: nothing here imports the plugin at module level).
"""
from __future__ import annotations

PATH_NAMESPACE = "path-v1"


def is_path_key(key: object) -> bool:
    """Whether a learning-context key names a Learning Path rather than a course."""
    return str(key or "").startswith(PATH_NAMESPACE + ":")

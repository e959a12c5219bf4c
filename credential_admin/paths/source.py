"""learning-paths-plugin, read: paths, their steps (order, weight), active enrollments, grading criteria.

The plugin is optional (the `[paths]` extra): every function imports its models inside, and `installed()` says
whether they can be used. Each function is one query (steps and grading criteria come with their path).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.apps import apps

from credential_admin.paths import PATH_NAMESPACE
from credential_xblock.rules import N_, Message


class PathKeyError(ValueError):
    """A malformed or unknown path key; `message` says which and how it should look."""

    def __init__(self, message: Message):
        self.message = message
        super().__init__(message.render())


@dataclass(frozen=True)
class Step:
    """One course of a path, in the path's order; `weight` (0..1) weighs its grade in the path-wide grade."""

    course_key: str
    order: int | None
    weight: float


@dataclass(frozen=True)
class PathInfo:
    """A Learning Path as the credentials need it; `required_*` are its own grading criteria (0..1) if any."""

    key: str
    title: str
    steps: tuple[Step, ...]
    required_completion: float | None = None
    required_grade: float | None = None


def installed() -> bool:
    """Whether learning-paths-plugin is installed in this site."""
    return apps.is_installed("learning_paths")


def parse_key(text: str) -> str:
    """The canonical form of a path key; PathKeyError for anything malformed (nothing is looked up)."""
    from opaque_keys import InvalidKeyError

    value = str(text or "").strip()
    if not installed():
        raise PathKeyError(Message(N_("Learning paths are not installed on this site (the [paths] extra).")))
    if not value.startswith(PATH_NAMESPACE + ":"):
        raise PathKeyError(Message(N_('"{key}" is not a learning path key (expected path-v1:ORG+NUMBER+RUN+GROUP).'),
                                   {"key": value[:200]}))
    from learning_paths.keys import LearningPathKey

    try:
        return str(LearningPathKey.from_string(value))
    except InvalidKeyError:
        raise PathKeyError(Message(N_('"{key}" is not a learning path key (expected path-v1:ORG+NUMBER+RUN+GROUP).'),
                                   {"key": value[:200]})) from None


def path_info(key: str) -> PathInfo | None:
    """The path with its steps and grading criteria (one query plus the steps'), or None if there is none."""
    if not installed():
        return None
    from learning_paths.models import LearningPath, LearningPathGradingCriteria

    path = LearningPath.objects.filter(key=key).prefetch_related("steps").first()
    if path is None:
        return None
    steps = tuple(Step(str(step.course_key), step.order, float(step.weight)) for step in path.steps.all())
    criteria = LearningPathGradingCriteria.objects.filter(learning_path=path).first()
    return PathInfo(str(path.key), path.display_name, steps,
                    criteria.required_completion if criteria else None, criteria.required_grade if criteria else None)


def active_learners(key: str, user_ids: Sequence[int]) -> set[int]:
    """Which of these learners are actively enrolled in the path (one query)."""
    if not installed() or not user_ids:
        return set()
    from learning_paths.models import LearningPathEnrollment

    return set(LearningPathEnrollment.objects.filter(learning_path__key=key, is_active=True, user_id__in=user_ids)
               .values_list("user_id", flat=True))


def enrolled_user_ids(key: str) -> list[int]:
    """Every learner actively enrolled in the path, in a stable order."""
    if not installed():
        return []
    from learning_paths.models import LearningPathEnrollment

    return list(LearningPathEnrollment.objects.filter(learning_path__key=key, is_active=True)
                .order_by("user_id").values_list("user_id", flat=True))


def paths_with_course(course_key: str) -> list[str]:
    """The keys of the paths that include this course."""
    if not installed():
        return []
    from learning_paths.models import LearningPathStep

    return [str(key) for key in LearningPathStep.objects.filter(course_key=course_key)
            .values_list("learning_path__key", flat=True).distinct()]


def paths_of_learner(user_id: int, keys: Sequence[str]) -> list[str]:
    """Which of these paths the learner is actively enrolled in."""
    if not installed() or not keys:
        return []
    from learning_paths.models import LearningPathEnrollment

    rows = LearningPathEnrollment.objects.filter(user_id=user_id, is_active=True, learning_path__key__in=list(keys))
    return [str(key) for key in rows.values_list("learning_path__key", flat=True)]


def learner_paths_with_course(user_id: int, course_key: str) -> list[str]:
    """The paths that include this course and that the learner is actively enrolled in (one query)."""
    if not installed():
        return []
    from learning_paths.models import LearningPathEnrollment

    rows = LearningPathEnrollment.objects.filter(user_id=user_id, is_active=True,
                                                 learning_path__steps__course_key=course_key)
    return [str(key) for key in rows.values_list("learning_path__key", flat=True).distinct()]

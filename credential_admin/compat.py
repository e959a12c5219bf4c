"""Every edx-platform import of the project, in one place, made lazily and guarded.

Nothing here is imported at module load: each function imports what it needs when called, so the package installs
and runs outside the platform (demo, tests) and across releases. A missing platform module raises
`PlatformUnavailable` naming it; APIs that only recent releases have (see OPENEDX.md) fall back where one exists.
"""
from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from opaque_keys.edx.keys import CourseKey


class PlatformUnavailable(ImportError):
    """The code needs an edx-platform module that is not importable here (not running inside the platform)."""


def _module(path: str):
    try:
        return importlib.import_module(path)
    except ImportError as exc:
        raise PlatformUnavailable(f"edx-platform module {path} is not available: {exc}") from exc


def _optional(path: str, name: str):
    """An attribute of a module that only some releases have, or None."""
    try:
        return getattr(importlib.import_module(path), name, None)
    except ImportError:
        return None


# --- courses -----------------------------------------------------------------------------------------------------
def get_course(course_key, depth: int | None = None) -> Any:
    """The course block from the modulestore: its whole tree by default, just the course block with ``depth=0``."""
    store = _module("xmodule.modulestore.django").modulestore()
    course = store.get_course(_course_key(course_key), depth=depth)
    if course is None:
        raise LookupError(f"No course {course_key!s} in the modulestore.")
    return course


def course_title(course_key) -> str:
    """The course's display name from its CourseOverview row, or "" when there is none.

    Read with a plain filter: ``get_course_overview_or_none`` goes through ``CourseOverview.get_from_id``, which
    loads the course from the modulestore and writes a new overview when the row is missing (OPENEDX.md §10).
    """
    model = _module("openedx.core.djangoapps.content.course_overviews.models").CourseOverview
    overview = model.objects.filter(id=_course_key(course_key)).first()
    return overview.display_name_with_default if overview is not None else ""


def course_exists(course_key) -> bool:
    """Whether the platform knows the course: ``CourseOverview.course_exists`` (the overview table, then the
    modulestore's ``has_course``), which never creates an overview row."""
    model = _module("openedx.core.djangoapps.content.course_overviews.models").CourseOverview
    return bool(model.course_exists(_course_key(course_key)))


def published_blocks_of_type(course_key, block_type: str) -> list:
    """The course's blocks of one type from the published branch: drafts never drive issuing."""
    modulestore = _module("xmodule.modulestore")
    store = _module("xmodule.modulestore.django").modulestore()
    key = _course_key(course_key)
    with store.branch_setting(modulestore.ModuleStoreEnum.Branch.published_only, key):
        return list(store.get_items(key, qualifiers={"category": block_type}))


def course_published_signal():
    """The modulestore's ``course_published`` signal (sent with ``course_key`` after every publish)."""
    return _module("xmodule.modulestore.django").SignalHandler.course_published


def retirement_signals() -> list:
    """``USER_RETIRE_LMS_CRITICAL`` and ``USER_RETIRE_LMS_MISC`` (Django signals sent with ``user=``), from
    ``openedx/core/djangoapps/user_api/accounts/signals.py``."""
    signals = _module("openedx.core.djangoapps.user_api.accounts.signals")
    return [signals.USER_RETIRE_LMS_CRITICAL, signals.USER_RETIRE_LMS_MISC]


def name_change_signals() -> list:
    """``USER_FIELDS_CHANGED`` (a Django signal sent with ``user=``, ``table=`` and ``changed_fields={field: (old,
    new)}``) from ``common/djangoapps/util/model_utils.py`` ``emit_settings_changed_event``, which the profile's
    post-save sends for ``auth_userprofile``, ``name`` included."""
    return [_module("common.djangoapps.util.model_utils").USER_FIELDS_CHANGED]


def collected_course_blocks(course_key) -> Any:
    """The course's collected block structure (``BlockStructureManager.get_collected``): built at publish and
    stored, read once per batch of learners and transformed per learner without loading the modulestore."""
    api = _module("openedx.core.djangoapps.content.block_structure.api")
    return api.get_block_structure_manager(_course_key(course_key)).get_collected()


def learner_course_blocks(user, collected) -> Any:
    """The learner's own course tree: ``get_course_blocks`` with the platform's access transformers over the
    collected structure (item bank and library selections, split-test groups, cohort and enrollment-track
    ``group_access``, ``visible_to_staff_only``), as ``get_course_blocks_completion_summary`` walks it."""
    api = _module("lms.djangoapps.course_blocks.api")
    return api.get_course_blocks(user, collected.root_block_usage_key, collected_block_structure=collected,
                                 allow_start_dates_in_future=True)


def _course_key(course_key) -> CourseKey:
    return course_key if isinstance(course_key, CourseKey) else CourseKey.from_string(str(course_key))


# --- learners ----------------------------------------------------------------------------------------------------
def enrollments(course_key, user_ids: Sequence[int]) -> dict[int, tuple[str, bool]]:
    """{user id: (mode, is_active)} for these learners' enrollments in the course (one query)."""
    model = _module("common.djangoapps.student.models").CourseEnrollment
    rows = model.objects.filter(course_id=_course_key(course_key), user_id__in=list(user_ids))
    return {user_id: (mode, is_active) for user_id, mode, is_active in rows.values_list("user_id", "mode", "is_active")}


def enrolled_user_ids(course_key) -> Iterator[int]:
    """Every learner with an enrollment (active or not) in the course, by user id."""
    model = _module("common.djangoapps.student.models").CourseEnrollment
    rows = model.objects.filter(course_id=_course_key(course_key)).order_by("user_id")
    return rows.values_list("user_id", flat=True).iterator()


def full_names(user_ids: Sequence[int]) -> dict[int, str]:
    """{user id: profile name}: the platform's full name is ``UserProfile.name`` (one query)."""
    model = _module("common.djangoapps.student.models").UserProfile
    return dict(model.objects.filter(user_id__in=list(user_ids)).values_list("user_id", "name"))


def languages(user_ids: Sequence[int]) -> dict[int, str]:
    """{user id: preferred language} from the ``pref-lang`` preference (one query); empty where unsupported."""
    model = _optional("openedx.core.djangoapps.user_api.models", "UserPreference")
    if model is None:
        return {}
    rows = model.objects.filter(user_id__in=list(user_ids), key="pref-lang").values_list("user_id", "value")
    return dict(rows)


def is_course_staff(user, course_key) -> bool:
    """Whether the user has staff access to the course (course staff, instructors, global staff):
    ``has_access(user, "staff", course_key)`` answers an ``AccessResponse`` whose truth is the decision."""
    access = _module("lms.djangoapps.courseware.access")
    return bool(access.has_access(user, "staff", _course_key(course_key)))


# --- grades ------------------------------------------------------------------------------------------------------
def course_grades(course, users: Sequence[Any], collected=None) -> Iterable[tuple[Any, Any]]:
    """(user, CourseGrade or None) for each user, read in bulk: the platform's prefetch, then ``iter``.

    The grades are the persisted ones; a learner whose grade failed to load gets None (the platform logs why).
    """
    api = _module("lms.djangoapps.grades.api")
    key = course.id
    api.prefetch_course_and_subsection_grades(key, users)
    try:
        for result in api.CourseGradeFactory().iter(users, course=course, collected_block_structure=collected):
            yield result.student, (None if result.error else result.course_grade)
    finally:
        _clear_prefetched_grades(api, key)


def _clear_prefetched_grades(api, course_key) -> None:
    # The two clear functions' names are swapped upstream (OPENEDX.md §2); clear both kinds, whichever exist.
    for name in ("clear_prefetched_course_and_subsection_grades", "clear_prefetched_course_grades"):
        clear = getattr(api, name, None)
        if clear is not None:
            clear(course_key)


def subsection_type_graders(course) -> dict[str, Any]:
    """{assignment type: grader} of the course's policy, the graders the course grade itself uses."""
    course_grade = _module("lms.djangoapps.grades.course_grade")
    return dict(course_grade.CourseGrade.get_subsection_type_graders(course))


def type_percent(grader, course_grade, visible_only: bool = False) -> float:
    """One assignment type's percent (drops and min_count placeholders applied), 0..1; with `visible_only`, over
    the subsections whose scores the learner may see (``show_correctness``), as the Progress page shows them."""
    return float(grader.grade(course_grade.graded_subsections_by_format(visible_grades_only=visible_only))["percent"])


def hides_scores(course_grade) -> bool:
    """Whether some graded subsection hides its scores from the learner now (``SubsectionGrade.show_grades``)."""
    return any(not subsection.show_grades(False)
               for by_location in course_grade.graded_subsections_by_format().values()
               for subsection in by_location.values())


def visible_percent(course_grade) -> float:
    """The course percent the Progress page shows: ``CourseGrade.update(visible_grades_only=True)`` recomputes it
    from the visible subsections (call it after reading the real numbers: it changes the grade object)."""
    return float(course_grade.update(visible_grades_only=True, has_staff_access=False).percent)


# --- REST API ----------------------------------------------------------------------------------------------------
def jwt_cookie_authentication() -> type | None:
    """edx-drf-extensions' ``JwtAuthentication`` (the JWT cookie the MFEs send), or None where the package or the
    platform's ``JWT_AUTH`` settings are absent (the demo authenticates by session only)."""
    from django.conf import settings

    if not getattr(settings, "JWT_AUTH", None):
        return None
    return _optional("edx_rest_framework_extensions.auth.jwt.authentication", "JwtAuthentication")

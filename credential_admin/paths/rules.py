"""A path credential's rules, read fresh each time: the path's courses, and the rule each one must meet.

Global mode applies one rule to every course. Per-course mode gives each course the criteria of its published
Credential block of the same level (the first by usage key when there are several, with a warning), unless an
admin's override replaces them; a course with neither falls back to the global rule. Nothing is copied: a publish
changes the block's configuration, and so the path's rule, at once; so does a course added to or removed from the
path. The plugin's own `LearningPathGradingCriteria` (every new path gets one, 80% / 75% by default) seeds the
rule when the admin set neither a global rule nor a path-wide grade: its completion becomes the global rule, and,
in global mode only, its grade the path-wide grade (in per-course mode the blocks' rules stand as they are).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from credential_admin.models import CredentialConfig, PathCourseOverride, PathCredential
from credential_admin.paths import source
from credential_xblock.rules import N_, Criteria, CriteriaError, Message, parse_criteria, parse_threshold

GLOBAL, BLOCK, OVERRIDE, SEED = "global", "block", "override", "seed"


@dataclass(frozen=True)
class CourseRule:
    """The rule of one course of the path, where it comes from, and the block's own rule (the way back)."""

    course_key: str
    title: str
    weight: float
    criteria: Criteria | None
    source: str
    usage_key: str = ""
    block_criteria: Criteria | None = None
    warning: Message | None = None


@dataclass(frozen=True)
class PathRules:
    """Everything needed to evaluate a path credential; `errors` non-empty means nobody can be evaluated."""

    config: CredentialConfig
    path_key: str
    title: str
    courses: tuple[CourseRule, ...]
    min_path_grade: Decimal | None
    errors: tuple[Message, ...] = ()
    dormant: tuple[str, ...] = ()  # overrides of courses no longer in the path: kept, not applied


def rules_for(config: CredentialConfig, titles=None) -> PathRules:
    """The rules of a path configuration now; `titles(course_key)` names a course (the backend's by default)."""
    path_config = PathCredential.objects.filter(config=config).first()
    key = path_config.path_key if path_config else config.course_key
    info = source.path_info(key)
    if path_config is None or info is None:
        why = N_("The learning path {key} does not exist.") if source.installed() else \
            N_("Learning paths are not installed on this site (the [paths] extra).")
        return PathRules(config, key, key, (), None, (Message(why, {"key": key}),))
    if not info.steps:
        return PathRules(config, key, info.title, (), None,
                         (Message(N_("The learning path {path} has no courses: add courses to it."),
                                  {"path": info.title}),))
    global_rule, path_grade, errors = _global(path_config, info)
    overrides = {o.course_key: o for o in PathCourseOverride.objects.filter(path=path_config)}
    blocks = _block_rules([step.course_key for step in info.steps], config.level)
    titles = titles or _course_title
    courses = []
    for step in info.steps:
        course = _course_rule(step, titles(step.course_key), path_config.mode, global_rule, overrides.get(
            step.course_key), blocks.get(step.course_key, []))
        if course.criteria is None:
            errors.append(Message(N_("{course} has no rule: publish a Credential block of this level in it, set a "
                                     "global rule, or override its rule."), {"course": course.title}))
        courses.append(course)
    if path_grade is not None and not sum(step.weight for step in info.steps):
        errors.append(Message(N_("A path-wide grade needs courses with a weight above 0.")))
    in_path = {step.course_key for step in info.steps}
    return PathRules(config, key, info.title, tuple(courses), path_grade, tuple(errors),
                     tuple(sorted(set(overrides) - in_path)))


def _global(path_config: PathCredential, info: source.PathInfo) -> tuple[Criteria | None, Decimal | None, list]:
    """The global rule and the path-wide grade: the admin's, else seeded from the path's grading criteria."""
    errors: list[Message] = []
    rule = None
    if path_config.global_criteria:
        try:
            rule = parse_criteria(path_config.global_criteria)
        except CriteriaError as exc:
            errors.extend(exc.errors.values())
    grade = parse_threshold(path_config.min_path_grade) if path_config.min_path_grade is not None else None
    if rule is None and grade is None and not errors and info.required_completion is not None:
        rule = Criteria(min_completion=_percent(info.required_completion))
        if path_config.mode == PathCredential.Mode.GLOBAL and info.required_grade is not None:
            grade = _percent(info.required_grade)
    return rule, grade, errors


def _percent(fraction: float) -> Decimal:
    return Decimal(str(round(fraction * 100, 2))).normalize()


def _block_rules(course_keys: list[str], level: str) -> dict[str, list[CredentialConfig]]:
    """Each course's published configurations of this level, by usage key (one query for all courses)."""
    found: dict[str, list[CredentialConfig]] = defaultdict(list)
    for config in CredentialConfig.objects.filter(course_key__in=course_keys, level=level, is_published=True) \
            .order_by("course_key", "usage_key"):
        found[config.course_key].append(config)
    return found


def _course_rule(step, title: str, mode: str, global_rule, override, blocks: list[CredentialConfig]) -> CourseRule:
    block = blocks[0] if blocks else None
    block_criteria = _parsed(block.criteria) if block else None
    warning = Message(N_("{course} has {count} Credential blocks of this level: the path follows {block}."),
                      {"course": title, "count": len(blocks), "block": block.display_name or block.usage_key}) \
        if len(blocks) > 1 else None
    usage_key = block.usage_key if block else ""
    common = {"course_key": step.course_key, "title": title, "weight": step.weight, "usage_key": usage_key,
              "block_criteria": block_criteria, "warning": warning}
    if mode == PathCredential.Mode.PER_COURSE:
        if override is not None:
            return CourseRule(criteria=_parsed(override.criteria), source=OVERRIDE, **common)
        if block_criteria is not None:
            return CourseRule(criteria=block_criteria, source=BLOCK, **common)
    return CourseRule(criteria=global_rule, source=GLOBAL, **common)


def _parsed(raw: dict) -> Criteria | None:
    try:
        return parse_criteria(raw or {})
    except CriteriaError:
        return None


def _course_title(course_key: str) -> str:
    from credential_admin.backends import get_backend

    try:
        return get_backend().course_title(course_key)
    except Exception:  # a course the site does not hold (yet): named by its key rather than failing the path
        return course_key


def path_configs(path_key: str | None = None, course_key: str | None = None, path_keys=None):
    """Published path configurations: of one path, of some paths, or of every path that includes `course_key`."""
    rows = PathCredential.objects.select_related("config").filter(config__is_published=True)
    if path_key is not None:
        rows = rows.filter(path_key=path_key)
    if path_keys is not None:
        rows = rows.filter(path_key__in=list(path_keys))
    if course_key is not None:
        rows = rows.filter(path_key__in=source.paths_with_course(course_key))
    return [row.config for row in rows.order_by("path_key", "config__level")]

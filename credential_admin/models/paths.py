"""The path side of a path credential configuration: rule mode, global rule, path-wide grade, course overrides.

The level, template, description, validity and allowed modes stay on the `CredentialConfig` (one per path and
level), so issuing, verification and the lifecycle treat path credentials like course ones. Per-course rules are
not stored: they are read from each course's published configuration of the same level when needed, so they
follow the blocks on every publish; only an admin's override is kept here.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from credential_xblock.rules import CriteriaError, parse_criteria, parse_threshold

from .credentials import CredentialConfig

__all__ = ["PathCourseOverride", "PathCredential"]


def criteria_errors(raw: dict) -> str:
    """The validation message of raw criteria, or '' when they are valid."""
    try:
        parse_criteria(raw or {})
    except CriteriaError as exc:
        return "; ".join(f"{key}: {message.render(_)}" for key, message in exc.errors.items())
    return ""


class PathCredential(models.Model):
    """How a path credential's rules are made: one global rule, or per-course rules that replace it."""

    class Mode(models.TextChoices):
        GLOBAL = "global", _("One rule for every course (global)")
        PER_COURSE = "per_course", _("Each course its own rule (per course)")

    config = models.OneToOneField(CredentialConfig, on_delete=models.CASCADE, related_name="path",
                                  verbose_name=_("credential configuration"))
    path_key = models.CharField(_("learning path"), max_length=255, db_index=True,
                                help_text=_("path-v1:ORG+NUMBER+RUN+GROUP"))
    mode = models.CharField(_("rule mode"), max_length=16, choices=Mode.choices, default=Mode.GLOBAL)
    global_criteria = models.JSONField(
        _("global rule"), default=dict, blank=True,
        help_text=_("Applied to every course in global mode, and to a course without a block or override in "
                    "per-course mode. Empty: seeded from the path's own grading criteria."))
    min_path_grade = models.DecimalField(
        _("path-wide grade (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        help_text=_("Optional: the course grades weighted by the step weights must reach this percentage."))

    class Meta:
        verbose_name = _("learning path credential")
        verbose_name_plural = _("learning path credentials")

    def __str__(self) -> str:
        return f"{self.config.display_name or self.path_key} ({self.config.get_level_display()})"

    def clean(self) -> None:
        errors = {}
        if self.global_criteria:
            message = criteria_errors(self.global_criteria)
            if message:
                errors["global_criteria"] = message
        try:
            parse_threshold(self.min_path_grade)
        except ValueError as exc:
            errors["min_path_grade"] = exc.args[0].render(_)
        if errors:
            raise ValidationError(errors)


class PathCourseOverride(models.Model):
    """An admin's rule for one course of a path, kept in place of the rule of that course's block."""

    path = models.ForeignKey(PathCredential, on_delete=models.CASCADE, related_name="overrides")
    course_key = models.CharField(_("course"), max_length=255)
    criteria = models.JSONField(_("rule"), default=dict, help_text=_("As credential_xblock.rules.Criteria."))
    reason = models.CharField(_("why"), max_length=255, blank=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["path", "course_key"], name="path_override_one_per_course")]
        ordering = ["path", "course_key"]
        verbose_name = _("course rule override")
        verbose_name_plural = _("course rule overrides")

    def __str__(self) -> str:
        return f"{self.course_key} ({self.path.path_key})"

    def clean(self) -> None:
        message = criteria_errors(self.criteria)
        if message:
            raise ValidationError({"criteria": message})

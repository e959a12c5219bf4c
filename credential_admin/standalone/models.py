"""What a course, an enrollment and a grade are in standalone mode (DESIGN.md "Standalone mode").

Completion is not here: it goes to edx-completion's real `BlockCompletion`.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Course(models.Model):
    """A course loaded from OLX: its source, grading policy and the outline computed at publish time."""

    course_key = models.CharField(_("course key"), max_length=255, unique=True)
    title = models.CharField(_("title"), max_length=255)
    olx = models.TextField(_("OLX"), help_text=_("The whole course as one OLX document, as loaded."))
    grading_policy = models.JSONField(_("grading policy"), default=dict)
    structure = models.JSONField(_("structure"), default=dict, help_text=_("Outline computed at each publish."))
    published = models.DateTimeField(_("last published"), auto_now=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="standalone_staffed_courses", verbose_name=_("course staff"),
        help_text=_("Course staff edit the course in Studio and see the staff panel; global staff always may."),
    )

    class Meta:
        ordering = ["course_key"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return f"{self.title} ({self.course_key})"


class Enrollment(models.Model):
    """A learner's enrollment, with the platform's mode names (audit, verified, honor, ...)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="standalone_enrollments")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    mode = models.CharField(_("mode"), max_length=100, default="audit")
    is_active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="standalone_enrollment_unique")]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_id} ({self.mode})"


class Score(models.Model):
    """The local grade store: a learner's latest score on one problem, from the problem's `grade` event."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="standalone_scores")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="scores")
    block_key = models.CharField(_("block"), max_length=255)
    earned = models.FloatField(_("earned"))
    possible = models.FloatField(_("possible"))
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course", "block_key"], name="standalone_score_unique")]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self) -> str:
        return f"{self.user_id} {self.block_key}: {self.earned}/{self.possible}"


class BlockState(models.Model):
    """XBlock field storage: the fields of one scope of one block (and one user, 0 for none) as JSON."""

    course_key = models.CharField(max_length=255, db_index=True, blank=True)
    block_key = models.CharField(max_length=255)
    scope = models.CharField(max_length=32)
    user_id = models.BigIntegerField(default=0)
    state = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["block_key", "scope", "user_id"], name="standalone_blockstate_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.block_key} {self.scope} {self.user_id}"


class Profile(models.Model):
    """A learner's full name as printed on certificates: the standalone twin of the platform's `profile.name`."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="standalone_profile")
    name = models.CharField(_("full name"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return self.name


def full_name(user) -> str:
    """The name the platform would print: the profile name, else Django's first and last name."""
    profile = getattr(user, "standalone_profile", None) if user.pk else None
    return (profile.name if profile else "") or user.get_full_name()


def is_course_staff(user, course_key: str) -> bool:
    """Staff access to a course, as the platform's ``has_access(user, "staff", course)``: global staff, or a
    member of the course's staff."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Course.objects.filter(course_key=str(course_key), staff=user).exists()

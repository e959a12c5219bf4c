"""The shapes of the learner API, for its OpenAPI description and for reading claim requests.

Responses are built by `views.serialize` and `progress.course_progress`; the API tests check every response against
these shapes through the served description, so the two cannot drift apart.
"""
from __future__ import annotations

from rest_framework import serializers

from credential_admin.models import Credential
from credential_xblock import checklist

CHECKLIST_STATUSES = [checklist.CONFIG_ERROR, checklist.SIGNED_OUT, checklist.NOT_ENROLLED, checklist.NOT_AVAILABLE,
                      checklist.IN_PROGRESS, checklist.ELIGIBLE, checklist.ISSUED, checklist.PENDING,
                      checklist.REVOKED]


class BadgeSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    image_url = serializers.URLField(help_text="The badge's image (PNG or SVG), public.")


class CredentialSerializer(serializers.Serializer):
    verification_id = serializers.CharField()
    code = serializers.CharField(help_text="The short code printed on the certificate.")
    status = serializers.ChoiceField(choices=Credential.Status.values)
    title = serializers.CharField(help_text="The course (or path) title printed on it.")
    display_name = serializers.CharField(allow_blank=True, help_text="The credential's own name (the block's).")
    level = serializers.CharField()
    level_label = serializers.CharField()
    course_key = serializers.CharField(help_text="The course, or the Learning Path (path-v1:…).")
    issued_on = serializers.DateField(allow_null=True)
    reissued_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.URLField(allow_null=True, help_text="Only while issued and stored.")
    verify_url = serializers.URLField(allow_null=True, help_text="The public verification page.")
    open_badge_url = serializers.URLField(allow_null=True, help_text="The signed Open Badges 3.0 credential.")
    badge = BadgeSerializer(allow_null=True, help_text="Badges only: what the badge says and its image; the "
                                                       "downloaded file is the image with the credential baked in.")


class CredentialPageSerializer(serializers.Serializer):
    username = serializers.CharField()
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CredentialSerializer(many=True)


class RuleSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="completion, grade, assignment_type, …")
    assignment_type = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    value = serializers.CharField(help_text="Where the learner stands, in words.")
    current = serializers.IntegerField(help_text="The learner's value, a whole percent.")
    required = serializers.CharField(help_text="The threshold as typed (90, 82.5).")
    met = serializers.BooleanField()
    remaining = serializers.IntegerField(help_text="Units (completion) or percentage points (grades) still needed.")
    left = serializers.CharField(help_text="What is left, in words.")
    note = serializers.CharField(allow_blank=True)
    bar = serializers.IntegerField(min_value=0, max_value=100)
    marker = serializers.CharField(help_text="Where the threshold sits on the bar, in percent.")
    aria_text = serializers.CharField(help_text="The bar for screen readers.")


class ChecklistCredentialSerializer(serializers.Serializer):
    status = serializers.CharField()
    verify_url = serializers.CharField(allow_blank=True)
    download_url = serializers.CharField(allow_blank=True)
    issued_on = serializers.CharField(allow_blank=True)
    short_code = serializers.CharField(allow_blank=True)
    linkedin_url = serializers.CharField(allow_blank=True, help_text="Badges only: LinkedIn's Add to profile.")


class ChecklistBadgeSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    image = serializers.CharField(help_text="The badge's image as a data: URI (PNG or SVG).")


class ChecklistSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CHECKLIST_STATUSES)
    headline = serializers.CharField()
    messages = serializers.ListField(child=serializers.CharField())
    config_errors = serializers.ListField(child=serializers.CharField())
    eligible = serializers.BooleanField()
    rules = RuleSerializer(many=True)
    credential = ChecklistCredentialSerializer(allow_null=True)
    badge = ChecklistBadgeSerializer(allow_null=True, help_text="Badges only: shown greyed until issued.")


class ConfigProgressSerializer(serializers.Serializer):
    usage_key = serializers.CharField(help_text="The Credential block; claim with it.")
    display_name = serializers.CharField(allow_blank=True)
    level = serializers.CharField()
    level_label = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    checklist = ChecklistSerializer()


class PathCourseSerializer(serializers.Serializer):
    course_key = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    done = serializers.BooleanField()
    current = serializers.BooleanField(help_text="The course the progress was asked for.")
    left = serializers.CharField(help_text="What is left in this course, in words.")


class PathGradeSerializer(serializers.Serializer):
    current = serializers.IntegerField()
    required = serializers.CharField()
    met = serializers.BooleanField()
    remaining = serializers.IntegerField()


class PathCredentialSerializer(serializers.Serializer):
    status = serializers.CharField()
    verify_url = serializers.CharField(required=False)
    download_url = serializers.CharField(required=False)
    issued_on = serializers.CharField(required=False, allow_blank=True)
    short_code = serializers.CharField(required=False)


class PathProgressSerializer(serializers.Serializer):
    """A Learning Path credential whose path holds the course (credential_admin.paths.progress)."""

    config_id = serializers.IntegerField()
    path_key = serializers.CharField()
    title = serializers.CharField()
    level = serializers.CharField()
    level_label = serializers.CharField()
    status = serializers.CharField()
    headline = serializers.CharField()
    done = serializers.IntegerField(help_text="Courses done.")
    total = serializers.IntegerField(help_text="Courses in the path.")
    eligible = serializers.BooleanField(required=False)
    courses = PathCourseSerializer(many=True)
    path_grade = PathGradeSerializer(allow_null=True)
    credential = PathCredentialSerializer(allow_null=True)


class CourseProgressSerializer(serializers.Serializer):
    course_key = serializers.CharField()
    credentials = ConfigProgressSerializer(many=True, help_text="Empty when the course has no credential.")
    paths = PathProgressSerializer(many=True, help_text="Learning Paths holding the course, where installed.")


class ClaimSerializer(serializers.Serializer):
    usage_key = serializers.CharField(max_length=255, help_text="The Credential block (see progress).")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()

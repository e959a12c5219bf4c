"""App config of the standalone runtime (demo and tests only; never installed inside the LMS)."""
from django.apps import AppConfig


class StandaloneConfig(AppConfig):
    """Courses, enrollments and the local grade store of the standalone runtime."""

    name = "credential_admin.standalone"
    label = "credential_standalone"
    verbose_name = "Standalone runtime"
    default_auto_field = "django.db.models.BigAutoField"

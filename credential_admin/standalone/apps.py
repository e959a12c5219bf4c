"""App config of the standalone runtime (demo and tests only; never installed inside the LMS)."""
from django.apps import AppConfig


class StandaloneConfig(AppConfig):
    """Courses, enrollments and the local grade store of the standalone runtime."""

    name = "credential_admin.standalone"
    label = "credential_standalone"
    verbose_name = "Standalone runtime"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """edx-completion emits tracking events; outside the LMS nobody registered a tracker, so log them."""
        from eventtracking import tracker
        from eventtracking.backends.logger import LoggerBackend

        if tracker.DEFAULT_TRACKER_NAME not in tracker.TRACKERS:
            tracker.register_tracker(tracker.Tracker({"log": LoggerBackend(name="credential_standalone.tracking")}))
        from credential_admin.standalone import learning_sequences

        learning_sequences.install()  # learning-paths-plugin's admin asks the platform for the courses

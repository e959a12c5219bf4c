"""The Celery app of the demo and the test suites, configured from Django settings (``CELERY_*``).

Inside the LMS the platform's own app runs the tasks (they are `shared_task`s); here, settings name this module in
CREDENTIAL_XBLOCK_CELERY_APP so that queuing loads it first, and a worker starts with
``celery -A credential_admin.standalone.celery worker``.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credential_admin.demo.settings")

app = Celery("credential_admin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["credential_admin"])

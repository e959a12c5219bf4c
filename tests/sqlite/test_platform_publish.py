"""Studio publish on the platform: the receiver of the modulestore's course_published signal only queues a Celery
task after commit; the task syncs the course's published Credential blocks (drafts never count)."""
import sys
from types import SimpleNamespace

import pytest
from opaque_keys.edx.keys import CourseKey

from credential_admin import handlers, tasks
from credential_admin.models import CredentialConfig
from tests.openedx_fakes import Block, FakeCourse, FakePlatform, chapter, course_tree, sequential, unit

KEY = CourseKey.from_string("course-v1:Plat+PUB+2026")
POLICY = {"GRADER": [{"type": "Final Exam", "min_count": 1, "drop_count": 0, "weight": 1.0}],
          "GRADE_CUTOFFS": {"Pass": 0.5}}

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish(monkeypatch, settings):
    """The fake platform with one published Credential block and one draft; returns the publish signal."""
    settings.CREDENTIAL_XBLOCK_BACKEND = "credential_admin.backends.openedx.OpenEdxBackend"
    platform = FakePlatform().install(monkeypatch)
    blocks = [Block(KEY, "credential", "done", display_name="Completion", level="completion", min_completion="80"),
              Block(KEY, "credential", "draft", display_name="Draft", min_grade="50", draft_only=True)]
    tree = course_tree(KEY, chapter(KEY, "ch", sequential(KEY, "s", unit(KEY, "u", *blocks))))
    platform.add_course(FakeCourse(KEY, "Publish course", POLICY, tree, []))
    handlers.connect()
    return sys.modules["xmodule.modulestore.django"].SignalHandler.course_published


def test_the_receiver_only_queues_the_sync(publish, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(tasks, "sync_course", SimpleNamespace(delay=lambda *args: queued.append(args)))  # Celery
    with django_capture_on_commit_callbacks() as callbacks:
        publish.send(sender=None, course_key=KEY)
    assert queued == [] and not CredentialConfig.objects.exists()  # nothing in the request
    for callback in callbacks:
        callback()
    assert queued == [(str(KEY), None)]  # the course, and no known publisher


def test_the_task_syncs_the_published_blocks_only(publish, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publish.send(sender=None, course_key=KEY)  # Celery is eager here: the task runs after commit
    (config,) = CredentialConfig.objects.all()
    assert (config.usage_key, config.display_name, config.criteria["min_completion"]) == (
        str(KEY.make_usage_key("credential", "done")), "Completion", "80")

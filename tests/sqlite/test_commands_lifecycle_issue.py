"""issue_credentials --users-file and --queue, on the demo course (chen and ben are eligible for certificates; see
test_demo_learners)."""
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from credential_admin import tasks
from credential_admin.demo.seed import COURSE_KEY, setup_demo
from credential_admin.models import AuditLog, Credential, CredentialConfig
from tests.sqlite.test_demo_learners import ACHIEVEMENT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_issuing")]


@pytest.fixture
def demo(db):
    setup_demo(say=lambda _line: None)
    Credential.objects.all().delete()  # the demo's setup awards its badges: start from none


def run(*args) -> str:
    out = io.StringIO()
    call_command("issue_credentials", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_users_file_limits_issuing_to_its_learners(demo, tmp_path):
    users = tmp_path / "users.txt"
    users.write_text("# learners to issue\nchen\n\nchen\n", encoding="utf-8")
    run("--course", COURSE_KEY, "--users-file", str(users))
    assert set(Credential.objects.values_list("user__username", flat=True)) == {"chen"}
    assert Credential.objects.filter(user__username="chen", config__usage_key=ACHIEVEMENT, status="issued").exists()
    run("--course", COURSE_KEY, "--users-file", str(users), "--user", "ben")  # both lists
    assert set(Credential.objects.values_list("user__username", flat=True)) == {"ben", "chen"}


@pytest.mark.parametrize(("content", "message"), [
    (None, "cannot read the users file"),
    ("# nobody\n\n", "names no user (one username a line)"),
    ("chen\nghost\n", "unknown user(s): ghost"),
    (b"\xff\xfe\x00bad", "cannot read the users file"),
])
def test_bad_users_file_exits_2_and_changes_nothing(demo, tmp_path, content, message):
    path = tmp_path / "users.txt"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    before = AuditLog.objects.count()
    with pytest.raises(CommandError) as refused:
        run("--all", "--users-file", str(path))
    assert refused.value.returncode == 2 and message in str(refused.value)
    assert not Credential.objects.exists() and AuditLog.objects.count() == before


def test_queue_sends_batches_to_the_workers_and_says_what_was_queued(demo, tmp_path, settings, monkeypatch,
                                                                    django_capture_on_commit_callbacks):
    settings.CREDENTIAL_XBLOCK_BATCH_SIZE = 2
    users = tmp_path / "users.txt"
    users.write_text("ana\nben\nchen\n", encoding="utf-8")
    sent = []
    tasks._load_app()
    task = tasks.issue_batch._get_current_object()  # the task behind Celery's proxy, in the app that will send
    monkeypatch.setattr(task, "delay", lambda config_id, chunk: sent.append((config_id, chunk)))
    with django_capture_on_commit_callbacks(execute=True):  # queued once the surrounding transaction commits
        out = run("--course", COURSE_KEY, "--users-file", str(users), "--queue")
    configs = list(CredentialConfig.objects.filter(course_key=COURSE_KEY, is_published=True).order_by("pk"))
    # three learners in batches of two: two tasks per configuration, nothing issued in this process
    assert len(sent) == 2 * len(configs) and not Credential.objects.exists()
    assert {config_id for config_id, _chunk in sent} == {config.pk for config in configs}
    assert all(sorted(len(chunk) for c, chunk in sent if c == config.pk) == [1, 2] for config in configs)
    assert f"Queued {2 * len(configs)} batch task(s) for {len(configs)} credential configuration(s)." in out
    assert "2 batch(es) for 3 learner(s) queued." in out


def test_queued_batches_issue_when_the_workers_run_them(demo, tmp_path, django_capture_on_commit_callbacks):
    """Eager Celery (the demo's): the queued tasks run at once, with the same result as issuing in-process."""
    users = tmp_path / "users.txt"
    users.write_text("ben\nchen\n", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        run("--course", COURSE_KEY, "--users-file", str(users), "--queue")
    assert Credential.objects.filter(user__username="chen", config__usage_key=ACHIEVEMENT, status="issued").exists()
    assert set(Credential.objects.values_list("user__username", flat=True)) == {"ben", "chen"}


def test_queue_and_dry_run_together_exit_2(demo):
    with pytest.raises(CommandError) as refused:
        run("--all", "--queue", "--dry-run")
    assert refused.value.returncode == 2 and "--queue and --dry-run do not go together" in str(refused.value)

"""Failures while issuing: a certificate that cannot be rendered in the middle of a batch, the tasks' retry rules
(a rendering problem is never retried, a storage outage is retried until the attempts run out), and the download
view when the storage is down.

The unrenderable learner is made by injecting the renderer's own error for one name (GlyphMissingError: no
configured font can print a character), since which characters the bundled fonts lack changes with the fonts.
"""
import pytest
from django.urls import reverse

from credential_admin import tasks
from credential_admin.issuing import pdf, pipeline
from credential_admin.issuing.pdf.fonts import GlyphMissingError
from credential_admin.models import AuditLog, Credential

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_issuing")]
UNPRINTABLE = "Bob Unprintable"
REASON = "GlyphMissingError: no configured font can print U+E000 in 'Bob Unprintable'"


@pytest.fixture
def unprintable(monkeypatch):
    """The renderer fails for UNPRINTABLE's name, as it does for a character no font covers."""
    real = pdf.render_certificate

    def render(facts, template=None, **kwargs):
        if facts.learner_name == UNPRINTABLE:
            raise GlyphMissingError(f"no configured font can print U+E000 in {facts.learner_name!r}")
        return real(facts, template, **kwargs)
    monkeypatch.setattr(pdf, "render_certificate", render)


class Retried(Exception):
    """Raised by a task's retry() in these tests, carrying the countdown it asked for."""


@pytest.fixture
def no_broker(monkeypatch):
    """Run a task's body as a worker would (not eager, with a retry count); retry() records instead of queueing."""
    def run(task, *args, retries: int):
        calls = []

        def retry(*, countdown=None, **_kwargs):
            calls.append(countdown)
            raise Retried(countdown)
        monkeypatch.setattr(task, "retry", retry)
        task.push_request(retries=retries, is_eager=False, id="test-task")
        try:
            return task.run(*args), calls
        except Retried:
            return None, calls
        finally:
            task.pop_request()
    return run


def test_one_unrenderable_name_mid_batch_fails_alone_and_the_rest_are_issued(achievement, ace, unprintable,
                                                                             stored_bytes):
    alice, bob, carol = ace(), ace("bob", UNPRINTABLE), ace("carol", "Carol Example")  # bob in the middle
    result = pipeline.issue_for_users(achievement, [alice.pk, bob.pk, carol.pk])
    assert (result.issued, result.not_eligible, result.interrupted) == (2, 0, False)
    assert result.failed == {bob.pk: REASON}
    rows = {row.user_id: row for row in Credential.objects.all()}
    assert [rows[user.pk].status for user in (alice, bob, carol)] == ["issued", "failed", "issued"]
    failed = rows[bob.pk]
    assert failed.failure_reason == REASON and failed.attempts == 1
    assert failed.storage_key == "" and failed.pdf_sha256 == "" and failed.payload == ""
    assert stored_bytes(rows[carol.pk]).startswith(b"%PDF")
    assert list(AuditLog.objects.filter(action="failed").values_list("credential_id", flat=True)) == [failed.pk]


def test_a_rerun_tries_the_unrenderable_row_again_on_the_same_row_and_nothing_else(achievement, ace, unprintable):
    alice, bob = ace(), ace("bob", UNPRINTABLE)
    pipeline.issue_for_users(achievement, [alice.pk, bob.pk])
    result = pipeline.issue_for_users(achievement, [alice.pk, bob.pk])
    assert (result.issued, result.already, result.failed) == (0, 1, {bob.pk: REASON})
    assert Credential.objects.filter(user=bob).get().attempts == 2  # one row, counted
    assert Credential.objects.count() == 2


def test_a_batch_with_an_unrenderable_name_is_not_retried(achievement, ace, unprintable, no_broker):
    alice, bob = ace(), ace("bob", UNPRINTABLE)
    outcome, retries = no_broker(tasks.issue_batch, achievement.pk, [alice.pk, bob.pk], retries=0)
    assert retries == []
    assert outcome == {"issued": 1, "already": 0, "not_eligible": 0, "failed": 1}


def test_render_error_of_one_credential_is_not_retried(achievement, ace, unprintable, no_broker):
    bob = ace("bob", UNPRINTABLE)
    row = pipeline.reserve(achievement, pipeline.decide(achievement, records(achievement, [bob.pk])), "Course")[0]
    outcome, retries = no_broker(tasks.issue_credential, row.pk, retries=0)
    assert (outcome, retries) == ("failed", [])
    row.refresh_from_db()
    assert row.status == "failed" and row.failure_reason == REASON


def test_storage_outage_is_retried_with_backoff_until_the_attempts_run_out(achievement, ace, no_broker,
                                                                            isolated_issuing, settings):
    settings.CREDENTIAL_XBLOCK_RETRY = {"base": 5, "max": 600, "attempts": 3}
    alice = ace()
    row = pipeline.reserve(achievement, pipeline.decide(achievement, records(achievement, [alice.pk])), "Course")[0]
    isolated_issuing.down = True
    for attempt, ceiling in ((0, 5), (1, 10), (2, 20)):  # full jitter in [0, min(600, 5 * 2 ** attempt)]
        outcome, retries = no_broker(tasks.issue_credential, row.pk, retries=attempt)
        assert outcome is None and len(retries) == 1 and 0 <= retries[0] <= ceiling
    outcome, retries = no_broker(tasks.issue_credential, row.pk, retries=3)  # attempts exhausted
    assert (outcome, retries) == ("failed", [])
    row.refresh_from_db()
    assert row.status == "failed" and row.attempts == 4 and "storage unreachable" in row.failure_reason


def test_a_batch_stopped_by_an_outage_is_retried_until_the_attempts_run_out(achievement, ace, no_broker,
                                                                             isolated_issuing, settings):
    settings.CREDENTIAL_XBLOCK_RETRY = {"base": 5, "max": 600, "attempts": 2}
    alice = ace()
    isolated_issuing.down = True
    outcome, retries = no_broker(tasks.issue_batch, achievement.pk, [alice.pk], retries=1)
    assert outcome is None and len(retries) == 1 and 0 <= retries[0] <= 10
    outcome, retries = no_broker(tasks.issue_batch, achievement.pk, [alice.pk], retries=2)
    assert retries == [] and outcome == {"issued": 0, "already": 0, "not_eligible": 0, "failed": 1}


def test_download_is_503_with_retry_after_when_the_storage_is_down(achievement, ace, client, isolated_issuing):
    alice = ace()
    pipeline.issue_for_users(achievement, [alice.pk])
    credential = Credential.objects.get()
    url = reverse("credential_admin:credential_download", args=[credential.verification_id])
    client.force_login(alice)
    isolated_issuing.down = True
    response = client.get(url)
    assert response.status_code == 503 and response["Retry-After"] == "60"
    isolated_issuing.down = False
    assert client.get(url).status_code == 200


def records(config, user_ids):
    from credential_admin.backends import get_backend

    return get_backend().records(config.course_key, user_ids)

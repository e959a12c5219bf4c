"""Exactly once with real workers: racing workers, a worker killed mid-batch, an S3 outage mid-batch.

Every test issues through Celery workers on Redis into the S3 server, on the database named by CREDENTIAL_DB.
"""
import hashlib
import signal

import pytest
from django.db.models import Count

from credential_admin.models import AuditLog, Credential
from credential_admin.tasks import issue_batch
from tests.integration.conftest import stop_worker, wait_until

pytestmark = [pytest.mark.integration]
CHUNK = 100
LEARNERS = 500  # killed-worker and outage runs: enough batches to interrupt one mid-way


def enqueue(config, users, queue):
    ids = [user.pk for user in users]
    for start in range(0, len(ids), CHUNK):
        issue_batch.apply_async((config.pk, ids[start:start + CHUNK]), queue=queue)


def issued() -> int:
    return Credential.objects.filter(status=Credential.Status.ISSUED).count()


def assert_exactly_once(config, users, s3_server, bucket):
    """One credential per learner, every one issued, and the bucket holds exactly their files."""
    rows = Credential.objects.filter(config=config)
    assert rows.count() == len(users)
    assert not rows.values("user").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert set(rows.values_list("status", flat=True)) == {"issued"}
    assert s3_server.keys(bucket) == set(rows.values_list("storage_key", flat=True))


def test_two_workers_racing_on_the_same_batches_issue_each_credential_once(
        course_with_learners, start_worker, celery_queue, s3_server, s3_bucket):
    config, users = course_with_learners(1000)
    workers = [start_worker("race-a"), start_worker("race-b")]
    enqueue(config, users, celery_queue)
    enqueue(config, users, celery_queue)  # every batch twice: both workers race on every learner
    wait_until(lambda: issued() == 1000, 300, "1,000 credentials issued")
    for worker in workers:
        stop_worker(worker)  # let the duplicate batches finish before counting
    assert_exactly_once(config, users, s3_server, s3_bucket)
    assert all(w.returncode == 0 for w in workers)
    client = s3_server.client()
    sample = Credential.objects.filter(config=config).order_by("?")[:20]
    for credential in sample:
        body = client.get_object(Bucket=s3_bucket, Key=credential.storage_key)["Body"].read()
        assert hashlib.sha256(body).hexdigest() == credential.pdf_sha256


def test_worker_killed_mid_batch_then_rerun_issues_everyone_once_without_orphans(
        course_with_learners, start_worker, celery_queue, s3_server, s3_bucket, tmp_path):
    config, users = course_with_learners(LEARNERS)
    stored_before_kill = CHUNK + CHUNK // 2  # the first batch, then half of the second
    victim = start_worker("victim", CREDENTIAL_TEST_GATE=str(tmp_path),
                          CREDENTIAL_TEST_GATE_AFTER=str(stored_before_kill))
    enqueue(config, users, celery_queue)
    wait_until(lambda: any(tmp_path.glob("*.reached")), 240, "the victim held half-way through its second batch")
    victim.send_signal(signal.SIGKILL)  # killed there, not wherever the timing put it
    victim.wait(10)
    assert victim.returncode == -signal.SIGKILL
    assert issued() == CHUNK  # the second batch died with its transaction
    assert len(s3_server.keys(s3_bucket)) == stored_before_kill  # its half of the files: orphans until the rerun
    start_worker("rerun")
    enqueue(config, users, celery_queue)  # the admin reruns the same batch
    wait_until(lambda: issued() == LEARNERS, 300, "the rerun to finish")
    assert_exactly_once(config, users, s3_server, s3_bucket)


def test_s3_outage_mid_batch_leaves_nothing_issued_without_its_object_and_retries_finish(
        course_with_learners, start_worker, celery_queue, s3_server, s3_bucket):
    config, users = course_with_learners(LEARNERS)
    start_worker("outage")
    enqueue(config, users, celery_queue)
    wait_until(lambda: issued() >= 100, 240, "the first batch")
    s3_server.pause()
    try:
        wait_until(lambda: Credential.objects.filter(status="failed").exists(), 60, "a failure during the outage")
        during = issued()
        failed = Credential.objects.filter(status="failed").first()
        assert "Timeout" in failed.failure_reason or "timed out" in failed.failure_reason, failed.failure_reason
        wait_until(lambda: AuditLog.objects.filter(action="failed").count() >= 2, 60, "a retry during the outage")
        assert issued() == during, "a credential became issued while the S3 server was stopped"
    finally:
        s3_server.resume()
    wait_until(lambda: issued() == LEARNERS, 300, "the retries to finish after the outage")
    assert_exactly_once(config, users, s3_server, s3_bucket)
    client = s3_server.client()
    for credential in Credential.objects.filter(config=config):  # each object is the one its row records
        stored = client.get_object(Bucket=s3_bucket, Key=credential.storage_key)
        assert stored["ServerSideEncryption"] == "AES256"
        assert hashlib.sha256(stored["Body"].read()).hexdigest() == credential.pdf_sha256

"""Service fixtures of the integration suite: the database named by CREDENTIAL_DB (MariaDB or PostgreSQL), Redis
on 127.0.0.1:6379 with real Celery worker subprocesses, and an S3 API server subprocess on loopback with
authentication on (tests/integration/s3server.py). A service that does not answer skips the tests that need it.

Workers run `celery -A credential_admin.standalone.celery worker --pool=solo` (one process each, so SIGKILL kills
the whole worker) with tests.integration.worker_settings, on the pytest-django test database, the same data folder
(hence the same signing keys) and a queue of their own.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings as django_settings

ROOT = Path(__file__).resolve().parents[2]
REDIS = ("127.0.0.1", int(os.environ.get("CREDENTIAL_REDIS_PORT", 6379)))
DATABASES = {"mysql": ("127.0.0.1", int(os.environ.get("CREDENTIAL_DB_PORT", 3306))),
             "postgres": ("127.0.0.1", int(os.environ.get("CREDENTIAL_DB_PORT", 5432)))}
REGION = "us-east-1"
RETRY = {"base": 1, "max": 3, "attempts": 60}


def answers(address: tuple[str, int]) -> bool:
    try:
        socket.create_connection(address, timeout=1).close()
    except OSError:
        return False
    return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pytest_collection_modifyitems(config, items):
    """Skip every integration test when the database it must run on is not there."""
    engine = os.environ.get("CREDENTIAL_DB", "sqlite")
    reason = None
    if engine not in DATABASES:
        reason = "integration tests need CREDENTIAL_DB=mysql or CREDENTIAL_DB=postgres (workers share the database)"
    elif not answers(DATABASES[engine]):
        reason = f"{engine} is not answering on {DATABASES[engine]}"
    if reason:
        for item in items:
            if "tests/integration" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=reason))


def wait_until(condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.25) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class S3Server:
    """The S3 API server subprocess, an IAM user allowed s3:* and its keys."""

    def __init__(self):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "3", "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen([sys.executable, "-m", "tests.integration.s3server", str(self.port)],
                                        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: answers(("127.0.0.1", self.port)), 30, "the S3 server to listen")
        self.access_key, self.secret_key = self._make_user()

    def _make_user(self) -> tuple[str, str]:
        """The three IAM calls moto lets through without authentication; everything after must be signed."""
        import boto3

        iam = boto3.client("iam", endpoint_url=self.endpoint, region_name=REGION,
                           aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
        iam.create_user(UserName="certificates")
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        iam.put_user_policy(UserName="certificates", PolicyName="s3", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName="certificates")["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
                            config=Config(signature_version="s3v4"))

    def storage_options(self, bucket: str) -> dict:
        return {"bucket_name": bucket, "endpoint_url": self.endpoint, "region_name": REGION,
                "access_key": self.access_key, "secret_key": self.secret_key, "signature_version": "s3v4",
                "addressing_style": "path", "encryption": "AES256", "querystring_expire": 120}

    def keys(self, bucket: str) -> set[str]:
        paginator = self.client().get_paginator("list_objects_v2")
        return {item["Key"] for page in paginator.paginate(Bucket=bucket) for item in page.get("Contents", [])}

    def pause(self) -> None:
        """Stop the server process (SIGSTOP): connections hang and time out, as in an outage; state is kept."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def close(self) -> None:
        self.resume()
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture(scope="session")
def s3_server():
    try:
        import moto  # noqa: F401
    except ImportError:
        pytest.skip("moto[server] is not installed")
    server = S3Server()
    yield server
    server.close()


@pytest.fixture
def s3_bucket(s3_server, settings):
    """A fresh private bucket, used by this process as the certificates storage; emptied afterwards."""
    bucket = f"certs-{uuid.uuid4().hex[:12]}"
    s3_server.client().create_bucket(Bucket=bucket)
    settings.STORAGES = {**settings.STORAGES, "certificates": {
        "BACKEND": "credential_admin.issuing.s3.PrivateS3Storage", "OPTIONS": s3_server.storage_options(bucket)}}
    settings.CREDENTIAL_XBLOCK_STORAGE = "certificates"
    yield bucket
    client = s3_server.client()
    keys = sorted(s3_server.keys(bucket))
    for start in range(0, len(keys), 1000):
        client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys[start:start + 1000]]})
    client.delete_bucket(Bucket=bucket)


@pytest.fixture(scope="session")
def redis_url():
    if not answers(REDIS):
        pytest.skip(f"Redis is not answering on {REDIS}")
    return f"redis://{REDIS[0]}:{REDIS[1]}/14"


@pytest.fixture
def celery_queue(redis_url, settings):
    """A queue of this test's own on Redis; tasks sent from this process go there instead of running eagerly."""
    from credential_admin.standalone.celery import app

    queue = f"credential-it-{uuid.uuid4().hex[:10]}"
    saved = {name: app.conf[name] for name in ("task_always_eager", "broker_url", "task_default_queue")}
    app.conf.update(task_always_eager=False, broker_url=redis_url, task_default_queue=queue)
    reset_connections(app)
    settings.CREDENTIAL_XBLOCK_RETRY = RETRY
    yield queue
    import redis

    redis.Redis.from_url(redis_url).delete(queue)
    app.conf.update(saved)
    reset_connections(app)


def reset_connections(app) -> None:
    """Make the next send use the broker and default queue now configured. (kombu keeps one pool per broker
    URL process-wide, so pools are forgotten here, never closed.)"""
    app._pool = None
    app.amqp._producer_pool = None
    for cached in ("queues", "default_queue", "router"):
        app.amqp.__dict__.pop(cached, None)
    app.amqp.flush_routes()


@pytest.fixture
def service_env(celery_queue, redis_url, s3_bucket, s3_server, transactional_db) -> dict[str, str]:
    """The environment of a subprocess (worker or command) working on this test's database, keys, queue and
    bucket, with tests.integration.worker_settings."""
    from django.db import connection

    return {
        **os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "tests.integration.worker_settings",
        "CREDENTIAL_DB_NAME": connection.settings_dict["NAME"],
        "CREDENTIAL_TEST_DIR": django_settings.CREDENTIAL_DATA_DIR, "CREDENTIAL_BROKER_URL": redis_url,
        "CREDENTIAL_QUEUE": celery_queue, "CREDENTIAL_RETRY": json.dumps(RETRY),
        "CREDENTIAL_S3_OPTIONS": json.dumps(s3_server.storage_options(s3_bucket)),
        "CREDENTIAL_BASE_URL": django_settings.CREDENTIAL_XBLOCK_BASE_URL,
    }


@pytest.fixture
def start_worker(service_env, celery_queue):
    """Start Celery workers on this test's queue, database and bucket; stopped (or reaped) at teardown."""
    started: list[subprocess.Popen] = []
    logs = Path(django_settings.CREDENTIAL_DATA_DIR) / "worker-logs"
    logs.mkdir(exist_ok=True)

    def start(name: str, **extra_env: str) -> subprocess.Popen:
        """A worker named `name`; `extra_env` adds to its environment (e.g. the storage gate)."""
        log = open(logs / f"{name}-{celery_queue}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "credential_admin.standalone.celery", "worker", "--pool=solo",
             "-Q", celery_queue, "-n", f"{name}-{celery_queue}@%h", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-l", "warning"],
            env={**service_env, **extra_env}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        process.log_path = log.name
        started.append(process)
        return process

    yield start
    for process in started:
        stop_worker(process)


def stop_worker(process: subprocess.Popen, timeout: float = 60) -> None:
    """Warm shutdown: the worker finishes its current task, then exits."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


COURSE_OLX = """<course url_name="2026" display_name="Integration Course">
  <chapter url_name="c1" display_name="Chapter"><sequential url_name="s1" display_name="Lesson">
    <vertical url_name="u1" display_name="Unit one"><html url_name="h1"><p>One</p></html></vertical>
    <vertical url_name="u2" display_name="Unit two"><html url_name="h2"><p>Two</p></html>
      <credential url_name="done" display_name="Completion" level="completion" min_completion="100"/></vertical>
  </sequential></chapter>
</course>"""
POLICY = {"GRADER": [{"type": "Homework", "min_count": 1, "drop_count": 0, "weight": 1.0}],
          "GRADE_CUTOFFS": {"Pass": 0.5}}


@pytest.fixture
def course_with_learners(transactional_db):
    """make(count, completed=count): a course of two units, `count` enrolled learners of whom the first
    `completed` finished both units, and the published Completion credential (100%) of its block → (config, users)."""
    from completion.models import BlockCompletion
    from django.contrib.auth import get_user_model
    from opaque_keys.edx.keys import CourseKey

    from credential_admin.models import CredentialConfig
    from credential_admin.standalone.loader import load_course
    from credential_admin.standalone.models import Enrollment, Profile

    def make(count: int, completed: int | None = None, course_key: str = "course-v1:IT+RACE+2026"):
        course = load_course(course_key, COURSE_OLX, POLICY)
        User = get_user_model()
        prefix = f"it{uuid.uuid4().hex[:6]}"
        User.objects.bulk_create(User(username=f"{prefix}-{i:05d}") for i in range(count))
        users = list(User.objects.filter(username__startswith=prefix).order_by("username"))
        Profile.objects.bulk_create(Profile(user=user, name=f"Læarner Nº{i}") for i, user in enumerate(users))
        Enrollment.objects.bulk_create(Enrollment(user=user, course=course, mode="verified") for user in users)
        key = CourseKey.from_string(course_key)
        units = [key.make_usage_key("html", name) for name in ("h1", "h2")]
        BlockCompletion.objects.bulk_create(
            BlockCompletion(user=user, context_key=key, block_key=unit, block_type="html", completion=1.0)
            for user in users[:count if completed is None else completed] for unit in units)
        # The published block's configuration: synced at load where tasks run eagerly, else by a worker's sync
        # task, which finds the same block and keeps it published.
        config, _created = CredentialConfig.objects.update_or_create(
            usage_key=str(key.make_usage_key("credential", "done")), defaults={
                "course_key": course_key, "display_name": "Completion", "level": "completion",
                "criteria": {"min_completion": "100", "min_grade": None, "min_type_grades": {}}})
        return config, users
    return make

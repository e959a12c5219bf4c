"""Settings of the issuing benchmark's `--queue` run (tests/benchmarks/issue.py): the test settings on MariaDB,
with Celery sending tasks through Redis to the worker processes the benchmark starts on a queue of its own."""
import os

from tests.settings import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ.get("CREDENTIAL_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TASK_DEFAULT_QUEUE = os.environ["CREDENTIAL_BENCH_QUEUE"]
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a worker takes one batch at a time, so both stay busy to the end
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

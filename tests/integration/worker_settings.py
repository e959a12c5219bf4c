"""Settings of the Celery workers the integration suite starts: the test settings, plus what the suite's
fixtures pass in the environment (the test database, the shared data folder with the signing keys, the Redis
queue and the S3 server)."""
import json
import os

from botocore.config import Config

from tests.settings import *  # noqa: F403
from tests.settings import STORAGES

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ["CREDENTIAL_BROKER_URL"]
CELERY_TASK_DEFAULT_QUEUE = os.environ["CREDENTIAL_QUEUE"]
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CREDENTIAL_XBLOCK_BATCH_SIZE = 100
CREDENTIAL_XBLOCK_RETRY = json.loads(os.environ.get("CREDENTIAL_RETRY", "{}"))
GATED = "CREDENTIAL_TEST_GATE" in os.environ  # a test holds this worker at a chosen store (gated_storage.py)
STORAGES = {**STORAGES, "certificates": {
    "BACKEND": ("tests.integration.gated_storage.GatedS3Storage" if GATED
                else "credential_admin.issuing.s3.PrivateS3Storage"),
    "OPTIONS": {**json.loads(os.environ["CREDENTIAL_S3_OPTIONS"]),
                "client_config": Config(connect_timeout=1, read_timeout=2, retries={"total_max_attempts": 1})},
}}
CREDENTIAL_XBLOCK_STORAGE = "certificates"

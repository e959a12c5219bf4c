"""Test settings: the standalone runtime on a throwaway data folder; CREDENTIAL_DB picks the database."""
import os
import tempfile
from pathlib import Path

from credential_admin.standalone.settings import configure

globals().update(configure(Path(os.environ.get("CREDENTIAL_TEST_DIR") or tempfile.mkdtemp(prefix="credtest-"))))
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# pytest-django collects mail in memory for tests; the benchmarks, which also use these settings, send none.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

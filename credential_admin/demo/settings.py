"""Demo settings: SQLite, local storage, eager Celery, a key generated on first run, all in CREDENTIAL_DEMO_DIR."""
import os
from pathlib import Path

from credential_admin.standalone.settings import configure

DATA_DIR = Path(os.environ.get("CREDENTIAL_DEMO_DIR", ".demo")).resolve()
globals().update(configure(DATA_DIR))
# Learners' emails (EMAIL_ON_ISSUE) are written as files to <demo folder>/mail/ instead of being sent.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = "Open edX Demo Academy <credentials@demo.example>"
DEBUG = os.environ.get("CREDENTIAL_DEMO_DEBUG", "") == "1"
CREDENTIAL_XBLOCK_ISSUER_NAME = "Open edX Demo Academy"

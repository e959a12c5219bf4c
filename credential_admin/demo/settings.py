"""Demo settings: SQLite, local storage, eager Celery, a key generated on first run, all in CREDENTIAL_DEMO_DIR."""
import os
from pathlib import Path

from credential_admin.standalone.settings import configure

globals().update(configure(Path(os.environ.get("CREDENTIAL_DEMO_DIR", ".demo")).resolve()))
DEBUG = os.environ.get("CREDENTIAL_DEMO_DEBUG", "") == "1"
CREDENTIAL_XBLOCK_ISSUER_NAME = "Open edX Demo Academy"

"""The integration workers' S3 storage with a gate, so a test decides where a worker stops instead of hoping.

With CREDENTIAL_TEST_GATE=<folder> and CREDENTIAL_TEST_GATE_AFTER=<n> in its environment, a worker stores n
certificates, then, before storing the next, writes <folder>/<pid>.reached and waits until <folder>/open exists
(or the test kills it): its batch is then mid-way, its rows locked and part of its files stored, whatever the
timing.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from credential_admin.issuing.s3 import PrivateS3Storage


class GatedS3Storage(PrivateS3Storage):
    saved = 0  # certificates this worker process has stored

    def _save(self, name, content):
        gate = Path(os.environ["CREDENTIAL_TEST_GATE"])
        if GatedS3Storage.saved == int(os.environ["CREDENTIAL_TEST_GATE_AFTER"]):
            (gate / f"{os.getpid()}.reached").touch()
            while not (gate / "open").exists():
                time.sleep(0.05)
        GatedS3Storage.saved += 1
        return super()._save(name, content)

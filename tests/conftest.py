"""Shared test configuration. Suites: unit (pure), sqlite (Django on SQLite), browser (headless Chromium),
integration (MariaDB, PostgreSQL, Redis, an S3 API server); CREDENTIAL_DB picks the database."""
import os

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (CREDENTIAL_REQUIRE_SERVICES=1) a skipped integration test is a failure: a service was missing."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and item.get_closest_marker("integration") and os.environ.get("CREDENTIAL_REQUIRE_SERVICES"):
        report.outcome = "failed"
        report.longrepr = f"integration test skipped while services are required: {report.longrepr}"

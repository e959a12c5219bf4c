"""Shared test configuration. Suites: unit (pure), sqlite (Django on SQLite), browser (headless Chromium),
integration (MariaDB, PostgreSQL, Redis, an S3 API server); CREDENTIAL_DB picks the database."""
import os

import pytest

SERVER_DATABASES = ("mysql", "postgres")


def services_required() -> bool:
    return bool(os.environ.get("CREDENTIAL_REQUIRE_SERVICES")) or os.environ.get("CREDENTIAL_DB") in SERVER_DATABASES


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A skipped integration test is a failure (a service was missing) whenever the run asked for the integration
    suite: CREDENTIAL_REQUIRE_SERVICES=1 (CI, `make test`) or CREDENTIAL_DB naming a server database."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and item.get_closest_marker("integration") and services_required():
        report.outcome = "failed"
        report.longrepr = f"integration test skipped while services are required: {report.longrepr}"

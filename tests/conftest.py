"""Shared test configuration. Suites: unit (pure), sqlite (Django on SQLite), browser (headless Chromium),
integration (MariaDB, PostgreSQL, Redis, an S3 API server); CREDENTIAL_DB picks the database."""

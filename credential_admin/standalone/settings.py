"""Django settings shared by the demo and the test suites: the standalone runtime on the embedded defaults.

`configure(data_dir)` returns the settings as a dict; the demo and tests modules apply it to their globals and
adjust what differs (database, eager Celery, storage location).
"""
from __future__ import annotations

import os
from importlib.util import find_spec
from pathlib import Path
from typing import Any

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "waffle",
    "completion",
    "workbench",
    "credential_admin",
    "credential_admin.standalone.apps.StandaloneConfig",
    # the [paths] extra: Learning Path credentials (the plugin's admin needs django-object-actions' templates)
    *(["learning_paths", "django_object_actions"] if find_spec("learning_paths") else []),
]


def database(data_dir: Path) -> dict[str, Any]:
    """The database named by CREDENTIAL_DB (sqlite, mysql or postgres); SQLite in `data_dir` by default."""
    engine = os.environ.get("CREDENTIAL_DB", "sqlite")
    name = os.environ.get("CREDENTIAL_DB_NAME", "credentials")
    if engine == "mysql":
        return {"ENGINE": "django.db.backends.mysql", "NAME": name, "USER": "root", "HOST": "127.0.0.1",
                "PORT": int(os.environ.get("CREDENTIAL_DB_PORT", 3306)), "OPTIONS": {"charset": "utf8mb4"},
                "TEST": {"NAME": f"test_{name}", "CHARSET": "utf8mb4"}}
    if engine == "postgres":
        return {"ENGINE": "django.db.backends.postgresql", "NAME": name, "USER": "postgres", "HOST": "127.0.0.1",
                "PORT": int(os.environ.get("CREDENTIAL_DB_PORT", 5432)), "TEST": {"NAME": f"test_{name}"}}
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(data_dir / "db.sqlite3"), "OPTIONS": {"timeout": 30}}


def caches(data_dir: Path) -> dict[str, Any]:
    """A cache every worker process shares, so that rate limits (and debounces) count across workers: Redis when
    CREDENTIAL_REDIS_URL names one, otherwise files in the data folder (shared by the processes of one host)."""
    url = os.environ.get("CREDENTIAL_REDIS_URL")
    if url:
        return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    return {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                        "LOCATION": str(data_dir / "cache")}}


def configure(data_dir: Path) -> dict[str, Any]:
    """Settings for a standalone site keeping its database, files and keys in `data_dir`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return {
        "DEBUG": False,
        "SECRET_KEY": os.environ.get("CREDENTIAL_SECRET_KEY", "standalone-only-not-for-production"),
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost", "testserver"],
        "INSTALLED_APPS": INSTALLED_APPS,
        "MIDDLEWARE": [
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.locale.LocaleMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        "ROOT_URLCONF": "credential_admin.demo.urls",
        "TEMPLATES": [{
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [],
            "APP_DIRS": True,
            "OPTIONS": {"context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]},
        }],
        "DATABASES": {"default": database(data_dir)},
        # learning-paths-plugin 0.5's migration 0007 creates the path key's "_like" index twice on PostgreSQL
        # (SQLite and MySQL, which Open edX runs, are fine): there one migration generated from its models makes them.
        "MIGRATION_MODULES": {"learning_paths": "credential_admin.standalone.learning_paths_migrations"}
        if os.environ.get("CREDENTIAL_DB") == "postgres" else {},
        "CACHES": caches(data_dir),
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "USE_TZ": True,
        "TIME_ZONE": "UTC",
        "USE_I18N": True,
        "LANGUAGE_CODE": "en",
        # The blocks' catalogues (the LMS's XBlockI18nService reads them from credential_xblock/translations/;
        # here the workbench's i18n service is Django's); the app's own are found in credential_admin/locale.
        "LOCALE_PATHS": [str(Path(__file__).resolve().parents[2] / "credential_xblock" / "conf" / "locale")],
        "STATIC_URL": "/static/",
        "STATIC_ROOT": str(data_dir / "static"),
        "MEDIA_ROOT": str(data_dir / "media"),
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                        "OPTIONS": {"location": str(data_dir / "media")}},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        "LOGIN_URL": "/",
        "CELERY_TASK_ALWAYS_EAGER": True,
        "CELERY_TASK_EAGER_PROPAGATES": True,
        "CELERY_BROKER_URL": os.environ.get("CREDENTIAL_BROKER_URL", "memory://"),
        "CREDENTIAL_XBLOCK_BACKEND": "credential_admin.backends.standalone.StandaloneBackend",
        "CREDENTIAL_XBLOCK_SIGNING_KEYS_FILE": str(data_dir / "signing_keys.json"),
        "CREDENTIAL_XBLOCK_GENERATE_SIGNING_KEY": True,
        "CREDENTIAL_XBLOCK_CELERY_APP": "credential_admin.standalone.celery.app",
        "CREDENTIAL_XBLOCK_BASE_URL": os.environ.get("CREDENTIAL_BASE_URL", "http://127.0.0.1:8000"),
        "CREDENTIAL_DATA_DIR": str(data_dir),
        "LOGGING": {"version": 1, "disable_existing_loggers": False,
                    "handlers": {"console": {"class": "logging.StreamHandler"}},
                    "root": {"handlers": ["console"], "level": "WARNING"}},
        # The workbench app insists on these.
        "WORKBENCH": {"reset_state_on_restart": False},
    }

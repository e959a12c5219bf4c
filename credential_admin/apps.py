"""Django app configuration and its Open edX plugin registration (LMS and CMS)."""
from django.apps import AppConfig

_URLS = {"namespace": "credential_admin", "regex": r"^credentials/", "relative_path": "urls"}
_SETTINGS = {"common": {"relative_path": "settings.common"}}


class CredentialAdminConfig(AppConfig):
    """The companion app of the Credential XBlock."""

    name = "credential_admin"
    verbose_name = "Credentials"
    default_auto_field = "django.db.models.BigAutoField"

    plugin_app = {
        "url_config": {"lms.djangoapp": _URLS, "cms.djangoapp": _URLS},
        "settings_config": {"lms.djangoapp": _SETTINGS, "cms.djangoapp": _SETTINGS},
        "signals_config": {
            "lms.djangoapp": {"relative_path": "handlers", "receivers": []},
            "cms.djangoapp": {"relative_path": "handlers", "receivers": []},
        },
    }

    def ready(self) -> None:
        """Connect the signal receivers: the platform's plugin machinery imports `handlers` in the LMS and CMS,
        but the standalone runtime has none, and connecting twice is harmless (receivers carry dispatch_uids)."""
        from credential_admin import handlers  # noqa: F401

"""Plugin settings applied to the LMS and CMS by edx-django-utils' plugin machinery."""


def plugin_settings(settings) -> None:
    """Give every credential-xblock setting its default unless the operator set it."""
    from credential_admin.conf import DEFAULTS

    for name, value in DEFAULTS.items():
        if not hasattr(settings, name):
            setattr(settings, name, value)

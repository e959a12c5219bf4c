"""Translation for the blocks: the runtime's XBlock i18n service, or a pass-through when a runtime offers none.

Studio previews, test runtimes and the workbench may lack the service; the blocks then show the English source
strings instead of failing.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from xblock.exceptions import NoSuchServiceError


class PassThroughTranslator:
    """Stands in for the i18n service: returns the source strings unchanged."""

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return singular if count == 1 else plural


def translator_for(block: Any) -> Any:
    """The i18n service of the block's runtime, or the pass-through fallback."""
    try:
        service = block.runtime.service(block, "i18n")
    except NoSuchServiceError:  # a block that did not declare it
        service = None
    return service if service is not None else PassThroughTranslator()


def render_message(message: Any, gettext: Any) -> str:
    """A rules `Message` in the language `gettext` translates into, its dates localised by `format_date`."""
    params = {key: format_date(value) if isinstance(value, date) else value for key, value in message.params.items()}
    return gettext(message.template).format(**params)


def format_date(value: date) -> str:
    """A date in the active language, as the certificate and the verification page print it (Django's localised
    DATE_FORMAT: "Nov. 29, 2026", "29 novembre 2026"); ISO 8601 where Django is not set up."""
    try:
        from django.utils import formats

        return formats.date_format(value, "DATE_FORMAT", use_l10n=True)
    except Exception:  # no settings configured (a bare XBlock runtime): an unambiguous form
        return value.isoformat()

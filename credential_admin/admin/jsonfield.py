"""The admin's JSON inputs: what Django's form field parses, minus what would crash or poison the model.

Django's `forms.JSONField` lets Python's parser recurse into any nesting (a RecursionError, hence a 500, past
about a thousand levels) and accepts NaN and Infinity, which are not JSON and which no database JSON type stores.
"""
from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from credential_xblock.handlers import MAX_BODY_DEPTH, nesting_depth


def _refuse_constant(name: str):
    raise ValueError(name)


class StrictJSONDecoder(json.JSONDecoder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**kwargs, "parse_constant": _refuse_constant})


class StrictJSONField(forms.JSONField):
    """A JSON form field refusing, with a form error, deep nesting and NaN/Infinity."""

    default_error_messages = {
        "too_deep": _("The JSON nests deeper than %(depth)s levels."),
        "constant": _("NaN, Infinity and -Infinity are not JSON numbers."),
    }

    def __init__(self, **kwargs):
        kwargs["decoder"] = StrictJSONDecoder
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str) and nesting_depth(value) > MAX_BODY_DEPTH:
            raise forms.ValidationError(self.error_messages["too_deep"], code="too_deep",
                                        params={"depth": MAX_BODY_DEPTH})
        try:
            return super().to_python(value)
        except ValueError as exc:  # from _refuse_constant (ValidationError is not a ValueError)
            raise forms.ValidationError(self.error_messages["constant"], code="constant") from exc

    def bound_data(self, data, initial):
        """Redisplay what was typed when it cannot be parsed (the parent would recurse or raise here too)."""
        if isinstance(data, str) and nesting_depth(data) > MAX_BODY_DEPTH:
            return forms.fields.InvalidJSONInput(data)
        try:
            return super().bound_data(data, initial)
        except ValueError:
            return forms.fields.InvalidJSONInput(data)

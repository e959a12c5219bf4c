"""What the handlers of the project's blocks share: a JSON body read without ever raising past a 400, and the
course-staff check every Studio handler makes itself, whichever runtime calls it.

The LMS makes author fields read-only to learners (``LmsFieldData``), but a Studio handler reached by the wrong
route must still refuse: the check reads the ``user`` service's ``edx-platform.user_is_staff`` opt_attr, which the
platform sets per course (and the standalone runtime sets from course-staff membership).
"""
from __future__ import annotations

import json
import math
from typing import Any

from webob import Request, Response
from xblock.core import XBlock
from xblock.exceptions import NoSuchServiceError
from xblock.fields import Float, Integer, List, String

from credential_xblock.i18n import translator_for

MAX_BODY_DEPTH = 32


class BadBody(ValueError):
    """A request body that is not the JSON the handler expects; the message says what was wrong."""


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, content_type="application/json", charset="utf-8")


def load_json(raw: bytes | str, max_depth: int = MAX_BODY_DEPTH) -> Any:
    """Parse a request body; BadBody (never RecursionError) when it is not JSON or nests deeper than `max_depth`."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise BadBody("The body is not UTF-8 text.") from None
    if nesting_depth(text) > max_depth:
        raise BadBody(f"The JSON nests deeper than {max_depth} levels.")
    try:
        return json.loads(text)
    except ValueError:
        raise BadBody("The body is not JSON.") from None


def nesting_depth(text: str) -> int:
    """The deepest bracket nesting of a JSON text, counted without parsing (strings skipped), so that a hostile
    body is measured in one linear pass before the recursive parser sees it."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def user_is_course_staff(block: XBlock) -> bool:
    """Whether the current user is staff of the block's course (global staff included), per the user service."""
    try:
        service = block.runtime.service(block, "user")
    except NoSuchServiceError:  # a block that does not ask for the user cannot know it is course staff
        service = None
    user = service.get_current_user() if service is not None else None
    attrs = getattr(user, "opt_attrs", None) or {}
    return bool(attrs.get("edx-platform.user_is_staff") or attrs.get("edx-platform.user_is_global_staff"))


def refuse_non_staff(block: XBlock) -> Response | None:
    """The 403 every Studio handler answers to anyone who is not course staff; None for course staff."""
    if user_is_course_staff(block):
        return None
    return json_response({"result": "error", "error": translator_for(block).gettext("Course staff only.")}, 403)


def studio_body(block: XBlock, request) -> tuple[Response | None, Any]:
    """What every Studio handler does first: the 403 to answer anyone who is not course staff, else the request's
    JSON body (None when it is not JSON)."""
    refused = refuse_non_staff(block)
    if refused is not None:
        return refused, None
    try:
        return None, load_json(request.body)
    except BadBody:
        return None, None


class StaffOnlyStudioEditsMixin:
    """`submit_studio_edits` (xblock.utils' Studio form) for course staff only, with its body checked first: a
    non-object body, or one without ``values``, is a 400 instead of the upstream KeyError."""

    @XBlock.handler
    def submit_studio_edits(self, request, suffix: str = "") -> Response:
        refused, data = studio_body(self, request)
        if refused is not None:
            return refused
        gettext = translator_for(self).gettext
        if not (isinstance(data, dict) and isinstance(data.get("values"), dict)
                and isinstance(data.get("defaults", []), list)):
            return json_response({"result": "error", "error": gettext(
                'Send a JSON object with "values" (an object) and "defaults" (a list).')}, 400)
        wrong = [name for name, value in data["values"].items() if not _fits(self.fields.get(name), value)]
        if wrong:
            return json_response({"result": "error", "error": gettext("These values have the wrong type: {names}.")
                                  .format(names=", ".join(sorted(map(str, wrong))))}, 400)
        checked = json.dumps({"values": data["values"], "defaults": data.get("defaults", [])}).encode()
        return super().submit_studio_edits(Request.blank("/", method="POST", body=checked), suffix)


def _fits(field, value) -> bool:
    """Whether a submitted JSON value has the shape of the field: text for String, a finite number (or its text)
    for Float and Integer, a list for List; other fields are left to the field's own from_json."""
    if field is None:
        return True  # not an editable field: the upstream handler ignores it
    if isinstance(field, String):
        return isinstance(value, str)
    if isinstance(field, Float | Integer):
        try:
            return not isinstance(value, bool) and math.isfinite(float(value))
        except (TypeError, ValueError):
            return False
    if isinstance(field, List):
        return isinstance(value, list)
    return True

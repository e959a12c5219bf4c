"""Pages of the standalone runtime: course list and learner switcher, course navigation, units, Studio editing.

The learner is always ``request.user``. URL map (names in the ``standalone`` namespace, see urls.py):

- ``/``: courses and the learner switcher (POST ``/switch-user/`` logs in as a learner or staff; POST
  ``/logout/``).
- ``/courses/<course>/``: redirects to the learner's first open unit.
- ``/courses/<course>/units/<unit>/``: navigation (sections, subsections, units) and the unit's components, each
  rendered with its ``student_view``; staff see an "Edit" link per component.
- ``/courses/<course>/enroll/`` (POST): enroll the current user.
- ``/courses/<course>/units/<unit>/viewed/`` (POST, JSON ``{"usage_ids": [...]}``): complete-on-view, called by
  the page once a component has been visible for COMPLETION_BY_VIEWING_DELAY_MS.
- ``/courses/<course>/xblock/<usage>/handler/<handler>/<suffix>``: block handlers for the current learner.
- ``/courses/<course>/studio/<usage>/``: Studio, staff only: the block's ``studio_view``.
- ``/courses/<course>/studio/<usage>/handler/<handler>/<suffix>``: its handlers; a successful save publishes.
- ``/xblock-resource/<block type>/<path>``: a block's packaged resources.
"""
from __future__ import annotations

import logging
import math

from completion.models import BlockCompletion
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST
from workbench.views import package_resource
from xblock.django.request import django_to_webob_request, webob_to_django_response
from xblock.exceptions import InvalidScopeError, NoSuchHandlerError, NoSuchUsage

from credential_xblock.handlers import BadBody, load_json

from .loader import publish
from .models import Course, Enrollment, is_course_staff
from .runtime import STUDIO_HANDLERS, StandaloneRuntime

log = logging.getLogger(__name__)
SWITCHER_LIMIT = 50


def index(request: HttpRequest) -> HttpResponse:
    """Courses, who is logged in, and the learner switcher."""
    users = get_user_model().objects.filter(is_active=True).order_by("-is_staff", "username")[:SWITCHER_LIMIT]
    return render(request, "credential_standalone/index.html", {
        "courses": Course.objects.all(), "switch_users": users,
    })


@require_POST
def switch_user(request: HttpRequest) -> HttpResponse:
    """Log in as a seeded learner (or staff) by username: the demo's stand-in for a login page."""
    username = request.POST.get("username", "").strip()
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        messages.error(request, _("There is no active user named “%(name)s”.") % {"name": username[:150]})
    else:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("You are now logged in as %(name)s.") % {"name": user.get_username()})
    return redirect(_safe_next(request))


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("standalone:index")


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _course(course_key: str) -> Course:
    return get_object_or_404(Course, course_key=course_key)


def units_of(course: Course) -> list[dict]:
    """Every unit of the course in order (dicts of the outline, see loader)."""
    return [unit for chapter in course.structure.get("chapters", []) for seq in chapter["sequentials"]
            for unit in seq["units"]]


def _unit(course: Course, unit_id: str) -> dict:
    for unit in units_of(course):
        if unit["id"] == unit_id:
            return unit
    raise Http404(_("This course has no such unit."))


def course_home(request: HttpRequest, course_key: str) -> HttpResponse:
    """Send the learner to the first open unit."""
    course = _course(course_key)
    units = [unit for unit in units_of(course) if not unit["locked"]] or units_of(course)
    if not units:
        raise Http404(_("This course has no units yet."))
    return redirect("standalone:unit", course_key=course_key, unit_id=units[0]["id"])


@ensure_csrf_cookie
def unit_view(request: HttpRequest, course_key: str, unit_id: str) -> HttpResponse:
    """Navigation and one unit's components."""
    course = _course(course_key)
    unit = _unit(course, unit_id)
    user = request.user
    enrollment = (Enrollment.objects.filter(user=user, course=course, is_active=True).first()
                  if user.is_authenticated else None)
    components, head, foot = [], [], []
    may_view = unit_open_to(user, course, unit, enrollment)
    if may_view:
        runtime = StandaloneRuntime(course.course_key, user)
        for usage_id in unit["components"]:
            frag = runtime.render(runtime.get_block(usage_id), "student_view")
            components.append({"id": usage_id, "html": frag.body_html()})
            head.append(frag.head_html())
            foot.append(frag.foot_html())
    return render(request, "credential_standalone/unit.html", {
        "course": course, "unit": unit, "outline": _outline(course, user, unit_id),
        "components": components, "head_html": "".join(dict.fromkeys(head)), "foot_html": "".join(dict.fromkeys(foot)),
        "enrollment": enrollment, "may_view": may_view, "handler_base": _handler_base(course_key, "xblock"),
        "view_delay_ms": view_delay_ms(), "view_delay_s": math.ceil(view_delay_ms() / 1000),
    })


def view_delay_ms() -> int:
    """How long a component must be on screen to count as viewed (edx-completion's setting of the same name)."""
    return int(getattr(settings, "COMPLETION_BY_VIEWING_DELAY_MS", 5000))


def _handler_base(course_key: str, kind: str) -> str:
    """Where the browser runtime builds handler URLs: ``<base><usage>/handler/<name>/<suffix>``."""
    return reverse("standalone:course", kwargs={"course_key": course_key}) + kind + "/"


def unit_open_to(user, course: Course, unit: dict, enrollment: Enrollment | None) -> bool:
    """Course staff see everything; learners need an active enrollment and an unlocked unit."""
    if is_course_staff(user, course.course_key):
        return True
    return enrollment is not None and not unit["locked"]


def _outline(course: Course, user, current: str) -> list[dict]:
    """The navigation tree with each unit marked current, locked or complete for this learner."""
    done: set[str] = set()
    if user.is_authenticated:
        rows = BlockCompletion.objects.filter(user=user, context_key=course.course_key, completion__gte=1.0)
        done = {str(key) for key in rows.values_list("block_key", flat=True)}
    return [{
        "title": chapter["title"],
        "sequentials": [{
            "title": seq["title"], "format": seq["format"] if seq["graded"] else "",
            "units": [{
                "id": unit["id"], "title": unit["title"], "locked": unit["locked"], "current": unit["id"] == current,
                "complete": bool(unit["counted"]) and all(block in done for block in unit["counted"]),
            } for unit in seq["units"]],
        } for seq in chapter["sequentials"]],
    } for chapter in course.structure.get("chapters", [])]


@require_POST
def enroll(request: HttpRequest, course_key: str) -> HttpResponse:
    course = _course(course_key)
    if not request.user.is_authenticated:
        return HttpResponseForbidden(_("Log in to enroll."))
    Enrollment.objects.update_or_create(user=request.user, course=course, defaults={"is_active": True})
    messages.success(request, _("You are enrolled in %(title)s.") % {"title": course.title})
    return redirect("standalone:course", course_key=course_key)


@require_POST
def viewed(request: HttpRequest, course_key: str, unit_id: str) -> JsonResponse:
    """Complete-on-view for components of this unit the page saw long enough (edx-completion's rules apply)."""
    course = _course(course_key)
    unit = _unit(course, unit_id)
    enrollment = (Enrollment.objects.filter(user=request.user, course=course, is_active=True).first()
                  if request.user.is_authenticated else None)
    if enrollment is None or unit["locked"]:
        return JsonResponse({"error": _("You cannot complete this unit.")}, status=403)
    body = _json_or_none(request.body or b"{}")
    usage_ids = body.get("usage_ids", []) if isinstance(body, dict) else None
    if not (isinstance(usage_ids, list) and all(isinstance(usage_id, str) for usage_id in usage_ids)):
        return JsonResponse({"error": _("Send a JSON object with a list of usage_ids.")}, status=400)
    wanted = set(usage_ids)
    runtime = StandaloneRuntime(course.course_key, request.user)
    service = runtime.service_for("completion")
    vertical = runtime.get_block(unit["id"])
    candidates = [block for block in service.get_completable_children(vertical)
                  if str(block.scope_ids.usage_id) in wanted]
    completed = [str(key) for key in runtime.mark_viewed(candidates)]
    return JsonResponse({"completed": completed, "unit_complete": _unit_complete(request.user, course, unit)})


def _unit_complete(user, course: Course, unit: dict) -> bool:
    """Whether every block that counts in `unit` is complete for `user` (what the navigation's badge shows)."""
    counted = set(unit["counted"])
    done = BlockCompletion.objects.filter(user=user, context_key=course.course_key, completion__gte=1.0)
    return bool(counted) and counted <= {str(key) for key in done.values_list("block_key", flat=True)}


def _json_or_none(raw: bytes):
    try:
        return load_json(raw)
    except BadBody:
        return None


def handler(request: HttpRequest, course_key: str, usage_id: str, handler: str, suffix: str = "") -> HttpResponse:
    """A block handler for the logged-in learner (who must be enrolled, or staff). Studio's handlers are not served
    here, to anyone: the learner's runtime cannot write author fields, and Studio edits go through Studio."""
    course = _course(course_key)
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Log in first.")}, status=403)
    if handler in STUDIO_HANDLERS:
        return JsonResponse({"error": _("Edit this block in Studio.")}, status=403)
    unit = _unit_holding(course, usage_id)
    enrollment = Enrollment.objects.filter(user=request.user, course=course, is_active=True).first()
    if not unit_open_to(request.user, course, unit, enrollment):
        return JsonResponse({"error": _("This content is not open to you.")}, status=403)
    return _handle(StandaloneRuntime(course.course_key, request.user), request, usage_id, handler, suffix)


def _unit_holding(course: Course, usage_id: str) -> dict:
    """The unit a component sits in (handlers of blocks nested in containers resolve through the parent chain)."""
    if usage_id not in course.structure.get("blocks", {}):
        raise Http404(_("This course has no such block."))
    for unit in units_of(course):
        if usage_id == unit["id"] or usage_id in unit["components"] or usage_id in unit["counted"]:
            return unit
    runtime = StandaloneRuntime(course.course_key)
    parent = runtime.get_block(usage_id).parent
    if parent is None:
        raise Http404(_("This block is not inside a unit."))
    return _unit_holding(course, str(parent))


def _handle(runtime: StandaloneRuntime, request: HttpRequest, usage_id: str, name: str, suffix: str) -> HttpResponse:
    """Run a handler in one transaction: when it fails, whatever it wrote is rolled back, and the caller gets a 4xx.

    Bad input (ValueError, TypeError, a body nested past the parser's recursion limit) is a 400; a write to a
    field this runtime may not write (a learner saving an author field) is a 403."""
    try:
        with transaction.atomic():
            block = runtime.get_block(usage_id)
            response = runtime.handle(block, name, django_to_webob_request(request), suffix)
            if response.status_code >= 400:
                transaction.set_rollback(True)
    except (NoSuchUsage, NoSuchHandlerError):
        raise Http404(_("No such block or handler.")) from None
    except InvalidScopeError:
        log.warning("Handler %s of %s tried to write a field its runtime may not write.", name, usage_id)
        return JsonResponse({"error": _("You may not change this block's content or settings.")}, status=403)
    except (ValueError, TypeError, RecursionError) as exc:
        # A handler that chokes on bad input: its writes were rolled back, so nothing changed. Say so, never a 500.
        log.info("Handler %s of %s refused its input: %s", name, usage_id, exc)
        reason = _("the data nests too deeply") if isinstance(exc, RecursionError) else exc
        return JsonResponse({"error": _("The request was not valid: %(reason)s") % {"reason": reason}}, status=400)
    return webob_to_django_response(response)


def _staff_course(request: HttpRequest, course_key: str, usage_id: str) -> Course:
    course = _course(course_key)
    if not is_course_staff(request.user, course.course_key):
        raise Http404(_("Studio is for course staff."))
    if usage_id not in course.structure.get("blocks", {}):
        raise Http404(_("This course has no such block."))
    return course


@ensure_csrf_cookie
def studio(request: HttpRequest, course_key: str, usage_id: str) -> HttpResponse:
    """The block's Studio editor (studio_view), for staff."""
    course = _staff_course(request, course_key, usage_id)
    runtime = StandaloneRuntime(course.course_key, request.user, studio=True)
    block = runtime.get_block(usage_id)
    frag = runtime.render(block, "studio_view")
    unit = next((unit for unit in units_of(course) if usage_id in unit["components"]), None)
    return render(request, "credential_standalone/studio.html", {
        "course": course, "unit": unit,
        "block_name": getattr(block, "display_name", "") or block.scope_ids.block_type, "body": frag.body_html(),
        "head_html": frag.head_html(), "foot_html": frag.foot_html(),
        "handler_base": _handler_base(course_key, "studio"),
        "studio_labels": {"saving": _("Saving…"), "saved": _("Saved and published."), "error": _("Could not save.")},
    })


def studio_handler(request: HttpRequest, course_key: str, usage_id: str, handler: str,
                   suffix: str = "") -> HttpResponse:
    """A Studio handler; a successful POST is a save, and in standalone mode a save is also a publish."""
    course = _staff_course(request, course_key, usage_id)
    response = _handle(StandaloneRuntime(course.course_key, request.user, studio=True), request, usage_id, handler,
                       suffix)
    if request.method == "POST" and response.status_code < 400:
        publish(course.course_key, request.user)
    return response


def resource(request: HttpRequest, block_type: str, path: str) -> HttpResponse:
    """A block's packaged resource (images, JS, CSS), as the workbench serves them."""
    if ".." in path.split("/"):
        raise Http404
    return package_resource(request, block_type, path)

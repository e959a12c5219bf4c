"""The access matrix: every URL of the project and every XBlock handler (learner route and Studio route), for anonymous,
another learner, the learner, course staff and global staff → the exact status, as data in one table.

Coverage is enumerated, not listed by hand: the URL patterns come from the resolver (the project's namespaces and
its models' admin pages) and the handlers from the block classes (the project's ``xblock.v1`` entry points and the
standalone runtime's own blocks). A URL or handler that is not in the tables below fails
`test_every_url_and_handler_is_in_the_matrix`; add its row with the status each role must get.

Every state-changing request (POST) is also sent without its CSRF token by the role that otherwise succeeds, and
must be refused with 403 (except the views that are CSRF-exempt on purpose, listed in CSRF_EXEMPT with why).

The people: the learner (enrolled in the demo course, holding an issued Achievement credential), another learner
(enrolled, holding nothing), course staff (a member of the course's staff, not global staff) and global staff
(``is_staff`` and superuser). Each request runs in a transaction rolled back afterwards, so rows do not interact.
"""
from __future__ import annotations

import inspect
import json

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from xblock.core import XBlock

ROLES = ("anonymous", "other", "learner", "course_staff", "global_staff")
COURSE = "course-v1:Demo+CX101+2026"
BLOCK = "block-v1:Demo+CX101+2026+type@{type}+block@{name}"
USAGES = {"credential": BLOCK.format(type="credential", name="achievement_credential"),
          "credential_optional": BLOCK.format(type="credential_optional", name="background_optional"),
          "html": BLOCK.format(type="html", name="welcome_text"),
          "problem": BLOCK.format(type="problem", name="hw1_q1")}
UNIT = BLOCK.format(type="vertical", name="welcome_unit")
STUDIO_FORM = {"display_name": "Certificate of Achievement", "level": "achievement", "min_completion": "",
               "min_grade": "80", "min_type_grades": [], "template": "", "description": "", "allowed_modes": "",
               "available_from": ""}
EDITS = json.dumps({"values": {"display_name": "Renamed"}, "defaults": []})

# ----- URLs: (URL name, method, path, body) → statuses of anonymous, other, learner, course staff, global staff ----
# Path placeholders: {course} {unit} {vid} (the learner's verification id) {code} {config} {key} {org} {template}
# {credential} {auditlog} {signingkey} {path_credential}. A body is form data (dict) or JSON (str).
URLS = [
    ("standalone:index", "GET", "/", None, (200, 200, 200, 200, 200)),
    ("standalone:switch_user", "POST", "/switch-user/", {"username": "other"}, (302, 302, 302, 302, 302)),
    ("standalone:logout", "POST", "/logout/", {}, (302, 302, 302, 302, 302)),
    ("standalone:jsi18n", "GET", "/jsi18n/", None, (200, 200, 200, 200, 200)),
    ("standalone:course", "GET", "/courses/{course}/", None, (302, 302, 302, 302, 302)),
    ("standalone:enroll", "POST", "/courses/{course}/enroll/", {}, (403, 302, 302, 302, 302)),
    ("standalone:unit", "GET", "/courses/{course}/units/{unit}/", None, (200, 200, 200, 200, 200)),
    ("standalone:viewed", "POST", "/courses/{course}/units/{unit}/viewed/", '{"usage_ids": []}',
     (403, 200, 200, 403, 403)),
    ("standalone:studio", "GET", "/courses/{course}/studio/" + USAGES["credential"] + "/", None,
     (404, 404, 404, 200, 200)),
    ("standalone:resource", "GET", "/xblock-resource/problem/nothing-here.js", None, (404, 404, 404, 404, 404)),
    ("credential_admin:credential_download", "GET", "/credentials/download/{vid}/", None, (404, 404, 200, 200, 200)),
    ("credential_admin:verify:lookup", "GET", "/credentials/verify/?code={code}", None, (302, 302, 302, 302, 302)),
    ("credential_admin:verify:page", "GET", "/credentials/verify/{vid}/", None, (200, 200, 200, 200, 200)),
    ("credential_admin:verify:page", "POST", "/credentials/verify/{vid}/", lambda: {"pdf": SimpleUploadedFile(
        "c.pdf", b"%PDF-1.4 not a certificate", content_type="application/pdf")}, (200, 200, 200, 200, 200)),
    ("credential_admin:verify:json", "GET", "/credentials/verify/{vid}/json/", None, (200, 200, 200, 200, 200)),
    ("credential_admin:verify:ob3", "GET", "/credentials/verify/{vid}/ob3/", None, (200, 200, 200, 200, 200)),
    ("credential_admin:verify:achievement", "GET", "/credentials/achievements/{config}/", None,
     (200, 200, 200, 200, 200)),
    ("credential_admin:verify:badge_image", "GET", "/credentials/achievements/{config}/image/", None,
     (404, 404, 404, 404, 404)),
    ("credential_admin:verify:status", "GET", "/credentials/status/0/", None, (200, 200, 200, 200, 200)),
    ("credential_admin:verify:issuer", "GET", "/credentials/issuer/", None, (200, 200, 200, 200, 200)),
    ("credential_admin:verify:org_issuer", "GET", "/credentials/issuer/{org}/", None, (200, 200, 200, 200, 200)),
    ("credential_admin:verify:key", "GET", "/credentials/keys/{key}/", None, (200, 200, 200, 200, 200)),
    ("credential_admin:verify:org_key", "GET", "/credentials/issuer/{org}/keys/{key}/", None,
     (200, 200, 200, 200, 200)),
    ("credential_admin:api:credentials", "GET", "/credentials/api/v1/credentials/", None, (401, 200, 200, 200, 200)),
    ("credential_admin:api:progress", "GET", "/credentials/api/v1/progress/{course}/", None,
     (401, 200, 200, 200, 200)),
    ("credential_admin:api:claim", "POST", "/credentials/api/v1/progress/{course}/claim/", "{}",
     (401, 400, 400, 400, 400)),
    ("credential_admin:api:claim", "POST", "/credentials/api/v1/progress/{course}/claim/",
     json.dumps({"usage_key": USAGES["credential"]}), (401, 409, 200, 409, 409)),
    ("credential_admin:api:schema", "GET", "/credentials/api/schema/", None, (200, 200, 200, 200, 200)),
    ("mfe_harness", "GET", "/mfe-harness/course/{course}/progress/", None, (200, 200, 200, 200, 200)),
    ("login_refresh", "POST", "/login_refresh", {}, (401, 401, 401, 401, 401)),
    # The admin's own POST (the others are Django's admin views, CSRF-protected by Django).
    ("admin:credential_admin_pathcredential_override", "POST",
     "/admin/credential_admin/pathcredential/{path_config}/override/", {"action": "clear", "course_key": "x"},
     (302, 302, 302, 302, 302)),
    ("csrf_token", "GET", "/csrf/api/v1/token", None, (200, 200, 200, 200, 200)),
]
# Views exempt from CSRF on purpose, with why.
CSRF_EXEMPT = {"login_refresh": "the LMS's JWT refresh stand-in: answers 401 and changes nothing",
               "credential_admin:verify:page": "its POST checks an uploaded file against the record and changes "
                                               "nothing (a cross-site POST cannot read the answer); without a token "
                                               "the page is the same for everyone, so a CDN may hold it"}
ADMIN_DENIED = (302, 302, 302, 302)  # anyone but global staff is sent to the admin login
ADMIN = {
    # suffix (after "admin:credential_admin_") → (path, global staff's status)
    "credentialconfig_changelist": ("credentialconfig/", 200),
    "credentialconfig_add": ("credentialconfig/add/", 403),  # configurations come from published blocks
    "credentialconfig_history": ("credentialconfig/{config}/history/", 200),
    "credentialconfig_delete": ("credentialconfig/{config}/delete/", 403),
    "credentialconfig_change": ("credentialconfig/{config}/change/", 200),
    "credential_changelist": ("credential/", 200),
    "credential_add": ("credential/add/", 403),
    "credential_history": ("credential/{credential}/history/", 200),
    "credential_delete": ("credential/{credential}/delete/", 403),
    "credential_change": ("credential/{credential}/change/", 200),
    "signingkey_changelist": ("signingkey/", 200),
    "signingkey_add": ("signingkey/add/", 403),
    "signingkey_history": ("signingkey/{signingkey}/history/", 200),
    "signingkey_delete": ("signingkey/{signingkey}/delete/", 403),
    "signingkey_change": ("signingkey/{signingkey}/change/", 200),
    "auditlog_changelist": ("auditlog/", 200),
    "auditlog_add": ("auditlog/add/", 403),
    "auditlog_history": ("auditlog/{auditlog}/history/", 200),
    "auditlog_delete": ("auditlog/{auditlog}/delete/", 403),
    "auditlog_change": ("auditlog/{auditlog}/change/", 200),
    "pathcredential_changelist": ("pathcredential/", 200),
    "pathcredential_add": ("pathcredential/add/", 200),
    "pathcredential_history": ("pathcredential/{path_config}/history/", 200),
    "pathcredential_delete": ("pathcredential/{path_config}/delete/", 200),
    "pathcredential_change": ("pathcredential/{path_config}/change/", 200),
    "pathcredential_override": ("pathcredential/{path_config}/override/", 302),  # GET: back to the form
    "certificatetemplate_changelist": ("certificatetemplate/", 200),
    "certificatetemplate_add": ("certificatetemplate/add/", 200),
    "certificatetemplate_history": ("certificatetemplate/{template}/history/", 200),
    "certificatetemplate_delete": ("certificatetemplate/{template}/delete/", 200),
    "certificatetemplate_change": ("certificatetemplate/{template}/change/", 200),
    "certificatetemplate_preview": ("certificatetemplate/{template}/preview/", 200),
    "certificatetemplate_preview_pdf": ("certificatetemplate/{template}/preview/latin.pdf", 200),
}

# ----- XBlock handlers: (block type, handler) → (method, body, learner-route statuses, Studio-route statuses) -----
STUDIO_ONLY = (403, 403, 403, 403, 403)  # the learner route never serves a Studio handler
STAFF_STUDIO = (404, 404, 404, 200, 200)  # Studio is for course staff
HANDLERS = {
    ("credential", "progress"): ("GET", None, (403, 200, 200, 200, 200), STAFF_STUDIO),
    ("credential", "claim"): ("POST", "{}", (403, 409, 200, 409, 409), (404, 404, 404, 409, 409)),
    ("credential", "staff_summary"): ("GET", None, (403, 403, 403, 200, 200), STAFF_STUDIO),
    ("credential", "export_csv"): ("GET", None, (403, 403, 403, 200, 200), STAFF_STUDIO),
    ("credential", "staff_action"): ("POST", json.dumps({"action": "revoke", "username": "learner",
                                                         "reason": "Access matrix"}),
                                     (403, 403, 403, 200, 200), STAFF_STUDIO),
    ("credential", "studio_submit"): ("POST", json.dumps(STUDIO_FORM), STUDIO_ONLY, STAFF_STUDIO),
    ("credential_optional", "submit_studio_edits"): ("POST", EDITS, STUDIO_ONLY, STAFF_STUDIO),
    ("html", "submit_studio_edits"): ("POST", EDITS, STUDIO_ONLY, STAFF_STUDIO),
    ("problem", "submit_studio_edits"): ("POST", EDITS, STUDIO_ONLY, STAFF_STUDIO),
    ("problem", "submit"): ("POST", '{"answer": "0"}', (403, 200, 200, 200, 200), STAFF_STUDIO),
}


def url_names() -> set[str]:
    """The names of every URL of the project: its namespaces, the demo's own, and its models' admin pages."""
    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace])) if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                module = getattr(pattern.callback, "__module__", "")
                ours = module.startswith("credential_admin") or name.startswith(("credential_admin:", "standalone:"))
                if name.startswith("admin:"):
                    ours = name.startswith("admin:credential_admin_")
                if ours:
                    names.add(name)

    walk(get_resolver().url_patterns)
    return names


def block_handlers() -> set[tuple[str, str]]:
    """(block type, handler) of every block the project provides."""
    from credential_admin.standalone.blocks import STANDALONE_BLOCKS

    classes = dict(STANDALONE_BLOCKS)
    classes.update((name, cls) for name, cls in XBlock.load_classes()
                   if cls.__module__.split(".")[0] in ("credential_xblock", "credential_admin"))
    return {(block_type, name) for block_type, cls in classes.items()
            for name, member in inspect.getmembers(cls) if getattr(member, "_is_xblock_handler", False)}


def test_every_url_and_handler_is_in_the_matrix():
    listed = {row[0] for row in URLS} | {f"admin:credential_admin_{name}" for name in ADMIN} \
        | {"standalone:handler", "standalone:studio_handler"}  # the HANDLERS table's two routes
    assert url_names() - listed == set(), "URLs missing from the access matrix: add their rows"
    assert listed - url_names() == set(), "rows for URLs that no longer exist"
    assert block_handlers() - set(HANDLERS) == set(), "handlers missing from the access matrix: add their rows"
    assert set(HANDLERS) - block_handlers() == set()


# ----- the people and their data ------------------------------------------------------------------------------------

@pytest.fixture
def world(db, make_config, make_credential, django_user_model):
    from credential_admin.demo.seed import COURSE_FOLDER
    from credential_admin.issuing import signing
    from credential_admin.models import AuditLog, CertificateTemplate, PathCredential, SigningKey
    from credential_admin.standalone.loader import load_course_folder
    from credential_admin.standalone.models import Enrollment

    course = load_course_folder(COURSE_FOLDER)
    users = {
        "other": django_user_model.objects.create_user("other", "other@example.org", "pw"),
        "learner": django_user_model.objects.create_user("learner", "learner@example.org", "pw"),
        "course_staff": django_user_model.objects.create_user("teacher", "teacher@example.org", "pw"),
        "global_staff": django_user_model.objects.create_superuser("admin", "admin@example.org", "pw"),
    }
    for role in ("other", "learner"):
        Enrollment.objects.create(user=users[role], course=course, mode="verified")
    course.staff.add(users["course_staff"])
    config = make_config(course_key=COURSE, usage_key=USAGES["credential"])
    credential = make_credential(users["learner"], config)
    template = CertificateTemplate.objects.create(name="Plain")
    path_config = PathCredential.objects.create(path_key="path-v1:Demo+P1+2026+g", config=make_config(
        course_key="path-v1:Demo+P1+2026+g", usage_key="path-v1:Demo+P1+2026+g@completion"))
    key_id = signing.active_key().key_id
    values = {"course": COURSE, "unit": UNIT, "vid": credential.verification_id, "code": credential.short_code,
              "config": config.pk, "key": key_id, "org": "Demo", "template": template.pk,
              "credential": credential.pk, "auditlog": AuditLog.objects.first().pk,
              "signingkey": SigningKey.objects.get(key_id=key_id).pk, "path_config": path_config.pk}
    return users, values


def request(users, role: str, method: str, path: str, body, *, csrf: bool = False):
    """One request as `role`, in a transaction rolled back afterwards; rate-limit counters start at zero."""
    cache.clear()
    with transaction.atomic():
        client = Client(enforce_csrf_checks=csrf)
        if role != "anonymous":
            client.force_login(users[role])
        body = body() if callable(body) else body
        if method == "GET":
            response = client.get(path)
        elif isinstance(body, str):
            response = client.post(path, data=body, content_type="application/json")
        else:
            response = client.post(path, data=body or {})
        transaction.set_rollback(True)
    return response.status_code


def rows(values):
    """Every (label, method, path, body, expected statuses) of the matrix, placeholders filled."""
    for name, method, path, body, expected in URLS:
        yield name, method, path.format(**values), body, expected
    for name, (path, staff) in ADMIN.items():
        yield f"admin:credential_admin_{name}", "GET", "/admin/credential_admin/" + path.format(**values), None, \
            (*ADMIN_DENIED, staff)
    for (block_type, handler), (method, body, learner_route, studio_route) in sorted(HANDLERS.items()):
        for route, expected in (("xblock", learner_route), ("studio", studio_route)):
            yield (f"{route} {block_type}.{handler}", method,
                   f"/courses/{COURSE}/{route}/{USAGES[block_type]}/handler/{handler}/", body, expected)


def test_access_matrix(world, settings):
    """Every row, for every role, gets exactly its status; mismatches are listed all at once."""
    users, values = world
    settings.CREDENTIAL_XBLOCK_ORGANISATION_ISSUERS = {"Demo": {"name": "Demo University"}}
    settings.CREDENTIAL_XBLOCK_VERIFY_PDF_CHECKS_PER_MINUTE = 10_000
    wrong = []
    for label, method, path, body, expected in rows(values):
        got = tuple(request(users, role, method, path, body) for role in ROLES)
        if got != tuple(expected):
            wrong.append(f"{label} {method} {path}: expected {expected}, got {got}")
    assert wrong == [], "\n".join(wrong)


def test_state_changing_requests_need_the_csrf_token(world):
    """Every POST of the matrix, by the first role it succeeds for, is refused (403) without a CSRF token."""
    users, values = world
    wrong = []
    for label, method, path, body, expected in rows(values):
        if method != "POST" or label in CSRF_EXEMPT:
            continue
        allowed = [role for role, status in zip(ROLES, expected, strict=True) if status < 400]
        if not allowed:
            continue
        got = request(users, allowed[-1], method, path, body, csrf=True)
        if got != 403:
            wrong.append(f"{label} as {allowed[-1]}: {got} without a CSRF token")
    assert wrong == [], "\n".join(wrong)

"""Hypothesis over every input the project takes: handler bodies, Studio fields, dates, verification ids and codes,
uploads, layouts, command arguments, OLX and names. Never a 500 (nor an exception escaping an entry point), never a
changed record on a rejected input, never a request over 2 s of CPU.

Requests go through Django's test client as the role that may make them; the pure entry points (date and layout
parsing, the PDF check, OLX loading, name printing) are called directly, which is what their views and commands
do. Budgets (examples per test) are in EXAMPLES; together they are at least 10,000 inputs a run, kept cheap so that
the module runs in a few minutes on CI. Set HYPOTHESIS_PROFILE=dev for random (not derandomized) runs.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import string
import time

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.django_db]
COURSE = "course-v1:Demo+CX101+2026"
BLOCK = "block-v1:Demo+CX101+2026+type@{}+block@{}"
CREDENTIAL, PROBLEM, HTML = (BLOCK.format("credential", "achievement_credential"), BLOCK.format("problem", "hw1_q1"),
                             BLOCK.format("html", "welcome_text"))
UNIT = BLOCK.format("vertical", "welcome_unit")
CPU_LIMIT_S = 2.0
EXAMPLES = {  # inputs per test; the sum is the module's total (README: "Fuzz"). FUZZ_SCALE scales them all.
    "handler_bodies": 300, "studio_fields": 250, "studio_edits": 150, "dates": 2500, "ids_and_codes": 400,
    "uploads": 400, "layouts": 1800, "admin_json": 1200, "commands": 150, "olx": 400, "names": 2000,
}
EXAMPLES = {name: max(1, int(count * float(os.environ.get("FUZZ_SCALE", "1")))) for name, count in EXAMPLES.items()}
FUZZ = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                 HealthCheck.data_too_large])

# ----- strategies -------------------------------------------------------------------------------------------------
nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "\x00", "\u202e", "🥲", "NaN", "Infinity", "-1", "1e999", "1e2", "0x10", "١٢", "%",
                     "{{x}}", "<img src=x onerror=alert(1)>", "../../etc/passwd", "9999-12-31T23:59:59-14:00",
                     "0001-01-01T00:00:00+14:00", "a" * 3000]),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | nasty_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(nasty_text, inner, max_size=4), max_leaves=12)


def deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.integers(min_value=1, max_value=100_000).map(deep),
    st.builds(lambda key, value: json.dumps({key: value}).encode(),
              st.sampled_from(["answer", "usage_ids", "values", "defaults", "usage_key"]), json_values),
)


# ----- helpers ----------------------------------------------------------------------------------------------------

def fingerprint() -> str:
    """A digest of every record a rejected input must leave alone."""
    from completion.models import BlockCompletion

    from credential_admin.models import AuditLog, CertificateTemplate, Credential, CredentialConfig
    from credential_admin.standalone.models import BlockState, Course, Enrollment, Score

    rows = [list(model.objects.order_by("pk").values_list()) for model in (
        BlockState, Score, BlockCompletion, Enrollment, Credential, CredentialConfig, AuditLog, CertificateTemplate)]
    rows.append(list(Course.objects.order_by("pk").values_list("pk", "structure", "grading_policy")))
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def send(client, path: str, body: bytes, content_type: str = "application/json"):
    """POST `body`; the response, after checking the CPU it took and that a refusal changed nothing."""
    cache.clear()
    before = fingerprint()
    started = time.thread_time()
    with transaction.atomic():  # roll back what an accepted input did, so examples do not interact
        response = client.post(path, data=body, content_type=content_type)
        spent = time.thread_time() - started
        assert response.status_code < 500, (path, body[:200], response.content[:300])
        if response.status_code >= 400:
            assert fingerprint() == before, (path, body[:200], response.status_code)
        transaction.set_rollback(True)
    assert spent < CPU_LIMIT_S, (path, body[:200], spent)
    return response


@pytest.fixture
def course(db):
    from credential_admin.demo.seed import COURSE_FOLDER
    from credential_admin.standalone.loader import load_course_folder

    return load_course_folder(COURSE_FOLDER)


@pytest.fixture
def learner_client(course, client, django_user_model):
    from credential_admin.standalone.models import Enrollment

    learner = django_user_model.objects.create_user("learner", "learner@example.org", "pw")
    Enrollment.objects.create(user=learner, course=course, mode="verified")
    client.force_login(learner)
    return client


@pytest.fixture
def staff_client(course, client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", "admin@example.org", "pw"))
    return client


# ----- handler bodies, Studio fields ------------------------------------------------------------------------------

@settings(max_examples=EXAMPLES["handler_bodies"], **FUZZ)
@given(target=st.sampled_from([f"xblock/{PROBLEM}/handler/submit/", f"xblock/{CREDENTIAL}/handler/claim/",
                               f"xblock/{CREDENTIAL}/handler/progress/", f"units/{UNIT}/viewed/",
                               f"xblock/{HTML}/handler/submit_studio_edits/"]),
       body=bodies)
def test_learner_handler_bodies(learner_client, target, body):
    send(learner_client, f"/courses/{COURSE}/{target}", body)


studio_forms = st.fixed_dictionaries({}, optional={
    name: json_values for name in ("display_name", "level", "min_completion", "min_grade", "min_type_grades",
                                   "template", "description", "allowed_modes", "available_from",
                                   "min_section_completion", "badge_name", "badge_description", "badge_criteria")})


@settings(max_examples=EXAMPLES["studio_fields"], **FUZZ)
@given(form=studio_forms)
def test_studio_fields(staff_client, form):
    response = send(staff_client, f"/courses/{COURSE}/studio/{CREDENTIAL}/handler/studio_submit/",
                    json.dumps(form).encode())
    assert response.status_code in (200, 400)


@settings(max_examples=EXAMPLES["studio_edits"], **FUZZ)
@given(usage=st.sampled_from([PROBLEM, HTML]), values=st.dictionaries(
    st.sampled_from(["display_name", "question", "choices", "answer", "tolerance", "weight", "content"]),
    json_values, max_size=4))
def test_studio_edits_then_the_unit_still_renders(staff_client, usage, values):
    """A saved edit must not break the page that renders the block (what a learner sees next)."""
    cache.clear()
    with transaction.atomic():
        response = staff_client.post(f"/courses/{COURSE}/studio/{usage}/handler/submit_studio_edits/",
                                     data=json.dumps({"values": values, "defaults": []}),
                                     content_type="application/json")
        assert response.status_code in (200, 400), response.content[:300]
        unit = "homework_1_unit" if usage == PROBLEM else "welcome_unit"
        page = staff_client.get(f"/courses/{COURSE}/units/{BLOCK.format('vertical', unit)}/")
        assert page.status_code == 200
        transaction.set_rollback(True)


# ----- dates, layouts, admin JSON (pure entry points) -------------------------------------------------------------

@settings(max_examples=EXAMPLES["dates"], **FUZZ)
@given(value=st.one_of(nasty_text, st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
                       st.dates().map(str), st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:+-]{2,14}\Z")))
def test_dates(value):
    from credential_admin import configs
    from credential_xblock.settings_form import parse_available_from

    for parse in (parse_available_from, configs.parse_available_from):
        try:
            moment = parse(value)
        except ValueError:
            continue
        assert moment is None or (moment.utcoffset().total_seconds() == 0 and 1900 <= moment.year <= 9998)


layout_items = st.fixed_dictionaries({"type": st.sampled_from(["text", "qr", "image", "box", 1, None])}, optional={
    key: st.one_of(st.floats(), st.integers(), nasty_text, st.none()) for key in (
        "x", "y", "width", "height", "size", "text", "font", "color", "align", "wrap", "shrink", "image")})
layouts = st.one_of(json_values, st.fixed_dictionaries({"pages": st.dictionaries(
    st.sampled_from(["0", "1", "2", "01", "x", "99"]), st.lists(layout_items, max_size=3) | json_values,
    max_size=2)}))


@settings(max_examples=EXAMPLES["layouts"], **FUZZ)
@given(layout=layouts)
def test_layouts(layout):
    from credential_admin.issuing.pdf import FontError, TemplateError
    from credential_admin.issuing.pdf.fonts import font_chain
    from credential_admin.issuing.pdf.layout import parse_layout

    with contextlib.suppress(TemplateError, FontError):
        parse_layout(layout, [(842.0, 595.0), (595.0, 842.0)], font_chain(), has_logo=False)


@settings(max_examples=EXAMPLES["admin_json"], **FUZZ)
@given(text=st.one_of(nasty_text, json_values.map(json.dumps), st.integers(1, 50_000).map(lambda n: "[" * n),
                      st.sampled_from(["NaN", "[Infinity]", '{"a": -Infinity}', "null"])))
def test_admin_json_inputs(text):
    from django import forms

    from credential_admin.admin.jsonfield import StrictJSONField

    field = StrictJSONField(required=False)
    with contextlib.suppress(forms.ValidationError):
        field.clean(text)
    field.bound_data(text, None)


# ----- verification ids, codes and uploads ------------------------------------------------------------------------

@pytest.fixture
def issued(learner, config, make_credential, stored_bytes):
    credential = make_credential(learner, config)
    return credential, stored_bytes(credential)


@settings(max_examples=EXAMPLES["ids_and_codes"], **FUZZ)
@given(value=st.one_of(nasty_text, st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=16,
                                           max_size=64)))
def test_ids_and_codes(client, issued, value):
    from django.utils.http import urlencode

    from credential_admin.verification import records

    credential, _pdf = issued
    for found in (records.find(value), records.find_by_code(value)):
        assert found is None or value in (credential.verification_id, credential.short_code)
    cache.clear()
    started = time.thread_time()
    response = client.get("/credentials/verify/?" + urlencode({"code": value}))
    assert response.status_code in (200, 302, 404)
    assert time.thread_time() - started < CPU_LIMIT_S


def mutate(pdf: bytes, position: int, data: bytes) -> bytes:
    position %= max(len(pdf), 1)
    return pdf[:position] + data + pdf[position + len(data):]


@settings(max_examples=EXAMPLES["uploads"], **FUZZ)
@given(kind=st.sampled_from(["bytes", "pdf-header", "mutated"]), data=st.binary(max_size=300),
       position=st.integers(min_value=0))
def test_uploads(issued, kind, data, position):
    """The PDF check itself (the page adds size and rate limits in front): never an exception, always a verdict."""
    from credential_admin.verification import pdfcheck

    credential, pdf = issued
    upload = {"bytes": data, "pdf-header": b"%PDF-1.7\n" + data, "mutated": mutate(pdf, position, data)}[kind]
    started = time.thread_time()
    result = pdfcheck.check(credential, upload)
    assert time.thread_time() - started < CPU_LIMIT_S
    assert result.outcome in (pdfcheck.MATCH, pdfcheck.ALTERED, pdfcheck.DIFFERENT, pdfcheck.INVALID)
    assert result.outcome != pdfcheck.MATCH or upload == pdf


# ----- commands and OLX -------------------------------------------------------------------------------------------

@settings(max_examples=EXAMPLES["commands"], **FUZZ)
@given(command=st.sampled_from(["load_course", "issue_credentials", "sync_credential_configs", "revoke_credentials",
                                "reissue_credentials", "reinstate_credentials"]),
       args=st.lists(st.one_of(nasty_text, st.sampled_from(["--course", "--course-key", "--users-file", "--path",
                                                            "--dry-run", COURSE, "path-v1:x", "/dev/null"])),
                     max_size=4))
def test_command_arguments(course, command, args):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    before = fingerprint()
    try:
        with transaction.atomic():
            call_command(command, *args, stdout=_Sink(), stderr=_Sink())
            transaction.set_rollback(True)
    except CommandError as exc:
        assert exc.returncode in (1, 2)
        assert fingerprint() == before
    except SystemExit as exc:  # argparse's own usage errors
        assert exc.code == 2
        assert fingerprint() == before


class _Sink:
    def write(self, *args, **kwargs):
        return None

    def flush(self):
        return None


olx_nodes = st.recursive(
    st.sampled_from(["html", "problem", "credential", "credential_optional", "bogus", "vertical"]).map(
        lambda tag: (tag, [])),
    lambda inner: st.tuples(st.sampled_from(["chapter", "sequential", "vertical", "credential_optional"]),
                            st.lists(inner, max_size=3)), max_leaves=8)
attributes = st.dictionaries(st.sampled_from(["url_name", "display_name", "min_grade", "available_from", "weight",
                                              "level", "graded", "format", "locked"]), nasty_text, max_size=3)


def olx_of(node, attrs, counter) -> str:
    from xml.sax.saxutils import quoteattr

    tag, children = node
    counter[0] += 1
    merged = {"url_name": f"n{counter[0]}", **attrs}
    text = " ".join(f"{key}={quoteattr(''.join(c for c in value if c.isprintable()))}" for key, value in merged.items())
    return f"<{tag} {text}>" + "".join(olx_of(child, {}, counter) for child in children) + f"</{tag}>"


@settings(max_examples=EXAMPLES["olx"], **FUZZ)
@given(tree=olx_nodes, attrs=attributes, raw=st.one_of(st.none(), nasty_text))
def test_olx(tree, attrs, raw):
    from credential_admin.standalone.loader import load_course
    from credential_admin.standalone.models import Course
    from credential_admin.standalone.runtime import LoadError

    olx = raw if raw is not None else f'<course url_name="F">{olx_of(tree, attrs, [0])}</course>'
    before = fingerprint()
    try:
        with transaction.atomic():
            load_course("course-v1:Fuzz+F+F", olx, {"GRADER": [], "GRADE_CUTOFFS": {"Pass": 0.5}})
            transaction.set_rollback(True)
    except LoadError:
        assert fingerprint() == before
        assert not Course.objects.filter(course_key="course-v1:Fuzz+F+F").exists()


# ----- names ------------------------------------------------------------------------------------------------------

@settings(max_examples=EXAMPLES["names"], **FUZZ)
@example(name="\U0002FA10")  # a compatibility ideograph whose NFC form (U+2A0CE) no bundled font has
@given(name=st.one_of(st.text(min_size=1, max_size=60), st.text(
    alphabet=st.characters(codec="utf-8", categories=["So", "Sk", "Cf", "Cc", "Mn", "Lo"]), min_size=1, max_size=20)))
def test_names(name):
    """Whatever a learner's name holds, the text engine prints something for it (the pipeline's path)."""
    from credential_admin.issuing.pdf.fonts import font_chain
    from credential_admin.issuing.pdf.text import fit

    chain = font_chain()
    printed, _missing = chain.printable(name)
    if printed.strip():
        fit(printed, chain, None, size=28, width=600, height=50)
